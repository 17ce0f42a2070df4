package spotify

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// A top-tracks page as an extended-quota app receives it.
const fullTrackPage = `{
  "href": "https://api.spotify.com/v1/me/top/tracks?offset=0&limit=2",
  "limit": 2, "offset": 0, "total": 50,
  "next": "https://api.spotify.com/v1/me/top/tracks?offset=2&limit=2",
  "previous": null,
  "items": [{
    "album": {
      "album_type": "album", "total_tracks": 9, "id": "2up3OPMp9Tb4dAKM2erWXQ",
      "name": "Discovery", "release_date": "2001-03-12", "release_date_precision": "day",
      "images": [
        {"url": "https://i.scdn.co/image/640", "height": 640, "width": 640},
        {"url": "https://i.scdn.co/image/300", "height": 300, "width": 300},
        {"url": "https://i.scdn.co/image/64", "height": 64, "width": 64}
      ],
      "artists": [{"id": "4tZwfgrHOc3mvqYlEYSvVi", "name": "Daft Punk", "type": "artist", "uri": "spotify:artist:4tZwfgrHOc3mvqYlEYSvVi", "external_urls": {"spotify": "https://open.spotify.com/artist/4tZwfgrHOc3mvqYlEYSvVi"}}],
      "available_markets": ["CA", "BR"], "type": "album", "uri": "spotify:album:2up3OPMp9Tb4dAKM2erWXQ"
    },
    "artists": [{"id": "4tZwfgrHOc3mvqYlEYSvVi", "name": "Daft Punk"}],
    "disc_number": 1, "duration_ms": 320357, "explicit": false,
    "external_ids": {"isrc": "GBDUW0000053"},
    "external_urls": {"spotify": "https://open.spotify.com/track/0DiWol3AO6WpXZgp0goxAV"},
    "id": "0DiWol3AO6WpXZgp0goxAV", "is_local": false, "name": "One More Time",
    "popularity": 0, "preview_url": null, "track_number": 1, "type": "track",
    "uri": "spotify:track:0DiWol3AO6WpXZgp0goxAV"
  }, {
    "album": {"album_type": "SINGLE", "id": "a2", "name": "Old", "release_date": "0000", "release_date_precision": "year", "images": [], "artists": []},
    "artists": [], "duration_ms": 1000, "id": "t2", "name": "Two", "popularity": 71, "uri": "spotify:track:t2"
  }]
}`

func TestDecodeTrackPage(t *testing.T) {
	var p Page[Track]
	if err := json.Unmarshal([]byte(fullTrackPage), &p); err != nil {
		t.Fatal(err)
	}
	if p.Total != 50 || p.Limit != 2 || p.Next == nil || p.Previous != nil || len(p.Items) != 2 {
		t.Fatalf("paging fields: %+v", p)
	}
	tr := p.Items[0]
	if tr.Popularity == nil || *tr.Popularity != 0 {
		t.Errorf("popularity 0 sent must decode as a known 0, got %v", tr.Popularity)
	}
	if tr.Album.ID != "2up3OPMp9Tb4dAKM2erWXQ" || len(tr.Album.Images) != 3 || *tr.Album.Images[1].Width != 300 {
		t.Errorf("album: %+v", tr.Album)
	}
	if tr.DurationMS != 320357 || tr.Type != "track" || tr.ExternalURLs.Spotify == "" {
		t.Errorf("track fields: %+v", tr)
	}
	rd, err := tr.Album.Released()
	if err != nil || rd != (ReleaseDate{2001, 3, 12, PrecisionDay}) {
		t.Errorf("Released() = %v, %v", rd, err)
	}
	if _, err := p.Items[1].Album.Released(); err == nil {
		t.Error(`release date "0000" must be an error`)
	}
}

func TestDecodeTrackWithoutPopularity(t *testing.T) {
	// Development Mode: the deprecated field is simply not there.
	in := `{"id": "t", "name": "n", "duration_ms": 1, "album": {"id": "a"}, "artists": [], "uri": "spotify:track:t"}`
	var tr Track
	if err := json.Unmarshal([]byte(in), &tr); err != nil {
		t.Fatal(err)
	}
	if tr.Popularity != nil {
		t.Fatalf("absent popularity decoded as %d", *tr.Popularity)
	}
	out, err := json.Marshal(tr)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "popularity") {
		t.Errorf("absent popularity must stay absent when encoded again: %s", out)
	}
}

