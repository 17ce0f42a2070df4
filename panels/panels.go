package panels

import (
	"context"
	"log/slog"
	"net/url"
	"time"

	"github.com/a-h/templ"
	"golang.org/x/sync/errgroup"

	"github.com/euterpe-dev/euterpe/analytics"
	"github.com/euterpe-dev/euterpe/spotify"
	"github.com/euterpe-dev/euterpe/trends"
	"github.com/euterpe-dev/euterpe/upstream"
	"github.com/euterpe-dev/euterpe/views"
)

// Panel is one panel of the dashboard and its JSON twin. Its entry in
// panels below is its whole definition: what it is called, where it is
// served, what it fetches from Spotify, which analytic it computes and which
// component shows it.
type Panel struct {
	ID       string // in the panel's URL and element ids: "top-songs"
	Title    string // its heading: "Top songs"
	JSONPath string // the earlier version's JSON endpoint: "/top_songs"
	Ranged   bool   // takes a time range
	Wide     bool   // takes a whole row of the two-column grid

	load func(ctx context.Context, l upstream.Listener, r spotify.TimeRange, env loadEnv) (any, error)
	view func(ref views.PanelRef, r spotify.TimeRange, data any) templ.Component
	// zero is the panel's data when there is none (the tables test asks
	// every panel's type for its CSV).
	zero func() any
}

// loadEnv is what a panel's load may use besides the listener and range.
type loadEnv struct {
	log       *slog.Logger
	source    *upstream.Source
	snapshots *trends.Snapshots
	now       func() time.Time
}

// topTracksAndArtists fetches the user's top tracks and artists for r in
// parallel.
func (env loadEnv) topTracksAndArtists(ctx context.Context, l upstream.Listener, r spotify.TimeRange) (tracks []spotify.Track, artists []spotify.Artist, err error) {
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) { tracks, err = env.source.TopTracks(gctx, l, r); return })
	g.Go(func() (err error) { artists, err = env.source.TopArtists(gctx, l, r); return })
	err = g.Wait()
	return
}

// URL is where the panel's fragment is served for range r (the range is
// left out for panels that do not take one).
func (p Panel) URL(r spotify.TimeRange) string {
	u := "/panels/" + url.PathEscape(p.ID)
	if p.Ranged {
		u += "?range=" + url.QueryEscape(string(r))
	}
	return u
}

// Ref is the panel as a page places it.
func (p Panel) Ref(r spotify.TimeRange) views.PanelRef {
	return views.PanelRef{ID: p.ID, Title: p.Title, URL: p.URL(r), Wide: p.Wide}
}

// View is the component that shows data, which must come from the same
// panel's Load.
func (p Panel) View(r spotify.TimeRange, data any) templ.Component {
	return p.view(p.Ref(r), r, data)
}

// define keeps a panel's load and view agreeing on the type of its data.
func define[T any](p Panel,
	load func(ctx context.Context, l upstream.Listener, r spotify.TimeRange, env loadEnv) (T, error),
	view func(ref views.PanelRef, r spotify.TimeRange, data T) templ.Component,
) Panel {
	p.load = func(ctx context.Context, l upstream.Listener, r spotify.TimeRange, env loadEnv) (any, error) {
		return load(ctx, l, r, env)
	}
	p.view = func(ref views.PanelRef, r spotify.TimeRange, data any) templ.Component {
		return view(ref, r, data.(T))
	}
	p.zero = func() any { var zero T; return zero }
	return p
}

// unranged adapts the view of a panel that does not depend on the range.
func unranged[T any](view func(ref views.PanelRef, data T) templ.Component) func(views.PanelRef, spotify.TimeRange, T) templ.Component {
	return func(ref views.PanelRef, _ spotify.TimeRange, data T) templ.Component { return view(ref, data) }
}

