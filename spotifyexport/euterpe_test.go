package spotifyexport

import (
	"strings"
	"testing"
	"time"
)

// euterpeFile is a history.json as package export writes it: a play with
// every field, a play with its time heard unknown, a skip, a track known
// by name only, an episode and a chapter.
const euterpeFile = `[
{"kind":"play","played_at":"2025-06-01T18:00:00.123456Z","ms_played":180000,"track_uri":"spotify:track:0KcnVvQnDBgX4Xat1zvIxm","track_name":" The Funeral ","track_duration_ms":322000,"track_explicit":false,"artist_uris":["spotify:artist:0OdUWJ0sBjDrqHygGUXeCF",""],"artist_names":["Band of Horses","Guest"],"artist_image_urls":["https://i.scdn.co/image/a",""],"album_uri":"spotify:album:4m2880jivSbbyEGAKfITCa","album_name":"Everything All The Time","album_type":"album","album_release_date":"2006-03","album_image_url":"https://i.scdn.co/image/c","album_artist_uris":["spotify:artist:0OdUWJ0sBjDrqHygGUXeCF"],"album_artist_names":["Band of Horses"],"context_uri":"spotify:playlist:37i9dQZF1DXcBWIGoYBM5M","source":"poll"},
{"kind":"play","played_at":"2025-06-01T18:07:00Z","ms_played":null,"track_uri":"spotify:track:0KcnVvQnDBgX4Xat1zvIxm","track_name":"The Funeral","track_duration_ms":null,"track_explicit":true,"artist_uris":[],"artist_names":[],"artist_image_urls":[],"album_uri":null,"album_name":null,"album_type":null,"album_release_date":null,"album_image_url":null,"album_artist_uris":[],"album_artist_names":[],"context_uri":null,"source":"poll"},
{"kind":"skip","played_at":"2021-06-01T20:15:20Z","ms_played":4200,"track_uri":null,"track_name":"Myth","track_duration_ms":null,"track_explicit":false,"artist_uris":[null],"artist_names":["Beach House"],"artist_image_urls":[""],"album_uri":null,"album_name":"Bloom","album_type":null,"album_release_date":null,"album_image_url":null,"album_artist_uris":[],"album_artist_names":[]},
{"kind":"episode","played_at":"2021-06-02T07:40:11Z","ms_played":1803000,"show":"Ocean Stories","title":"Episode 12: Tides","uri":"spotify:episode:5yxSQ0rF3kDW6Q5Ewr3h9E"},
{"kind":"chapter","played_at":"2021-06-03T22:02:40Z","ms_played":900000,"show":"The Hobbit","title":"Chapter 1","uri":null}
]`

