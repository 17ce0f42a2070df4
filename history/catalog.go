package history

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/euterpe-dev/euterpe/db"
	"github.com/euterpe-dev/euterpe/spotify"
)

// SaveTopItems stores Spotify's top tracks and top artists in the
// catalogue, inside tx, and returns our ids of them by Spotify id (items
// without a usable Spotify id are left out). Top artists come with their
// pictures, which the catalogue keeps.
func SaveTopItems(ctx context.Context, tx pgx.Tx, tracks []spotify.Track, artists []spotify.Artist) (trackIDs, artistIDs map[string]int64, err error) {
	valid := slices.DeleteFunc(slices.Clone(tracks), func(t spotify.Track) bool { return !validID(t.ID) })
	return saveCatalogue(ctx, db.New(tx), valid, artists)
}

// catalogueArtist is an artist as the catalogue stores it.
type catalogueArtist struct {
	id, name, image string
}

// saveCatalogue upserts tracks with their albums and artists, and artists
// of their own (top artists, with pictures), and returns our ids of both by
// Spotify id. Every list is deduplicated and sorted by Spotify id, and
// every artist is written in one statement before the albums and tracks,
// so concurrent writers lock catalogue rows in the same order and never
// deadlock.
func saveCatalogue(ctx context.Context, q *db.Queries, tracks []spotify.Track, more []spotify.Artist) (trackIDs, artistIDs map[string]int64, err error) {
	tracks = uniqueBy(tracks, func(t spotify.Track) string { return t.ID })
	// The artists the tracks and their albums credit first, then the ones
	// of their own: uniqueBy keeps the last of each, the one with a picture.
	var albums []spotify.SimplifiedAlbum
	var artists []catalogueArtist
	credit := func(as []spotify.SimplifiedArtist) {
		for _, a := range as {
			artists = append(artists, catalogueArtist{a.ID, a.Name, ""})
		}
	}
	for _, t := range tracks {
		if validID(t.Album.ID) && t.Album.Name != "" {
			albums = append(albums, t.Album)
			credit(t.Album.Artists)
		}
		credit(t.Artists)
	}
	for _, a := range more {
		artists = append(artists, catalogueArtist{a.ID, a.Name, spotify.ImageURL(a.Images, 300)})
	}
	albums = uniqueBy(albums, func(a spotify.SimplifiedAlbum) string { return a.ID })
	artists = uniqueBy(slices.DeleteFunc(artists, func(a catalogueArtist) bool { return !validID(a.id) || a.name == "" }),
		func(a catalogueArtist) string { return a.id })

	if artistIDs, err = saveArtists(ctx, q, artists); err != nil {
		return nil, nil, err
	}
	albumIDs, err := saveAlbums(ctx, q, albums, artistIDs)
	if err != nil {
		return nil, nil, err
	}
	if trackIDs, err = saveTracks(ctx, q, tracks, albumIDs, artistIDs); err != nil {
		return nil, nil, err
	}
	return trackIDs, artistIDs, nil
}

// saveArtists upserts artists (rows an export made by name become these
// Spotify artists first) and returns their ids.
func saveArtists(ctx context.Context, q *db.Queries, artists []catalogueArtist) (map[string]int64, error) {
	if len(artists) == 0 {
		return map[string]int64{}, nil
	}
	var p db.UpsertArtistsParams
	for _, a := range artists {
		p.SpotifyIds = append(p.SpotifyIds, a.id)
		p.Names = append(p.Names, a.name)
		p.ImageUrls = append(p.ImageUrls, a.image)
		p.NameKeys = append(p.NameKeys, NameKey(a.name))
	}
	if err := q.ClaimArtistsByName(ctx, db.ClaimArtistsByNameParams{SpotifyIds: p.SpotifyIds, NameKeys: p.NameKeys}); err != nil {
		return nil, fmt.Errorf("history: store artists: %w", err)
	}
	if err := q.UpsertArtists(ctx, p); err != nil {
		return nil, fmt.Errorf("history: store artists: %w", err)
	}
	ids, err := idsBySpotifyID(q.ListArtistIDs(ctx, p.SpotifyIds))
	if err != nil {
		return nil, fmt.Errorf("history: read artist ids: %w", err)
	}
	return ids, nil
}

