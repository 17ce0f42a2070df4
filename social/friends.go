package social

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/euterpe-dev/euterpe/database"
	"github.com/euterpe-dev/euterpe/db"
)

// InviteTTL is how long an invite link works.
const InviteTTL = 7 * 24 * time.Hour

// MaxOpenInvites is how many invites a user may have open at once.
const MaxOpenInvites = 10

// Friends keeps friendships and the invites that make them. It is safe for
// concurrent use.
type Friends struct {
	pool    *database.Pool
	queries *db.Queries
	now     func() time.Time
}

// NewFriends builds it; now is the app's clock.
func NewFriends(pool *database.Pool, now func() time.Time) *Friends {
	return &Friends{pool: pool, queries: db.New(pool), now: now}
}

// Invite is an open invite, as its sender's page lists it.
type Invite struct {
	ID               uuid.UUID
	Created, Expires time.Time
}

// Invite makes an invite and returns its token, shown to the inviter this
// once (only its hash is kept). ErrTooMany when MaxOpenInvites are open.
func (f *Friends) Invite(ctx context.Context, inviterID uuid.UUID) (string, Invite, error) {
	now := f.now()
	if _, err := f.queries.DeleteExpiredFriendInvites(ctx, db.DeleteExpiredFriendInvitesParams{InviterID: inviterID, AtTime: now}); err != nil {
		return "", Invite{}, fmt.Errorf("social: clear expired invites: %w", err)
	}
	token := NewToken()
	row, err := f.queries.CreateFriendInvite(ctx, db.CreateFriendInviteParams{InviterID: inviterID, TokenHash: HashToken(token),
		AtTime: now, ExpiresAt: now.Add(InviteTTL), MaxOpen: MaxOpenInvites})
	if errors.Is(err, pgx.ErrNoRows) {
		return "", Invite{}, ErrTooMany
	}
	if err != nil {
		return "", Invite{}, fmt.Errorf("social: create invite: %w", err)
	}
	return token, Invite{ID: row.ID, Created: now, Expires: row.ExpiresAt}, nil
}

// OpenInvites are the user's invites not yet accepted or expired.
func (f *Friends) OpenInvites(ctx context.Context, userID uuid.UUID) ([]Invite, error) {
	rows, err := f.queries.ListOpenFriendInvites(ctx, db.ListOpenFriendInvitesParams{InviterID: userID, AtTime: f.now()})
	if err != nil {
		return nil, fmt.Errorf("social: list invites: %w", err)
	}
	out := make([]Invite, len(rows))
	for i, r := range rows {
		out[i] = Invite{ID: r.ID, Created: r.CreatedAt, Expires: r.ExpiresAt}
	}
	return out, nil
}