func TestEuterpeRows(t *testing.T) {
	kind, rows, err := readAll(t, "whatever.bin", strings.NewReader(euterpeFile))
	if err != nil || kind != Euterpe || len(rows) != 5 {
		t.Fatalf("kind %v, %d rows, %v", kind, len(rows), err)
	}
	p := rows[0]
	e := p.Euterpe
	if p.Kind != Music || !p.Precise || !p.EndedAt.Equal(time.Date(2025, 6, 1, 18, 0, 0, 123456000, time.UTC)) || p.MSPlayed != 180000 ||
		p.TrackName != " The Funeral " || p.TrackID != "0KcnVvQnDBgX4Xat1zvIxm" || p.ArtistName != "Band of Horses" || p.AlbumName != "Everything All The Time" {
		t.Errorf("play: %+v", p)
	}
	if e == nil || !e.Play || !e.MSKnown || e.ContextURI != "spotify:playlist:37i9dQZF1DXcBWIGoYBM5M" || e.Source != "poll" {
		t.Fatalf("play's own fields: %+v", e)
	}
	tr := e.Track
	if tr.DurationMS != 322000 || tr.Explicit || tr.AlbumID != "4m2880jivSbbyEGAKfITCa" || tr.AlbumType != "album" ||
		tr.AlbumReleaseDate != "2006-03" || tr.AlbumImageURL != "https://i.scdn.co/image/c" ||
		len(tr.Artists) != 2 || tr.Artists[0] != (EuterpeArtist{"0OdUWJ0sBjDrqHygGUXeCF", "Band of Horses", "https://i.scdn.co/image/a"}) ||
		tr.Artists[1] != (EuterpeArtist{"", "Guest", ""}) || len(tr.AlbumArtists) != 1 {
		t.Errorf("track: %+v", tr)
	}
	if u := rows[1].Euterpe; u.MSKnown || rows[1].MSPlayed != 0 || u.Track.DurationMS != -1 || !u.Track.Explicit || len(u.Track.Artists) != 0 {
		t.Errorf("time heard unknown: %+v %+v", rows[1], u)
	}
	if s := rows[2]; s.Kind != Music || s.Euterpe.Play || s.TrackID != "" || s.ArtistName != "Beach House" || s.AlbumName != "Bloom" || s.MSPlayed != 4200 {
		t.Errorf("skip of a track known by name: %+v", s)
	}
	if ep := rows[3]; ep.Kind != Episode || ep.ShowName != "Ocean Stories" || ep.EpisodeName != "Episode 12: Tides" || ep.EpisodeID != "5yxSQ0rF3kDW6Q5Ewr3h9E" || ep.Euterpe != nil {
		t.Errorf("episode: %+v", ep)
	}
	if ch := rows[4]; ch.Kind != Audiobook || ch.AudiobookTitle != "The Hobbit" || ch.ChapterTitle != "Chapter 1" || ch.AudiobookID != "" {
		t.Errorf("chapter: %+v", ch)
	}
}

// A Euterpe file that goes wrong says where and why, like Spotify's.
func TestBadEuterpeRows(t *testing.T) {
	good := `{"kind":"play","played_at":"2025-06-01T18:00:00Z","ms_played":1000,"track_uri":null,"track_name":"T","artist_uris":[""],"artist_names":["A"]}`
	for _, c := range []struct{ name, row, want string }{
		{"an unknown kind", strings.Replace(good, `"play"`, `"stream"`, 1), "kind"},
		{"a skip with no time heard", strings.Replace(strings.Replace(good, `"play"`, `"skip"`, 1), "1000", "null", 1), "skip without"},
		{"a bad time", strings.Replace(good, "2025-06-01T18:00:00Z", "yesterday", 1), "played_at"},
		{"a date in the future", strings.Replace(good, "2025-06-01", "2031-06-01", 1), "plausible"},
		{"lists of different lengths", strings.Replace(good, `["A"]`, `["A","B"]`, 1), "differ in length"},
		{"a list of numbers", strings.Replace(good, `["A"]`, `[1]`, 1), "other than strings"},
		{"a nested object", strings.Replace(good, `["A"]`, `[{"x":1}]`, 1), "other than strings"},
		{"a list where a name goes", strings.Replace(good, `"track_name":"T"`, `"track_name":["T"]`, 1), ""},
		{"a bad release date", strings.Replace(good, `"track_name":"T"`, `"track_name":"T","album_release_date":"March"`, 1), "album_release_date"},
		{"an endless list", strings.Replace(good, `["A"]`, "["+strings.Repeat(`"A",`, 200)+`"A"]`, 1), "more than 128"},
	} {
		_, rows, err := readAll(t, "history.json", strings.NewReader("["+good+","+c.row+"]"))
		if c.want == "" {
			// A name given as a list is no name: the row names nothing.
			if err != nil || len(rows) != 2 || rows[1].TrackName != "" {
				t.Errorf("%s: %v, %+v", c.name, err, rows)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "item 2") || !strings.HasPrefix(err.Error(), "history.json: ") {
			t.Errorf("%s: %v, want an error about %q at item 2", c.name, err, c.want)
		}
	}
	// Spotify's own files still refuse lists.
	_, _, err := readAll(t, "StreamingHistory_music_0.json", strings.NewReader(`[{"endTime":"2023-01-05 14:32","artistName":["x"],"trackName":"T","msPlayed":1}]`))
	if err == nil || !strings.Contains(err.Error(), "nested list") {
		t.Errorf("a list in Spotify's account data: %v", err)
	}
}