func TestArtistGenresAbsentOrEmpty(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		wantKnown bool
		wantLen   int
		wantJSON  string // substring expected in the re-encoded object, or "" for none
	}{
		{"present", `{"id":"a","name":"A","genres":["rock","grunge"],"popularity":80,"followers":{"href":null,"total":7}}`, true, 2, `"genres":["rock","grunge"]`},
		{"present but unclassified", `{"id":"a","name":"A","genres":[]}`, true, 0, `"genres":[]`},
		{"absent (Development Mode)", `{"id":"a","name":"A"}`, false, 0, ""},
		{"null", `{"id":"a","name":"A","genres":null}`, false, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var a Artist
			if err := json.Unmarshal([]byte(tt.in), &a); err != nil {
				t.Fatal(err)
			}
			if a.GenresKnown() != tt.wantKnown || len(a.Genres) != tt.wantLen {
				t.Fatalf("GenresKnown() = %v, len = %d; want %v, %d", a.GenresKnown(), len(a.Genres), tt.wantKnown, tt.wantLen)
			}
			out, err := json.Marshal(a)
			if err != nil {
				t.Fatal(err)
			}
			if tt.wantJSON != "" && !strings.Contains(string(out), tt.wantJSON) {
				t.Errorf("re-encoded %s, want it to contain %s", out, tt.wantJSON)
			}
			if tt.wantJSON == "" && strings.Contains(string(out), "genres") {
				t.Errorf("re-encoded %s, want no genres key", out)
			}
			var again Artist
			if err := json.Unmarshal(out, &again); err != nil || again.GenresKnown() != tt.wantKnown {
				t.Errorf("round trip lost presence: %s", out)
			}
		})
	}
}

func TestDecodeUser(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		wantName string
		wantMail string
	}{
		{"extended quota", `{"id":"wizz","display_name":"Wizzler","email":"w@example.com","country":"SE","product":"premium","images":[{"url":"u","height":null,"width":null}]}`, "Wizzler", "w@example.com"},
		{"Development Mode, no name", `{"id":"wizz","display_name":null,"images":[]}`, "wizz", ""},
		{"empty name", `{"id":"wizz","display_name":""}`, "wizz", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var u User
			if err := json.Unmarshal([]byte(tt.in), &u); err != nil {
				t.Fatal(err)
			}
			if u.Name() != tt.wantName || u.Email != tt.wantMail {
				t.Errorf("Name() = %q, Email = %q; want %q, %q", u.Name(), u.Email, tt.wantName, tt.wantMail)
			}
		})
	}
}

func TestDecodeRecentlyPlayed(t *testing.T) {
	in := `{
	  "href": "https://api.spotify.com/v1/me/player/recently-played?limit=2",
	  "limit": 2, "next": null, "cursors": {"after": "1714566896789", "before": "1714566000000"},
	  "items": [
	    {"track": {"id": "t1", "name": "A"}, "played_at": "2024-05-01T12:34:56.789Z", "context": {"type": "playlist", "uri": "spotify:playlist:p"}},
	    {"track": {"id": "t2", "name": "B"}, "played_at": "2024-05-01T12:00:00Z", "context": null}
	  ]}`
	var p CursorPage[PlayHistory]
	if err := json.Unmarshal([]byte(in), &p); err != nil {
		t.Fatal(err)
	}
	if p.Cursors == nil || p.Cursors.After != "1714566896789" || p.Next != nil || len(p.Items) != 2 {
		t.Fatalf("page: %+v", p)
	}
	want := time.Date(2024, 5, 1, 12, 34, 56, 789e6, time.UTC)
	if !p.Items[0].PlayedAt.Equal(want) || p.Items[0].Context == nil {
		t.Errorf("first play: %+v", p.Items[0])
	}
	if p.Items[1].Context != nil {
		t.Errorf("null context decoded as %+v", p.Items[1].Context)
	}

	var empty CursorPage[PlayHistory]
	if err := json.Unmarshal([]byte(`{"items":[],"next":null,"cursors":null,"limit":50}`), &empty); err != nil || empty.Cursors != nil {
		t.Errorf("empty page: %+v, %v", empty, err)
	}
}

