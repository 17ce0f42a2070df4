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

// DashboardInput is what a dashboard panel is asked for: whose top lists,
// over which range, and what to fetch them with (Service.Input makes one;
// placing a panel needs only the range).
type DashboardInput struct {
	Listener upstream.Listener
	Range    spotify.TimeRange // of a ranged panel
	env      loadEnv
}

// loadEnv is what a panel's load may use besides the listener and range.
type loadEnv struct {
	log       *slog.Logger
	source    *upstream.Source
	snapshots *trends.Snapshots
	now       func() time.Time
}

// topTracksAndArtists fetches the user's top tracks and artists for the
// range in parallel.
func (in DashboardInput) topTracksAndArtists(ctx context.Context) (tracks []spotify.Track, artists []spotify.Artist, err error) {
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) { tracks, err = in.env.source.TopTracks(gctx, in.Listener, in.Range); return })
	g.Go(func() (err error) { artists, err = in.env.source.TopArtists(gctx, in.Listener, in.Range); return })
	err = g.Wait()
	return
}

// dashboardPanel is a panel of the dashboard.
type dashboardPanel = Panel[DashboardInput]

// ranged adapts the view of a panel that shows its data for the range.
func ranged[T any](view func(ref views.PanelRef, r spotify.TimeRange, data T) templ.Component) func(views.PanelRef, DashboardInput, T) templ.Component {
	return func(ref views.PanelRef, in DashboardInput, data T) templ.Component { return view(ref, in.Range, data) }
}

