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
	"github.com/euterpe-dev/euterpe/ptr"
	"github.com/euterpe-dev/euterpe/spotify"
)

// PlaylistKind is what a playlist Euterpe writes is made of.
type PlaylistKind string

// The kinds.
const (
	// PlaylistTop: the user's top songs of one of Spotify's ranges.
	PlaylistTop PlaylistKind = "top"
	// PlaylistBlend: a blend of two friends' top tracks (Blend).
	PlaylistBlend PlaylistKind = "blend"
)

// ErrNoTracks: there is nothing to put in the playlist (no top songs, or
// none Spotify knows).
var ErrNoTracks = errors.New("social: no tracks for the playlist")

// ErrItemsRefused: Spotify made the playlist but refused its songs; the
// empty playlist stays in the user's account.
var ErrItemsRefused = errors.New("social: Spotify refused the playlist's songs")

// PlaylistRequest is a playlist to write.
type PlaylistRequest struct {
	// Key is the random key of the form that asked (RequestKey): the same
	// key twice makes one playlist.
	Key         string
	Kind        PlaylistKind
	FriendID    *uuid.UUID // a blend's other friend
	Name        string
	Description string
	TrackIDs    []string // Spotify ids, in playlist order
}

// RequestKey is a fresh key for a form that makes a playlist.
func RequestKey() string { return NewToken() }

// Made is a playlist Euterpe wrote.
type Made struct {
	ID         uuid.UUID
	Kind       PlaylistKind
	Name       string
	SpotifyID  string // empty while it is being made
	URL        string // on Spotify
	Tracks     int
	Created    time.Time
	FriendName string // a blend's other friend
}

// Pending reports whether the playlist is still being written.
func (m Made) Pending() bool { return m.SpotifyID == "" }

// Playlists writes playlists to users' Spotify accounts and remembers
// them. It is safe for concurrent use.
type Playlists struct {
	queries *db.Queries
	now     func() time.Time
}

// NewPlaylists builds it; now is the app's clock.
func NewPlaylists(pool *database.Pool, now func() time.Time) *Playlists {
	return &Playlists{queries: db.New(pool), now: now}
}

// Make writes req's playlist with the user's own Spotify client: a
// private playlist (POST /me/playlists), then its tracks (POST
// /playlists/{id}/items). When req.Key was used already it writes nothing
// and returns that request's playlist with again set (Pending while the
// first request is still at it). A Spotify error that made nothing frees
// the key, so the same form can be sent again.
func (p *Playlists) Make(ctx context.Context, userID uuid.UUID, client *spotify.Client, req PlaylistRequest) (made Made, again bool, err error) {
	if !ValidToken(req.Key) {
		return Made{}, false, &FormError{"key", "is missing or malformed: reload the page"}
	}
	if len(req.TrackIDs) == 0 {
		return Made{}, false, ErrNoTracks
	}
	id, err := p.queries.BeginMadePlaylist(ctx, db.BeginMadePlaylistParams{UserID: userID, RequestKey: req.Key,
		Kind: string(req.Kind), FriendID: req.FriendID, Name: req.Name, AtTime: p.now()})
	if errors.Is(err, pgx.ErrNoRows) {
		r, err := p.queries.GetMadePlaylistByKey(ctx, db.GetMadePlaylistByKeyParams{UserID: userID, RequestKey: req.Key})
		if err != nil {
			return Made{}, true, fmt.Errorf("social: read playlist: %w", err)
		}
		return Made{ID: r.ID, Kind: PlaylistKind(r.Kind), Name: r.Name, SpotifyID: ptr.Deref(r.SpotifyPlaylistID),
			URL: ptr.Deref(r.SpotifyUrl), Tracks: int(r.Tracks), Created: r.CreatedAt}, true, nil
	}
	if err != nil {
		return Made{}, false, fmt.Errorf("social: begin playlist: %w", err)
	}
	// The row must go if Spotify made nothing, even when the request was
	// cancelled meanwhile.
	cleanup := context.WithoutCancel(ctx)
	pl, err := client.CreatePlaylist(ctx, spotify.NewPlaylist{Name: req.Name, Description: req.Description, Public: false})
	if err != nil {
		if derr := p.queries.DeleteMadePlaylist(cleanup, id); derr != nil {
			err = errors.Join(err, derr)
		}
		return Made{}, false, err
	}
	made = Made{ID: id, Kind: req.Kind, Name: pl.Name, SpotifyID: pl.ID, URL: pl.ExternalURLs.Spotify, Created: p.now()}
	if made.Name == "" {
		made.Name = req.Name
	}
	_, addErr := client.AddPlaylistItems(ctx, pl.ID, req.TrackIDs)
	if addErr == nil {
		made.Tracks = len(req.TrackIDs)
	}
	url := made.URL
	if err := p.queries.FinishMadePlaylist(cleanup, db.FinishMadePlaylistParams{ID: id, SpotifyPlaylistID: &pl.ID,
		SpotifyUrl: &url, Tracks: int32(made.Tracks)}); err != nil {
		return made, false, fmt.Errorf("social: record playlist: %w", err)
	}
	if addErr != nil {
		return made, false, fmt.Errorf("%w: %w", ErrItemsRefused, addErr)
	}
	return made, false, nil
}

// MadeShown is how many of their playlists a user's page lists.
const MadeShown = 20

// List reads the playlists Euterpe wrote for the user, newest first.
func (p *Playlists) List(ctx context.Context, userID uuid.UUID) ([]Made, error) {
	rows, err := p.queries.ListMadePlaylists(ctx, db.ListMadePlaylistsParams{UserID: userID, MaxRows: MadeShown})
	if err != nil {
		return nil, fmt.Errorf("social: list playlists: %w", err)
	}
	out := make([]Made, len(rows))
	for i, r := range rows {
		out[i] = Made{ID: r.ID, Kind: PlaylistKind(r.Kind), Name: r.Name, SpotifyID: ptr.Deref(r.SpotifyPlaylistID),
			URL: ptr.Deref(r.SpotifyUrl), Tracks: int(r.Tracks), Created: r.CreatedAt, FriendName: ptr.Deref(r.FriendName)}
	}
	return out, nil
}

// BlendOf mixes the two sides of a comparison (Blend), reading which of
// their tracks Spotify knows and by whom they are from the catalogue.
func (p *Playlists) BlendOf(ctx context.Context, c Comparison) ([]Blended, error) {
	var ids []int64
	for _, s := range []Side{c.Me, c.Friend} {
		for _, it := range s.Tracks.Items {
			ids = append(ids, it.ID)
		}
	}
	details, err := p.queries.ListTrackDetails(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("social: read tracks: %w", err)
	}
	spotifyIDs := map[int64]string{}
	for _, d := range details {
		spotifyIDs[d.ID] = ptr.Deref(d.SpotifyID)
	}
	artists, err := p.queries.ListTrackArtists(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("social: read track artists: %w", err)
	}
	firstArtist := map[int64]int64{}
	for _, a := range artists { // in credit order: the first row is the first artist
		if _, ok := firstArtist[a.TrackID]; !ok {
			firstArtist[a.TrackID] = a.ID
		}
	}
	taste := func(s Side) Taste {
		t := Taste{Owner: s.UserID.String()}
		for _, it := range s.Tracks.Items {
			t.Tracks = append(t.Tracks, BlendTrack{ID: it.ID, SpotifyID: spotifyIDs[it.ID], ArtistID: firstArtist[it.ID]})
		}
		return t
	}
	return Blend(taste(c.Me), taste(c.Friend), BlendSize), nil
}