func TestPlaylistItemsRef(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want PlaylistItemsRef
	}{
		{"2026 items field", `{"id":"p","items":{"href":"h1","total":3}}`, PlaylistItemsRef{"h1", 3}},
		{"deprecated tracks field", `{"id":"p","tracks":{"href":"h2","total":4}}`, PlaylistItemsRef{"h2", 4}},
		{"both, items wins", `{"id":"p","items":{"href":"h1","total":3},"tracks":{"href":"h2","total":4}}`, PlaylistItemsRef{"h1", 3}},
		{"neither", `{"id":"p"}`, PlaylistItemsRef{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p SimplifiedPlaylist
			if err := json.Unmarshal([]byte(tt.in), &p); err != nil {
				t.Fatal(err)
			}
			if got := p.ItemsRef(); got != tt.want {
				t.Errorf("ItemsRef() = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestDecodeSimplifiedPlaylist(t *testing.T) {
	in := `{"collaborative":false,"description":null,"id":"p1","images":null,"name":"Mine",
	  "owner":{"id":"wizz","display_name":null,"type":"user"},"public":null,"snapshot_id":"s","type":"playlist","uri":"spotify:playlist:p1"}`
	var p SimplifiedPlaylist
	if err := json.Unmarshal([]byte(in), &p); err != nil {
		t.Fatal(err)
	}
	if p.Owner.ID != "wizz" || p.Public != nil || p.Description != nil || p.Images != nil {
		t.Errorf("playlist: %+v", p)
	}
}

func TestPlaylistItemPlayableTrack(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		wantID string // "" when the item must be skipped
	}{
		{"2026 item field", `{"added_at":"2020-01-01T00:00:00Z","item":{"id":"t1","type":"track"}}`, "t1"},
		{"deprecated track field", `{"track":{"id":"t2","type":"track"}}`, "t2"},
		{"item wins over track", `{"item":{"id":"t1"},"track":{"id":"t2"}}`, "t1"},
		{"unavailable track", `{"added_at":null,"item":null,"track":null}`, ""},
		{"nothing at all", `{}`, ""},
		{"local file", `{"is_local":true,"item":{"id":null,"name":"my.mp3","is_local":true,"uri":"spotify:local:a:b:c:1"}}`, ""},
		{"local flag only on the track", `{"item":{"id":"t3","is_local":true}}`, ""},
		{"podcast episode", `{"item":{"id":"e1","type":"episode","name":"Ep"}}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var pi PlaylistItem
			if err := json.Unmarshal([]byte(tt.in), &pi); err != nil {
				t.Fatal(err)
			}
			tr, ok := pi.PlayableTrack()
			if ok != (tt.wantID != "") || tr.ID != tt.wantID {
				t.Errorf("PlayableTrack() = %q, %v; want %q", tr.ID, ok, tt.wantID)
			}
		})
	}
}

func TestDecodeError(t *testing.T) {
	var e ErrorResponse
	if err := json.Unmarshal([]byte(`{"error":{"status":429,"message":"API rate limit exceeded"}}`), &e); err != nil {
		t.Fatal(err)
	}
	var err error = &e.Error
	if got, want := err.Error(), "spotify: 429 API rate limit exceeded"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestPlaylistTrackIDs(t *testing.T) {
	tr := func(id, typ string) *Track { return &Track{ID: id, Type: typ} }
	items := []PlaylistItem{
		{Item: tr("a", "track")},
		{Track: tr("b", "")},
		{},
		{IsLocal: true, Item: tr("", "track")},
		{Item: tr("e", "episode")},
		{Item: tr("a", "track")},
	}
	if got := fmt.Sprint(PlaylistTrackIDs(items)); got != "[a b a]" {
		t.Errorf("PlaylistTrackIDs = %s, want [a b a]", got)
	}
	if got := PlaylistTrackIDs(nil); got == nil || len(got) != 0 {
		t.Errorf("PlaylistTrackIDs(nil) = %#v", got)
	}
}
