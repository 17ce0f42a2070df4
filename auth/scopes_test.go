package auth

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"golang.org/x/oauth2"

	"github.com/euterpe-dev/euterpe/config"
	"github.com/euterpe-dev/euterpe/spotify/spotifysim"
)

func TestSafeReturnPath(t *testing.T) {
	for p, want := range map[string]bool{
		"/":                            true,
		"/friends/join/abc-_DEF":       true,
		"/friends/1?period=all_time":   true,
		"/playlists?permission=x#top":  true,
		"":                             false,
		"friends":                      false,
		"//evil.example":               false,
		"//evil.example/friends":       false,
		"/\\evil.example":              false,
		"/friends\\..\\x":              false,
		"https://evil.example/":        false,
		"/a b":                         false,
		"/a\nLocation: x":              false,
		"/a\x7f":                       false,
		"/" + strings.Repeat("a", 600): false,
	} {
		if got := SafeReturnPath(p); got != want {
			t.Errorf("SafeReturnPath(%q) = %v, want %v", p, got, want)
		}
	}
}

// requestScopes are the configured scopes, then the extra ones each once;
// nothing shaped unlike a scope is asked for.
func TestRequestScopes(t *testing.T) {
	s := New(Options{Config: config.Config{SecretKeys: []string{strings.Repeat("k", 40)},
		Spotify: config.Spotify{Scope: "user-top-read user-read-private"}}})
	got := s.requestScopes([]string{"user-read-private", ScopePlaylistModifyPrivate, "", "Bad Scope", ScopePlaylistModifyPrivate, "a&b"})
	if want := []string{"user-top-read", "user-read-private", ScopePlaylistModifyPrivate}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := s.grantedScope(&oauth2.Token{}, ""); got != "user-top-read user-read-private" {
		t.Errorf("no scope anywhere: %q", got)
	}
}

// A second authorization asks for the configured scopes, those given and
// its return path; the callback leads back there and stores what the new
// token may do: the union. A return path that leaves the site is refused
// before anything is stored; a cancelled consent still says where to go
// back.
func TestBeginAuthorization(t *testing.T) {
	e := newRefreshEnv(t, false)
	s := e.service(e.pool)
	ctx := context.Background()
	listener := e.listener(t, 0)
	e.login(t, s, listener)

	stop := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	authorize := func(a Authorization, action string) (LoggedIn, []string, error) {
		t.Helper()
		authURL, state, err := s.BeginAuthorization(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		page, _ := url.Parse(authURL)
		asked := strings.Fields(page.Query().Get("scope"))
		res, err := spotifysim.Consent(ctx, stop, page, listener, action)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		cb, _ := res.Location()
		in, err := s.CompleteLogin(ctx, Callback{State: state, CookieState: state, Code: cb.Query().Get("code"), Error: cb.Query().Get("error")})
		return in, asked, err
	}
	granted, err := s.GrantedScopes(ctx, e.userID(t, listener))
	if err != nil || slices.Contains(granted, ScopePlaylistModifyPrivate) {
		t.Fatalf("granted at sign-in: %q %v", granted, err)
	}
	in, asked, err := authorize(Authorization{ExtraScopes: append(granted, ScopePlaylistModifyPrivate), ReturnTo: "/playlists?permission=granted"}, "accept")
	if err != nil || in.ReturnTo != "/playlists?permission=granted" {
		t.Fatalf("upgrade: %v, back to %q", err, in.ReturnTo)
	}
	want := append(strings.Fields(config.DefaultScope), ScopePlaylistModifyPrivate)
	if !slices.Equal(asked, want) {
		t.Errorf("asked for %q, want %q", asked, want)
	}
	now, _ := s.GrantedScopes(ctx, in.UserID)
	slices.Sort(now)
	slices.Sort(want)
	if !slices.Equal(now, want) {
		t.Errorf("stored %q, want %q", now, want)
	}
	in, _, err = authorize(Authorization{ReturnTo: "/friends/join/x"}, "cancel")
	if !errors.Is(err, ErrAccessDenied) || in.ReturnTo != "/friends/join/x" {
		t.Errorf("cancelled: %v, back to %q", err, in.ReturnTo)
	}
	for _, bad := range []string{"//evil.example", "https://evil.example/"} {
		if _, _, err := s.BeginAuthorization(ctx, Authorization{ReturnTo: bad}); !errors.Is(err, ErrReturnPath) {
			t.Errorf("return to %q: %v", bad, err)
		}
	}
	var pending int
	if err := e.pool.QueryRow(ctx, `SELECT count(*) FROM euterpe.login_states`).Scan(&pending); err != nil || pending != 0 {
		t.Errorf("%d login states left (%v)", pending, err)
	}
	// The return path is stored encrypted.
	if _, _, err := s.BeginAuthorization(ctx, Authorization{ReturnTo: "/friends/join/secret-token"}); err != nil {
		t.Fatal(err)
	}
	var leaked int
	if err := e.pool.QueryRow(ctx, `SELECT count(*) FROM euterpe.login_states l WHERE position('secret-token' in l::text) > 0`).Scan(&leaked); err != nil || leaked != 0 {
		t.Errorf("the return path is stored in clear (%v)", err)
	}
}

// userID is Euterpe's id of the user who signed in as spotifyID.
func (e *refreshEnv) userID(t *testing.T, spotifyID string) uuid.UUID {
	t.Helper()
	var id uuid.UUID
	if err := e.pool.QueryRow(context.Background(), `SELECT id FROM euterpe.users WHERE spotify_user_id = $1`, spotifyID).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}
