package imports

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/euterpe-dev/euterpe/db"
	"github.com/euterpe-dev/euterpe/history"
	"github.com/euterpe-dev/euterpe/spotify"
	"github.com/euterpe-dev/euterpe/spotifyexport"
)

// Euterpe's own export (package export's history.json) is imported back
// exactly: its plays keep their time to the microsecond, the time heard
// (unknown included), where playback started, and whether each was a play
// or a skip; its tracks come with their album and every credited artist,
// by Spotify id. Its music rows are staged with kind 4 and merged by the
// queries of imports_euterpe.sql; its episodes and chapters are staged as
// Spotify's are. The plays are stored with source euterpe_export.

// stageKindEuterpe is import_rows.kind of a music row of Euterpe's export.
const stageKindEuterpe = 4

// stagedTrack is import_rows.track: the track as the exporting catalogue
// knew it, with the keys the catalogue finds name-only items by.
type stagedTrack struct {
	ID           string         `json:"id"`
	Name         string         `json:"name"`
	DurationMS   *int           `json:"duration_ms"`
	Explicit     bool           `json:"explicit"`
	Album        *stagedAlbum   `json:"album"`
	Artists      []stagedArtist `json:"artists"`
	AlbumArtists []stagedArtist `json:"album_artists"`
}

type stagedAlbum struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Key         string `json:"key"`
	Type        string `json:"type"`
	ReleaseDate string `json:"release_date"` // the first day it can mean, YYYY-MM-DD
	Precision   string `json:"precision"`
	ImageURL    string `json:"image_url"`
}

type stagedArtist struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Key      string `json:"key"`
	ImageURL string `json:"image_url,omitempty"`
}

// euterpeStagedRow is a music row of Euterpe's export as import_rows
// keeps it.
// A picture on any host but Spotify's (images) is dropped: the catalogue
// is every user's, and the file is whatever its uploader wrote.
func euterpeStagedRow(importID uuid.UUID, row spotifyexport.Row, images spotify.ImageURLs) (db.CopyImportRowsParams, bool) {
	picture := func(u string) string {
		if u == "" || !images.Allowed(u) {
			return ""
		}
		return u
	}
	e := row.Euterpe
	r := db.CopyImportRowsParams{ImportID: importID, Kind: stageKindEuterpe, EndedAt: row.EndedAt, Precise: true,
		MsPlayed: int32(row.MSPlayed), SpotifyID: row.TrackID, Title: row.TrackName, Artist: row.ArtistName, Album: row.AlbumName,
		IsPlay: &e.Play, MsKnown: &e.MSKnown, ContextUri: &e.ContextURI}
	if r.Title == "" {
		r.Title = "(untitled)"
	}
	r.TitleKey, r.ArtistKey = history.NameKey(r.Title, r.Artist), history.NameKey(r.Artist)
	if r.Artist == "" {
		r.ArtistKey = ""
	}
	t := stagedTrack{ID: row.TrackID, Name: r.Title, Explicit: e.Track.Explicit}
	if e.Track.DurationMS >= 0 {
		d := e.Track.DurationMS
		t.DurationMS = &d
	}
	credits := func(as []spotifyexport.EuterpeArtist) []stagedArtist {
		out := []stagedArtist{}
		for _, a := range as {
			out = append(out, stagedArtist{ID: a.ID, Name: a.Name, Key: history.NameKey(a.Name), ImageURL: picture(a.ImageURL)})
		}
		return out
	}
	t.Artists, t.AlbumArtists = credits(e.Track.Artists), credits(e.Track.AlbumArtists)
	if row.AlbumName != "" {
		// An album is found by its name and its first artist's, as the
		// other imports and the catalogue key it.
		first := row.ArtistName
		if len(e.Track.AlbumArtists) > 0 {
			first = e.Track.AlbumArtists[0].Name
		}
		al := &stagedAlbum{ID: e.Track.AlbumID, Name: row.AlbumName, Key: history.NameKey(row.AlbumName, first),
			Type: e.Track.AlbumType, ImageURL: picture(e.Track.AlbumImageURL)}
		al.ReleaseDate, al.Precision = stagedReleaseDate(e.Track.AlbumReleaseDate)
		t.Album = al
		r.AlbumKey = al.Key
	}
	b, err := json.Marshal(t)
	if err != nil {
		return r, false
	}
	r.Track = b
	return r, true
}

// stagedReleaseDate is Spotify's "1971-11" as the catalogue keeps it: the
// first day it can mean, and its precision.
func stagedReleaseDate(s string) (string, string) {
	switch len(s) {
	case 4:
		return s + "-01-01", "year"
	case 7:
		return s + "-01", "month"
	case 10:
		return s, "day"
	}
	return "", ""
}

// mergeEuterpeCatalogue adds what the export's rows name and the catalogue
// lacks: artists, albums with their credits, tracks with theirs. Nothing the
// catalogue has changes (see imports_euterpe.sql).
func mergeEuterpeCatalogue(ctx context.Context, q *db.Queries, importID uuid.UUID) error {
	for _, step := range []func(context.Context, uuid.UUID) error{
		q.MergeEuterpeArtists, q.MergeEuterpeNamedArtists,
		q.MergeEuterpeAlbums, q.MergeEuterpeNamedAlbums, q.MergeEuterpeAlbumArtists,
		q.MergeEuterpeTracks, q.MergeEuterpeTrackArtists,
	} {
		if err := step(ctx, importID); err != nil {
			return fmt.Errorf("imports: merge the catalogue of a Euterpe export: %w", err)
		}
	}
	return nil
}

// mergeEuterpePlays adds the export's plays a month at a time, months
// being ImportEuterpeMonths (the caller has the per-row duplicate check
// stand aside, as for Spotify's rows), calling done after each (to follow
// the progress, and stop when the import was cancelled), and reports how
// many were added of how many it held.
func mergeEuterpePlays(ctx context.Context, q *db.Queries, importID, userID uuid.UUID, months []time.Time,
	done func(month int) error) (added, candidates int64, err error) {
	if candidates, err = q.CountEuterpePlayRows(ctx, importID); err != nil || candidates == 0 {
		return 0, candidates, err
	}
	for i, m := range months {
		start, end := m.UTC(), m.UTC().AddDate(0, 1, 0)
		from, to := checkBounds(start, end)
		n, err := q.MergeEuterpePlays(ctx, db.MergeEuterpePlaysParams{ImportID: importID, UserID: userID,
			MonthStart: start, MonthEnd: end, CheckFrom: from, CheckTo: to})
		if err != nil {
			return added, candidates, fmt.Errorf("imports: merge the plays of a Euterpe export: %w", err)
		}
		added += n
		if err := done(i + 1); err != nil {
			return added, candidates, err
		}
	}
	return added, candidates, nil
}
