package auth

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"golang.org/x/oauth2"
)

// ScopePlaylistModifyPrivate lets Euterpe create private playlists and add
// to them. Nobody is asked for it at sign-in: only when they first ask
// Euterpe to write a playlist (a second authorization that adds it to the
// scopes their grant already has).
const ScopePlaylistModifyPrivate = "playlist-modify-private"

// ErrReturnPath: a login was asked to lead back somewhere that is not a
// path of this site.
var ErrReturnPath = errors.New("auth: the return path is not a local path")

// Authorization is what a login asks Spotify for beyond the configured
// scopes, and where the callback leads back to.
type Authorization struct {
	// ExtraScopes are asked for besides the configured ones. A signed-in
	// user's second authorization passes the scopes of their stored grant
	// here, so that nothing they granted before is lost: Spotify's new
	// token carries exactly the scopes of the authorization that made it.
	ExtraScopes []string
	// ReturnTo is a path of this site the callback leads back to; empty
	// for the dashboard.
	ReturnTo string
	// UserID is the signed-in user who begins it (uuid.Nil: signed out):
	// one user has at most MaxPendingLoginsPerUser logins in progress.
	UserID uuid.UUID
}

// maxReturnPath bounds a return path (it is stored with the login).
const maxReturnPath = 512

// SafeReturnPath reports whether p may be led back to after a login: a path
// of this site ("/friends/join/…"), never another site ("//evil.example",
// "/\evil.example", "https://…"), nothing a browser would read as one, and
// no control characters.
func SafeReturnPath(p string) bool {
	if p == "" || len(p) > maxReturnPath || p[0] != '/' || strings.HasPrefix(p, "//") || strings.ContainsAny(p, "\\") {
		return false
	}
	for i := 0; i < len(p); i++ {
		if p[i] < 0x21 || p[i] == 0x7f {
			return false
		}
	}
	u, err := url.Parse(p)
	return err == nil && u.Scheme == "" && u.Host == "" && u.User == nil && strings.HasPrefix(u.Path, "/")
}

// validScope is a scope name's shape (Spotify's are lower-case words joined
// by hyphens); anything else stored or passed in is left out of a request.
func validScope(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('a' <= c && c <= 'z' || c == '-') {
			return false
		}
	}
	return true
}

// requestScopes are the configured scopes followed by the extra ones not
// among them, each once, in that order.
func (s *Service) requestScopes(extra []string) []string {
	out := slices.Clone(s.oauth.Scopes)
	for _, sc := range extra {
		if validScope(sc) && !slices.Contains(out, sc) {
			out = append(out, sc)
		}
	}
	return out
}

// GrantedScopes are the scopes of the user's stored grant, as Spotify
// reported them when it issued the token; none when their grant is gone.
func (s *Service) GrantedScopes(ctx context.Context, userID uuid.UUID) ([]string, error) {
	row, err := s.queries.GetUserToken(ctx, userID)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("auth: read scopes: %w", err)
	}
	return strings.Fields(row.Scope), nil
}

// grantedScope is what a login's new token may do, to be stored with it:
// the scope Spotify's token response names, which is everything the
// authorization asked for (the configured scopes, the stored grant's and
// any added: their union), or, when a response leaves it out, what was
// asked for (requested; empty for a login begun before logins recorded it,
// which asked for the configured scopes).
func (s *Service) grantedScope(tok *oauth2.Token, requested string) string {
	if sc := tokenScope(tok); sc != "" {
		return sc
	}
	if requested != "" {
		return requested
	}
	return strings.Join(s.oauth.Scopes, " ")
}