// saveAlbums upserts albums with their credits and returns their ids.
func saveAlbums(ctx context.Context, q *db.Queries, albums []spotify.SimplifiedAlbum, artistIDs map[string]int64) (map[string]int64, error) {
	if len(albums) == 0 {
		return map[string]int64{}, nil
	}
	var p db.UpsertAlbumsParams
	for _, a := range albums {
		p.SpotifyIds = append(p.SpotifyIds, a.ID)
		p.Names = append(p.Names, a.Name)
		p.AlbumTypes = append(p.AlbumTypes, a.AlbumType)
		date, precision := releaseDate(a)
		p.ReleaseDates = append(p.ReleaseDates, date)
		p.ReleaseDatePrecisions = append(p.ReleaseDatePrecisions, precision)
		p.ImageUrls = append(p.ImageUrls, spotify.ImageURL(a.Images, 300))
		p.NameKeys = append(p.NameKeys, NameKey(a.Name, firstArtist(a.Artists)))
	}
	if err := q.ClaimAlbumsByName(ctx, db.ClaimAlbumsByNameParams{SpotifyIds: p.SpotifyIds, NameKeys: p.NameKeys}); err != nil {
		return nil, fmt.Errorf("history: store albums: %w", err)
	}
	if err := q.UpsertAlbums(ctx, p); err != nil {
		return nil, fmt.Errorf("history: store albums: %w", err)
	}
	ids, err := idsBySpotifyID(q.ListAlbumIDs(ctx, p.SpotifyIds))
	if err != nil {
		return nil, fmt.Errorf("history: read album ids: %w", err)
	}
	var c credits
	for _, a := range albums {
		c.add(ids[a.ID], a.Artists, artistIDs)
	}
	err = c.store(ctx, "album",
		func(ctx context.Context) error {
			return q.UpsertAlbumArtists(ctx, db.UpsertAlbumArtistsParams{AlbumIds: c.owners, Positions: c.positions, ArtistIds: c.artists})
		},
		func(ctx context.Context) error {
			return q.DeleteAlbumArtistsFrom(ctx, db.DeleteAlbumArtistsFromParams{AlbumIds: c.counted, Counts: c.counts})
		})
	return ids, err
}

// saveTracks upserts tracks with their credits and returns their ids.
func saveTracks(ctx context.Context, q *db.Queries, tracks []spotify.Track, albumIDs, artistIDs map[string]int64) (map[string]int64, error) {
	if len(tracks) == 0 {
		return map[string]int64{}, nil
	}
	var p db.UpsertTracksParams
	for _, t := range tracks {
		p.SpotifyIds = append(p.SpotifyIds, t.ID)
		p.Names = append(p.Names, cmp.Or(t.Name, "(untitled)"))
		p.AlbumIds = append(p.AlbumIds, albumIDs[t.Album.ID])
		p.DurationMs = append(p.DurationMs, int32(max(t.DurationMS, 0)))
		p.Explicit = append(p.Explicit, t.Explicit)
		p.NameKeys = append(p.NameKeys, NameKey(t.Name, firstArtist(t.Artists)))
	}
	if err := q.ClaimTracksByName(ctx, db.ClaimTracksByNameParams{SpotifyIds: p.SpotifyIds, NameKeys: p.NameKeys}); err != nil {
		return nil, fmt.Errorf("history: store tracks: %w", err)
	}
	if err := q.UpsertTracks(ctx, p); err != nil {
		return nil, fmt.Errorf("history: store tracks: %w", err)
	}
	ids, err := idsBySpotifyID(q.ListTrackIDs(ctx, p.SpotifyIds))
	if err != nil {
		return nil, fmt.Errorf("history: read track ids: %w", err)
	}
	var c credits
	for _, t := range tracks {
		c.add(ids[t.ID], t.Artists, artistIDs)
	}
	err = c.store(ctx, "track",
		func(ctx context.Context) error {
			return q.UpsertTrackArtists(ctx, db.UpsertTrackArtistsParams{TrackIds: c.owners, Positions: c.positions, ArtistIds: c.artists})
		},
		func(ctx context.Context) error {
			return q.DeleteTrackArtistsFrom(ctx, db.DeleteTrackArtistsFromParams{TrackIds: c.counted, Counts: c.counts})
		})
	return ids, err
}
