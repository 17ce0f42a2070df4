package spotifysim

import (
	"net/url"
	"strings"
	"testing"
)

func TestParseSearchQuery(t *testing.T) {
	got := parseSearchQuery(`  track:"Blue  Train" artist:Coltrane remaster album:"Blue Train `)
	if strings.Join(got.track, "|") != "blue train" || strings.Join(got.artist, "|") != "coltrane" ||
		strings.Join(got.free, "|") != "remaster" || strings.Join(got.album, "|") != "blue train" {
		t.Errorf("parsed %+v", got)
	}
	if !parseSearchQuery(`  "" track:`).empty() {
		t.Error(`a query of nothing but an empty phrase is empty`)
	}
}

// TestSearchFindsATrackByNameAndArtist is what the importer relies on: a
// track named by title and artist comes first when asked with filters.
func TestSearchFindsATrackByNameAndArtist(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.login(t, "dex").AccessToken
	e.sim.mu.RLock()
	var want *track
	for _, tr := range e.sim.cat.tracks {
		if len(tr.artists) > 1 {
			want = tr
			break
		}
	}
	e.sim.mu.RUnlock()
	if want == nil {
		t.Fatal("no track with two artists in the catalogue")
	}
	// Case and spacing do not matter; the second artist is enough.
	q := `track:"` + strings.ToUpper(want.name) + `" artist:"` + want.artists[1].name + `"`
	r := e.call(t, "GET", "/v1/search?"+url.Values{"q": {q}, "type": {"track"}, "limit": {"10"}}.Encode(), tok, nil)
	var page struct {
		Tracks struct {
			Items []struct {
				ID, Name string
			}
			Total int
			Limit int
		}
		Artists *struct{}
	}
	r.decode(t, &page)
	if r.status != 200 || len(page.Tracks.Items) == 0 || page.Tracks.Items[0].ID != want.id {
		t.Fatalf("search %q: %d %+v", q, r.status, page)
	}
	if page.Artists != nil || page.Tracks.Limit != 10 {
		t.Errorf("answered types beyond those asked, or the wrong limit: %s", r.body)
	}

	// No match: an empty page, not an error.
	r = e.call(t, "GET", "/v1/search?"+url.Values{"q": {`track:"no such song anywhere"`}, "type": {"track"}}.Encode(), tok, nil)
	r.decode(t, &page)
	if r.status != 200 || page.Tracks.Total != 0 || len(page.Tracks.Items) != 0 {
		t.Errorf("search for nothing: %d %s", r.status, r.body)
	}

	// Spotify's limits and messages.
	for target, msg := range map[string]string{
		"/v1/search?type=track":                      msgNoQuery,
		"/v1/search?q=a&type=songs":                  msgBadSearchType,
		"/v1/search?q=a&type=track&limit=11":         msgInvalidLimit,
		"/v1/search?q=a&type=track&offset=1001":      msgInvalidOffset,
		"/v1/search?q=a&type=track,playlist,nothing": msgBadSearchType,
	} {
		wantAPIError(t, e.call(t, "GET", target, tok, nil), 400, msg)
	}
}
