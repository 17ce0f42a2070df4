package history

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/euterpe-dev/euterpe/db"
	"github.com/euterpe-dev/euterpe/spotify"
)

// SaveTopItems stores Spotify's top tracks and top artists in the
// catalogue, inside tx, and returns our ids of them by Spotify id (items
// without a usable Spotify id are left out). Top artists come with their
// pictures, which the catalogue keeps. Every artist is written in one
// statement, sorted by Spotify id, before albums and tracks: the order
// Record's writers lock catalogue rows in, so the two never deadlock.
func SaveTopItems(ctx context.Context, tx pgx.Tx, tracks []spotify.Track, artists []spotify.Artist) (trackIDs, artistIDs map[string]int64, err error) {
	q := db.New(tx)
	var valid []spotify.Track
	for _, t := range tracks {
		if validID(t.ID) {
			valid = append(valid, t)
		}
	}
	// The artists named by the tracks and their albums first, then the top
	// artists: uniqueBy keeps the last of each, the one with a picture.
	type credit struct {
		id, name, image string
	}
	var all []credit
	for _, t := range valid {
		for _, a := range t.Artists {
			all = append(all, credit{a.ID, a.Name, ""})
		}
		if validID(t.Album.ID) && t.Album.Name != "" {
			for _, a := range t.Album.Artists {
				all = append(all, credit{a.ID, a.Name, ""})
			}
		}
	}
	for _, a := range artists {
		all = append(all, credit{a.ID, a.Name, spotify.ImageURL(a.Images, 300)})
	}
	var kept []credit
	for _, c := range all {
		if validID(c.id) && c.name != "" {
			kept = append(kept, c)
		}
	}
	kept = uniqueBy(kept, func(c credit) string { return c.id })
	var ap db.UpsertArtistsParams
	for _, c := range kept {
		ap.SpotifyIds = append(ap.SpotifyIds, c.id)
		ap.Names = append(ap.Names, c.name)
		ap.ImageUrls = append(ap.ImageUrls, c.image)
		ap.NameKeys = append(ap.NameKeys, NameKey(c.name))
	}
	if len(kept) > 0 {
		if err := q.ClaimArtistsByName(ctx, db.ClaimArtistsByNameParams{SpotifyIds: ap.SpotifyIds, NameKeys: ap.NameKeys}); err != nil {
			return nil, nil, fmt.Errorf("history: store top artists: %w", err)
		}
		if err := q.UpsertArtists(ctx, ap); err != nil {
			return nil, nil, fmt.Errorf("history: store top artists: %w", err)
		}
	}
	if trackIDs, err = saveTracks(ctx, q, valid); err != nil {
		return nil, nil, err
	}
	var ids []string
	for _, a := range artists {
		if validID(a.ID) {
			ids = append(ids, a.ID)
		}
	}
	artistIDs = map[string]int64{}
	if len(ids) > 0 {
		if artistIDs, err = idsBySpotifyID(q.ListArtistIDs(ctx, ids)); err != nil {
			return nil, nil, fmt.Errorf("history: read artist ids: %w", err)
		}
	}
	return trackIDs, artistIDs, nil
}