// panels is the dashboard, in the order it shows them: an order that fills
// the two-column grid without holes. Loading goes through the upstream
// cache, so panels that share a Spotify resource fetch it once.
var panels = []Panel{
	define(Panel{ID: "overview", Title: "Overview", JSONPath: "/overview", Ranged: true, Wide: true},
		func(ctx context.Context, l upstream.Listener, r spotify.TimeRange, env loadEnv) (analytics.OverviewReport, error) {
			var tracks []spotify.Track
			var artists []spotify.Artist
			var recent []spotify.PlayHistory
			g, gctx := errgroup.WithContext(ctx)
			g.Go(func() (err error) { tracks, artists, err = env.topTracksAndArtists(gctx, l, r); return })
			g.Go(func() (err error) { recent, err = env.source.RecentlyPlayed(gctx, l); return })
			err := g.Wait()
			return analytics.Overview(tracks, artists, recent), err
		}, views.OverviewPanel),
	// The top lists, each item with its move since the daily snapshots of
	// a week and a month before.
	define(Panel{ID: "top-songs", Title: "Top songs", JSONPath: "/top_songs", Ranged: true},
		func(ctx context.Context, l upstream.Listener, r spotify.TimeRange, env loadEnv) ([]MovingSong, error) {
			t, err := env.source.TopTracks(ctx, l, r)
			if err != nil {
				return nil, err
			}
			return movingSongs(analytics.TopSongs(t), env.movement(ctx, l, trends.List{Kind: trends.TopTracks, Range: r}, t)), nil
		}, func(ref views.PanelRef, r spotify.TimeRange, songs []MovingSong) templ.Component {
			return views.WithMoves(views.TopSongsPanel(ref, r, songsOf(songs)), movesOfSongs(songs))
		}),
	define(Panel{ID: "top-artists", Title: "Top artists", JSONPath: "/top_artists", Ranged: true},
		func(ctx context.Context, l upstream.Listener, r spotify.TimeRange, env loadEnv) ([]MovingArtist, error) {
			a, err := env.source.TopArtists(ctx, l, r)
			if err != nil {
				return nil, err
			}
			return movingArtists(analytics.TopArtists(a), env.movement(ctx, l, trends.List{Kind: trends.TopArtists, Range: r}, a)), nil
		}, func(ref views.PanelRef, r spotify.TimeRange, artists []MovingArtist) templ.Component {
			return views.WithMoves(views.TopArtistsPanel(ref, r, artistsOf(artists)), movesOfArtists(artists))
		}),

	define(Panel{ID: "top-albums", Title: "Top albums", JSONPath: "/top_albums", Ranged: true, Wide: true},
		func(ctx context.Context, l upstream.Listener, r spotify.TimeRange, env loadEnv) ([]analytics.AlbumRow, error) {
			t, err := env.source.TopTracks(ctx, l, r)
			return analytics.TopAlbums(t), err
		}, views.TopAlbumsPanel),
	define(Panel{ID: "release-years", Title: "Release years", JSONPath: "/release_year_trends", Ranged: true},
		func(ctx context.Context, l upstream.Listener, r spotify.TimeRange, env loadEnv) (analytics.ReleaseYearsReport, error) {
			t, err := env.source.TopTracks(ctx, l, r)
			return analytics.ReleaseYearTrends(t), err
		}, views.ReleaseYearsPanel),
	define(Panel{ID: "genres", Title: "Genres", JSONPath: "/genres", Ranged: true},
		func(ctx context.Context, l upstream.Listener, r spotify.TimeRange, env loadEnv) (analytics.GenresReport, error) {
			a, err := env.source.TopArtists(ctx, l, r)
			return analytics.GenreBreakdown(a), err
		}, views.GenresPanel),
	define(Panel{ID: "seasons", Title: "Seasons", JSONPath: "/music_variety_by_season", Ranged: true, Wide: true},
		func(ctx context.Context, l upstream.Listener, r spotify.TimeRange, env loadEnv) (analytics.SeasonsReport, error) {
			tracks, artists, err := env.topTracksAndArtists(ctx, l, r)
			return analytics.SeasonalVariety(tracks, artists), err
		}, views.SeasonsPanel),
	define(Panel{ID: "hidden-gems", Title: "Hidden gems", JSONPath: "/hidden_gems", Ranged: true},
		func(ctx context.Context, l upstream.Listener, r spotify.TimeRange, env loadEnv) (analytics.HiddenGemsReport, error) {
			t, err := env.source.TopTracks(ctx, l, r)
			return analytics.HiddenGems(t), err
		}, views.HiddenGemsPanel),
	define(Panel{ID: "recently-played", Title: "Recently played", JSONPath: "/recently_played"},
		func(ctx context.Context, l upstream.Listener, _ spotify.TimeRange, env loadEnv) ([]analytics.RecentPlay, error) {
			recent, err := env.source.RecentlyPlayed(ctx, l)
			return analytics.RecentlyPlayed(recent, env.now()), err
		}, unranged(views.RecentlyPlayedPanel)),
	define(Panel{ID: "timeless-artists", Title: "Timeless artists", JSONPath: "/artists_standing_test_of_time"},
		func(ctx context.Context, l upstream.Listener, _ spotify.TimeRange, env loadEnv) ([]analytics.ArtistStanding, error) {
			s, m, lg, err := env.source.AllRangesTopArtists(ctx, l)
			return analytics.TimelessArtists(s, m, lg), err
		}, unranged(views.TimelessArtistsPanel)),
	define(Panel{ID: "falling-off", Title: "Falling off", JSONPath: "/artists_falling_off"},
		func(ctx context.Context, l upstream.Listener, _ spotify.TimeRange, env loadEnv) ([]analytics.ArtistStanding, error) {
			s, m, lg, err := env.source.AllRangesTopArtists(ctx, l)
			return analytics.FallingOffArtists(s, m, lg), err
		}, unranged(views.FallingOffPanel)),
	// The playlists that hold the most of the user's top songs of the last 4
	// weeks, as the earlier version computed it (whatever the page's range).
	define(Panel{ID: "top-playlists", Title: "Playlists with your top songs", JSONPath: "/top_playlists", Wide: true},
		func(ctx context.Context, l upstream.Listener, _ spotify.TimeRange, env loadEnv) ([]analytics.PlaylistRow, error) {
			var top []spotify.Track
			var playlists []spotify.PlaylistWithItems
			g, gctx := errgroup.WithContext(ctx)
			g.Go(func() (err error) { top, err = env.source.TopTracks(gctx, l, spotify.ShortTerm); return })
			g.Go(func() (err error) { playlists, err = env.source.OwnPlaylistsWithItems(gctx, l); return })
			err := g.Wait()
			return analytics.TopPlaylists(l.SpotifyUserID, top, playlists), err
		}, unranged(views.TopPlaylistsPanel)),
}

// Panels lists the dashboard's panels in page order.
func Panels() []Panel { return append([]Panel(nil), panels...) }

// Lookup finds a panel by its id.
func Lookup(id string) (Panel, bool) {
	for _, p := range panels {
		if p.ID == id {
			return p, true
		}
	}
	return Panel{}, false
}