// CancelInvite withdraws one of the user's invites. ErrNotFound when they
// have no such invite.
func (f *Friends) CancelInvite(ctx context.Context, userID, id uuid.UUID) error {
	n, err := f.queries.DeleteFriendInvite(ctx, db.DeleteFriendInviteParams{ID: id, InviterID: userID})
	if err != nil {
		return fmt.Errorf("social: cancel invite: %w", err)
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// Invitation is an invite as the person it was sent to sees it.
type Invitation struct {
	InviterID   uuid.UUID
	InviterName string
	Expires     time.Time
}

// InvitationFor reads an open invite by its token; ErrNotFound for a
// malformed, unknown, used or expired one.
func (f *Friends) InvitationFor(ctx context.Context, token string) (Invitation, error) {
	if !ValidToken(token) {
		return Invitation{}, ErrNotFound
	}
	r, err := f.queries.GetFriendInvite(ctx, db.GetFriendInviteParams{TokenHash: HashToken(token), AtTime: f.now()})
	if errors.Is(err, pgx.ErrNoRows) {
		return Invitation{}, ErrNotFound
	}
	if err != nil {
		return Invitation{}, fmt.Errorf("social: read invite: %w", err)
	}
	return Invitation{InviterID: r.InviterID, InviterName: r.InviterName, Expires: r.ExpiresAt}, nil
}

// Accept makes userID and the invite's sender friends, spending the
// invite, in one transaction: of two people accepting at once one
// succeeds, the other finds the invite gone (ErrNotFound). An invite is
// not spent by its own sender (ErrOwnInvite) nor by someone who is a
// friend already (ErrAlreadyFriends): it stays for whoever it was meant
// for. It returns the friendship's new friend.
func (f *Friends) Accept(ctx context.Context, token string, userID uuid.UUID) (Friend, error) {
	if !ValidToken(token) {
		return Friend{}, ErrNotFound
	}
	var friend Friend
	errKeep := errors.New("keep the invite")
	var outcome error
	err := pgx.BeginFunc(ctx, f.pool, func(tx pgx.Tx) error {
		q := db.New(tx)
		now := f.now()
		inviter, err := q.ClaimFriendInvite(ctx, db.ClaimFriendInviteParams{TokenHash: HashToken(token), AtTime: now})
		if errors.Is(err, pgx.ErrNoRows) {
			outcome = ErrNotFound
			return nil
		}
		if err != nil {
			return err
		}
		if inviter == userID {
			outcome = ErrOwnInvite
			return errKeep
		}
		n, err := q.CreateFriendship(ctx, db.CreateFriendshipParams{One: userID, Other: inviter, AtTime: now})
		if err != nil {
			return err
		}
		if n == 0 {
			outcome = ErrAlreadyFriends
			return errKeep
		}
		friends, err := q.ListFriends(ctx, userID)
		if err != nil {
			return err
		}
		for _, fr := range friends {
			if fr.FriendID == inviter {
				friend = Friend{ID: fr.ID, UserID: fr.FriendID, Name: fr.DisplayName, Since: fr.CreatedAt}
			}
		}
		return nil
	})
	if outcome != nil {
		return Friend{}, outcome
	}
	if err != nil {
		return Friend{}, fmt.Errorf("social: accept invite: %w", err)
	}
	return friend, nil
}

// Friend is one of a user's friends.
type Friend struct {
	ID     uuid.UUID // the friendship's id: the compare page's address
	UserID uuid.UUID // the friend's user id, never put in a page
	Name   string
	Since  time.Time
}

// List reads the user's friends, by name.
func (f *Friends) List(ctx context.Context, userID uuid.UUID) ([]Friend, error) {
	rows, err := f.queries.ListFriends(ctx, userID)
	if err != nil {
		return nil, fmt.Errorf("social: list friends: %w", err)
	}
	out := make([]Friend, len(rows))
	for i, r := range rows {
		out[i] = Friend{ID: r.ID, UserID: r.FriendID, Name: r.DisplayName, Since: r.CreatedAt}
	}
	return out, nil
}

// Friend reads the friend a friendship id names, for one of its two
// friends only: ErrNotFound for anyone else, as for an id that does not
// exist.
func (f *Friends) Friend(ctx context.Context, userID, friendshipID uuid.UUID) (Friend, error) {
	r, err := f.queries.GetFriend(ctx, db.GetFriendParams{ID: friendshipID, UserID: userID})
	if errors.Is(err, pgx.ErrNoRows) {
		return Friend{}, ErrNotFound
	}
	if err != nil {
		return Friend{}, fmt.Errorf("social: read friend: %w", err)
	}
	return Friend{ID: r.ID, UserID: r.FriendID, Name: r.DisplayName, Since: r.CreatedAt}, nil
}

// End ends a friendship, for either friend. ErrNotFound for anyone else.
func (f *Friends) End(ctx context.Context, userID, friendshipID uuid.UUID) error {
	n, err := f.queries.DeleteFriendship(ctx, db.DeleteFriendshipParams{ID: friendshipID, UserID: userID})
	if err != nil {
		return fmt.Errorf("social: end friendship: %w", err)
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}
