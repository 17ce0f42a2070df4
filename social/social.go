// Package social is Euterpe's sharing and friends: public links to one view
// of a listener's stored listening (shares.go, share_view.go), friendships
// made through single-use invites (friends.go), comparing two friends'
// listening with an affinity score (affinity.go, compare.go), and the
// playlists Euterpe writes to Spotify, among them a blend of two friends'
// taste (blend.go, playlists.go).
//
// Anything shown to someone other than its owner is read from what Euterpe
// has stored (the history, the daily snapshots of the top lists), never
// from Spotify: an anonymous view or a friend's compare page never uses
// anyone's Spotify tokens. The only Spotify calls here are the user's own,
// for their own account: their picture when they make a link that shows it,
// their top songs, and writing a playlist.
package social

import (
	"crypto/sha256"
	"errors"

	"github.com/euterpe-dev/euterpe/randid"
)

// NewToken returns a fresh random share or invite token (randid), in its
// URL form; only its hash is kept.
func NewToken() string { return randid.New() }

// ValidToken reports whether s has the shape of a token Euterpe issues;
// anything else is refused before the database is asked.
func ValidToken(s string) bool { return randid.Valid(s) }

// HashToken is what is stored of a token, and what a lookup looks for:
// its SHA-256.
//
// Not an HMAC keyed with SECRET_KEY (as sessions are): a 256-bit random
// token cannot be found from its hash by trying tokens, so a key adds no
// protection to a stolen table, while it would tie every link to the
// current key: rotating SECRET_KEY would break links meant to never
// expire. Lookups by hash leak nothing through their timing either: how
// long the index search takes depends on the hash, which a guesser cannot
// steer towards a stored one without inverting SHA-256.
func HashToken(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// Errors a caller shows to the user.
var (
	// ErrNotFound: no such link, invite, friend or playlist for this user —
	// whether it never existed, expired, was revoked, or is someone else's.
	ErrNotFound = errors.New("social: not found")
	// ErrTooMany: the user has as many links (or open invites) as they may.
	ErrTooMany = errors.New("social: too many")
	// ErrOwnInvite: the inviter opened their own invite.
	ErrOwnInvite = errors.New("social: this is your own invite")
	// ErrAlreadyFriends: the invite's sender is a friend already.
	ErrAlreadyFriends = errors.New("social: already friends")
)

// FormError is a bad form field, Field naming it and Message saying what
// is wrong, fit to show.
type FormError struct {
	Field, Message string
}

func (e *FormError) Error() string { return e.Field + ": " + e.Message }
