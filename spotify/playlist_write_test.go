package spotify_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/euterpe-dev/euterpe/internal/testclock"
	"github.com/euterpe-dev/euterpe/spotify"
	"github.com/euterpe-dev/euterpe/spotify/spotifysim"
)

// simToken signs listener in to a fresh simulator with scopes and returns
// its Web API base and an access token.
func simToken(t *testing.T, listener, scopes string) (*spotifysim.Server, string, string) {
	t.Helper()
	cfg := spotifysim.DefaultConfig()
	cfg.Clock = testclock.Clock()
	sim, err := spotifysim.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	oc := &oauth2.Config{ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, RedirectURL: cfg.RedirectURI,
		Scopes:   strings.Fields(scopes),
		Endpoint: oauth2.Endpoint{AuthURL: srv.URL + "/authorize", TokenURL: srv.URL + "/api/token", AuthStyle: oauth2.AuthStyleInHeader}}
	verifier := oauth2.GenerateVerifier()
	page, _ := url.Parse(oc.AuthCodeURL("state", oauth2.S256ChallengeOption(verifier)))
	stop := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := spotifysim.Consent(context.Background(), stop, page, listener, "accept")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	cb, err := res.Location()
	if err != nil {
		t.Fatal(err)
	}
	tok, err := oc.Exchange(context.Background(), cb.Query().Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	return sim, srv.URL + "/v1", tok.AccessToken
}

// A private playlist is created with POST /me/playlists and filled with
// POST /playlists/{id}/items, 100 items a call, in order.
func TestCreatePlaylistAndAddItems(t *testing.T) {
	sim, api, token := simToken(t, "walt", "user-top-read playlist-read-private playlist-modify-private")
	ctx := context.Background()
	var forced int
	// The first call's token is refused: the client asks for a fresh one
	// once and sends the write again.
	c := spotify.NewClient(http.DefaultClient, api, func(_ context.Context, force bool) (string, error) {
		if !force {
			return "stale-token", nil
		}
		forced++
		return token, nil
	}, nil)
	pl, err := c.CreatePlaylist(ctx, spotify.NewPlaylist{Name: "Blend", Description: "d", Public: false})
	if err != nil || pl.ID == "" || pl.Name != "Blend" || forced != 1 {
		t.Fatalf("create: %+v %v (forced %d)", pl, err, forced)
	}
	c = spotify.NewClient(http.DefaultClient, api, func(context.Context, bool) (string, error) { return token, nil }, nil)
	top, err := c.TopTracks(ctx, spotify.ShortTerm, 50)
	if err != nil || len(top.Items) == 0 {
		t.Fatalf("top: %v", err)
	}
	var ids []string
	for len(ids) < 150 {
		for _, tr := range top.Items {
			ids = append(ids, tr.ID)
		}
	}
	ids = ids[:150]
	snap, err := c.AddPlaylistItems(ctx, pl.ID, ids)
	if err != nil || snap == "" {
		t.Fatalf("add: %q %v", snap, err)
	}
	var posts int
	for _, r := range sim.RequestLog("/v1/playlists/" + pl.ID + "/items") {
		if r.Method == http.MethodPost {
			posts++
		}
	}
	if posts != 2 {
		t.Errorf("%d POSTs for 150 items, want 2", posts)
	}
	items, err := c.PlaylistItems(ctx, pl.ID, 0)
	if err != nil || !slices.Equal(spotify.PlaylistTrackIDs(items), ids) {
		t.Errorf("the playlist holds %d items (%v), not the 150 in order", len(items), err)
	}
	mine, err := c.MyPlaylists(ctx)
	if err != nil || mine[0].ID != pl.ID || mine[0].Public == nil || *mine[0].Public {
		t.Errorf("not first in the library, or not private: %+v %v", mine[0], err)
	}
}

// Without the playlist scope Spotify refuses, and the error says why.
func TestCreatePlaylistWithoutTheScope(t *testing.T) {
	_, api, token := simToken(t, "ines", "user-top-read playlist-read-private")
	c := spotify.NewClient(http.DefaultClient, api, func(context.Context, bool) (string, error) { return token, nil }, nil)
	_, err := c.CreatePlaylist(context.Background(), spotify.NewPlaylist{Name: "x"})
	if !spotify.InsufficientScope(err) {
		t.Errorf("without the scope: %v", err)
	}
	if spotify.InsufficientScope(&spotify.Error{Status: 403, Message: "Forbidden"}) || spotify.InsufficientScope(nil) {
		t.Error("InsufficientScope takes any 403 for a missing scope")
	}
}
