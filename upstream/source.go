package upstream

import (
	"context"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/euterpe-dev/euterpe/spotify"
)

// TopLimit is how many top items each panel works from: Spotify's page
// maximum, one call per range.
const TopLimit = 50

// RecentLimit is how many recent plays are shown.
const RecentLimit = 50

// playlistFanOut bounds concurrent playlist-item walks for one user, so one
// dashboard cannot flood Spotify (and trip its rate limit).
const playlistFanOut = 10

// Listener is one signed-in user as the upstream layer sees them.
type Listener struct {
	UserID        string // cache key: Euterpe's user id
	SpotifyUserID string // to tell the user's own playlists from followed ones
	Client        *spotify.Client
}

// Source fetches each Spotify resource a dashboard needs at most once per
// TTL per user, however many panels use it.
type Source struct {
	cache *Cache
}

// NewSource wraps a cache.
func NewSource(c *Cache) *Source { return &Source{cache: c} }

// Cache exposes the cache (for logout and account deletion).
func (s *Source) Cache() *Cache { return s.cache }

// profileTTL is how long a user's Spotify profile (name, picture) is
// reused: it changes rarely, and links that show the picture ask for it.
const profileTTL = time.Hour

// Me is the user's Spotify profile.
func (s *Source) Me(ctx context.Context, l Listener) (spotify.User, error) {
	return FetchFor(ctx, s.cache, l.UserID, "me", profileTTL, l.Client.Me)
}

// TopTracks is the user's top 50 tracks for r.
func (s *Source) TopTracks(ctx context.Context, l Listener, r spotify.TimeRange) ([]spotify.Track, error) {
	return Fetch(ctx, s.cache, l.UserID, "top/tracks?"+string(r), func(ctx context.Context) ([]spotify.Track, error) {
		p, err := l.Client.TopTracks(ctx, r, TopLimit)
		return p.Items, err
	})
}

// TopArtists is the user's top 50 artists for r.
func (s *Source) TopArtists(ctx context.Context, l Listener, r spotify.TimeRange) ([]spotify.Artist, error) {
	return Fetch(ctx, s.cache, l.UserID, "top/artists?"+string(r), func(ctx context.Context) ([]spotify.Artist, error) {
		p, err := l.Client.TopArtists(ctx, r, TopLimit)
		return p.Items, err
	})
}

// AllRangesTopArtists fetches the three ranges in parallel.
func (s *Source) AllRangesTopArtists(ctx context.Context, l Listener) (short, medium, long []spotify.Artist, err error) {
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) { short, err = s.TopArtists(gctx, l, spotify.ShortTerm); return })
	g.Go(func() (err error) { medium, err = s.TopArtists(gctx, l, spotify.MediumTerm); return })
	g.Go(func() (err error) { long, err = s.TopArtists(gctx, l, spotify.LongTerm); return })
	err = g.Wait()
	return
}

// RecentlyPlayed is the user's last 50 plays.
func (s *Source) RecentlyPlayed(ctx context.Context, l Listener) ([]spotify.PlayHistory, error) {
	return Fetch(ctx, s.cache, l.UserID, "recently-played", func(ctx context.Context) ([]spotify.PlayHistory, error) {
		p, err := l.Client.RecentlyPlayed(ctx, RecentLimit)
		return p.Items, err
	})
}

// Playlists is every playlist in the user's library (all pages).
func (s *Source) Playlists(ctx context.Context, l Listener) ([]spotify.SimplifiedPlaylist, error) {
	return Fetch(ctx, s.cache, l.UserID, "playlists", func(ctx context.Context) ([]spotify.SimplifiedPlaylist, error) {
		return l.Client.MyPlaylists(ctx)
	})
}

// OwnPlaylistsWithItems walks every item of every playlist the user owns.
// Items are cached per playlist snapshot, so an unchanged playlist is not
// walked again even after the playlist list itself is refetched.
func (s *Source) OwnPlaylistsWithItems(ctx context.Context, l Listener) ([]spotify.PlaylistWithItems, error) {
	all, err := s.Playlists(ctx, l)
	if err != nil {
		return nil, err
	}
	var own []spotify.SimplifiedPlaylist
	for _, p := range all {
		if p.Owner.ID == l.SpotifyUserID && p.ID != "" {
			own = append(own, p)
		}
	}
	out := make([]spotify.PlaylistWithItems, len(own))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(playlistFanOut)
	for i, p := range own {
		g.Go(func() error {
			ids, err := Fetch(gctx, s.cache, l.UserID, "playlist-items/"+p.ID+"@"+p.SnapshotID, func(ctx context.Context) ([]string, error) {
				items, err := l.Client.PlaylistItems(ctx, p.ID, p.ItemsRef().Total)
				return spotify.PlaylistTrackIDs(items), err
			})
			if err != nil {
				return err
			}
			out[i] = spotify.PlaylistWithItems{Playlist: p, TrackIDs: ids} // each goroutine its own index
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return out, nil
}