// dashboardPanels is the dashboard, in the order it shows them: an order
// that fills the two-column grid without holes. Loading goes through the
// upstream cache, so panels that share a Spotify resource fetch it once.
var dashboardPanels = newRegistry("/panels/",
	func(p dashboardPanel, in DashboardInput) url.Values { return rangeQuery(p.Ranged, in.Range) },
	define(dashboardPanel{ID: "overview", Title: "Overview", JSONPath: "/overview", Ranged: true, Wide: true},
		func(ctx context.Context, in DashboardInput) (analytics.OverviewReport, error) {
			var tracks []spotify.Track
			var artists []spotify.Artist
			var recent []spotify.PlayHistory
			g, gctx := errgroup.WithContext(ctx)
			g.Go(func() (err error) { tracks, artists, err = in.topTracksAndArtists(gctx); return })
			g.Go(func() (err error) { recent, err = in.env.source.RecentlyPlayed(gctx, in.Listener); return })
			err := g.Wait()
			return analytics.Overview(tracks, artists, recent), err
		}, ranged(views.OverviewPanel)),
	// The top lists, each item with its move since the daily snapshots of
	// a week and a month before.
	define(dashboardPanel{ID: "top-songs", Title: "Top songs", JSONPath: "/top_songs", Ranged: true},
		func(ctx context.Context, in DashboardInput) ([]MovingSong, error) {
			t, err := in.env.source.TopTracks(ctx, in.Listener, in.Range)
			if err != nil {
				return nil, err
			}
			return movingSongs(analytics.TopSongs(t), in.movement(ctx, trends.List{Kind: trends.TopTracks, Range: in.Range}, t)), nil
		}, func(ref views.PanelRef, in DashboardInput, songs []MovingSong) templ.Component {
			return views.WithMoves(views.TopSongsPanel(ref, in.Range, songsOf(songs)), movesOfSongs(songs))
		}),
	define(dashboardPanel{ID: "top-artists", Title: "Top artists", JSONPath: "/top_artists", Ranged: true},
		func(ctx context.Context, in DashboardInput) ([]MovingArtist, error) {
			a, err := in.env.source.TopArtists(ctx, in.Listener, in.Range)
			if err != nil {
				return nil, err
			}
			return movingArtists(analytics.TopArtists(a), in.movement(ctx, trends.List{Kind: trends.TopArtists, Range: in.Range}, a)), nil
		}, func(ref views.PanelRef, in DashboardInput, artists []MovingArtist) templ.Component {
			return views.WithMoves(views.TopArtistsPanel(ref, in.Range, artistsOf(artists)), movesOfArtists(artists))
		}),

	define(dashboardPanel{ID: "top-albums", Title: "Top albums", JSONPath: "/top_albums", Ranged: true, Wide: true},
		func(ctx context.Context, in DashboardInput) ([]analytics.AlbumRow, error) {
			t, err := in.env.source.TopTracks(ctx, in.Listener, in.Range)
			return analytics.TopAlbums(t), err
		}, ranged(views.TopAlbumsPanel)),
	define(dashboardPanel{ID: "release-years", Title: "Release years", JSONPath: "/release_year_trends", Ranged: true},
		func(ctx context.Context, in DashboardInput) (analytics.ReleaseYearsReport, error) {
			t, err := in.env.source.TopTracks(ctx, in.Listener, in.Range)
			return analytics.ReleaseYearTrends(t), err
		}, ranged(views.ReleaseYearsPanel)),
	define(dashboardPanel{ID: "genres", Title: "Genres", JSONPath: "/genres", Ranged: true},
		func(ctx context.Context, in DashboardInput) (analytics.GenresReport, error) {
			a, err := in.env.source.TopArtists(ctx, in.Listener, in.Range)
			return analytics.GenreBreakdown(a), err
		}, ranged(views.GenresPanel)),
	define(dashboardPanel{ID: "seasons", Title: "Seasons", JSONPath: "/music_variety_by_season", Ranged: true, Wide: true},
		func(ctx context.Context, in DashboardInput) (analytics.SeasonsReport, error) {
			tracks, artists, err := in.topTracksAndArtists(ctx)
			return analytics.SeasonalVariety(tracks, artists), err
		}, ranged(views.SeasonsPanel)),
	define(dashboardPanel{ID: "hidden-gems", Title: "Hidden gems", JSONPath: "/hidden_gems", Ranged: true},
		func(ctx context.Context, in DashboardInput) (analytics.HiddenGemsReport, error) {
			t, err := in.env.source.TopTracks(ctx, in.Listener, in.Range)
			return analytics.HiddenGems(t), err
		}, ranged(views.HiddenGemsPanel)),
	define(dashboardPanel{ID: "recently-played", Title: "Recently played", JSONPath: "/recently_played"},
		func(ctx context.Context, in DashboardInput) ([]analytics.RecentPlay, error) {
			recent, err := in.env.source.RecentlyPlayed(ctx, in.Listener)
			return analytics.RecentlyPlayed(recent, in.env.now()), err
		}, plain[DashboardInput](views.RecentlyPlayedPanel)),
	define(dashboardPanel{ID: "timeless-artists", Title: "Timeless artists", JSONPath: "/artists_standing_test_of_time"},
		func(ctx context.Context, in DashboardInput) ([]analytics.ArtistStanding, error) {
			s, m, lg, err := in.env.source.AllRangesTopArtists(ctx, in.Listener)
			return analytics.TimelessArtists(s, m, lg), err
		}, plain[DashboardInput](views.TimelessArtistsPanel)),
	define(dashboardPanel{ID: "falling-off", Title: "Falling off", JSONPath: "/artists_falling_off"},
		func(ctx context.Context, in DashboardInput) ([]analytics.ArtistStanding, error) {
			s, m, lg, err := in.env.source.AllRangesTopArtists(ctx, in.Listener)
			return analytics.FallingOffArtists(s, m, lg), err
		}, plain[DashboardInput](views.FallingOffPanel)),
	// The playlists that hold the most of the user's top songs of the last 4
	// weeks, as the earlier version computed it (whatever the page's range).
	define(dashboardPanel{ID: "top-playlists", Title: "Playlists with your top songs", JSONPath: "/top_playlists", Wide: true},
		func(ctx context.Context, in DashboardInput) ([]analytics.PlaylistRow, error) {
			var top []spotify.Track
			var playlists []spotify.PlaylistWithItems
			g, gctx := errgroup.WithContext(ctx)
			g.Go(func() (err error) { top, err = in.env.source.TopTracks(gctx, in.Listener, spotify.ShortTerm); return })
			g.Go(func() (err error) { playlists, err = in.env.source.OwnPlaylistsWithItems(gctx, in.Listener); return })
			err := g.Wait()
			return analytics.TopPlaylists(in.Listener.SpotifyUserID, top, playlists), err
		}, plain[DashboardInput](views.TopPlaylistsPanel)),
)

// Dashboard is the dashboard's panels.
func Dashboard() Registry[DashboardInput] { return dashboardPanels }
