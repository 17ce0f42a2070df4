package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/jackc/pgx/v5"
	"golang.org/x/sync/errgroup"

	"github.com/euterpe-dev/euterpe/analytics"
	"github.com/euterpe-dev/euterpe/auth"
	"github.com/euterpe-dev/euterpe/db"
	"github.com/euterpe-dev/euterpe/spotify"
	"github.com/euterpe-dev/euterpe/upstream"
	"github.com/euterpe-dev/euterpe/views"
)

// dashboardHandler serves the dashboard page, one HTMX partial per panel,
// and the same analytics as JSON.
type dashboardHandler struct {
	auth    *authHandler
	source  *upstream.Source
	queries *db.Queries
	now     func() time.Time
}

// analytic is one panel of the dashboard and its JSON twin: how to load its
// data and how to show it. Loading goes through the upstream cache, so
// panels sharing a Spotify resource fetch it once.
type analytic struct {
	id       string // a views.Panel* id
	jsonPath string // the earlier version's endpoint
	ranged   bool   // takes a time range
	load     func(ctx context.Context, h *dashboardHandler, l upstream.Listener, r spotify.TimeRange) (any, error)
	panel    func(r spotify.TimeRange, data any) templ.Component
}

// define keeps load and panel agreeing on the data's type.
func define[T any](id, jsonPath string, ranged bool,
	load func(ctx context.Context, h *dashboardHandler, l upstream.Listener, r spotify.TimeRange) (T, error),
	panel func(r spotify.TimeRange, data T) templ.Component,
) analytic {
	return analytic{
		id: id, jsonPath: jsonPath, ranged: ranged,
		load: func(ctx context.Context, h *dashboardHandler, l upstream.Listener, r spotify.TimeRange) (any, error) {
			return load(ctx, h, l, r)
		},
		panel: func(r spotify.TimeRange, data any) templ.Component { return panel(r, data.(T)) },
	}
}

// analytics is the dashboard, in the order it shows the panels.
var analyticsList = []analytic{
	define(views.PanelOverview, "/overview", true,
		func(ctx context.Context, h *dashboardHandler, l upstream.Listener, r spotify.TimeRange) (analytics.OverviewReport, error) {
			tracks, artists, recent, err := h.tracksArtistsRecent(ctx, l, r)
			return analytics.Overview(tracks, artists, recent), err
		}, views.OverviewPanel),
	define(views.PanelTopSongs, "/top_songs", true,
		func(ctx context.Context, h *dashboardHandler, l upstream.Listener, r spotify.TimeRange) ([]analytics.Song, error) {
			t, err := h.source.TopTracks(ctx, l, r)
			return analytics.TopSongs(t), err
		}, views.TopSongsPanel),
	define(views.PanelTopArtists, "/top_artists", true,
		func(ctx context.Context, h *dashboardHandler, l upstream.Listener, r spotify.TimeRange) ([]analytics.ArtistRow, error) {
			a, err := h.source.TopArtists(ctx, l, r)
			return analytics.TopArtists(a), err
		}, views.TopArtistsPanel),
	define(views.PanelTopAlbums, "/top_albums", true,
		func(ctx context.Context, h *dashboardHandler, l upstream.Listener, r spotify.TimeRange) ([]analytics.AlbumRow, error) {
			t, err := h.source.TopTracks(ctx, l, r)
			return analytics.TopAlbums(t), err
		}, views.TopAlbumsPanel),
	define(views.PanelHiddenGems, "/hidden_gems", true,
		func(ctx context.Context, h *dashboardHandler, l upstream.Listener, r spotify.TimeRange) (analytics.HiddenGemsReport, error) {
			t, err := h.source.TopTracks(ctx, l, r)
			return analytics.HiddenGems(t), err
		}, views.HiddenGemsPanel),
	define(views.PanelReleaseYears, "/release_year_trends", true,
		func(ctx context.Context, h *dashboardHandler, l upstream.Listener, r spotify.TimeRange) (analytics.ReleaseYearsReport, error) {
			t, err := h.source.TopTracks(ctx, l, r)
			return analytics.ReleaseYearTrends(t), err
		}, views.ReleaseYearsPanel),
	define(views.PanelSeasons, "/music_variety_by_season", true,
		func(ctx context.Context, h *dashboardHandler, l upstream.Listener, r spotify.TimeRange) (analytics.SeasonsReport, error) {
			tracks, artists, err := h.tracksAndArtists(ctx, l, r)
			return analytics.SeasonalVariety(tracks, artists), err
		}, views.SeasonsPanel),
	define(views.PanelGenres, "/genres", true,
		func(ctx context.Context, h *dashboardHandler, l upstream.Listener, r spotify.TimeRange) (analytics.GenresReport, error) {
			a, err := h.source.TopArtists(ctx, l, r)
			return analytics.GenreBreakdown(a), err
		}, views.GenresPanel),
	define(views.PanelTopPlaylists, "/top_playlists", false,
		func(ctx context.Context, h *dashboardHandler, l upstream.Listener, _ spotify.TimeRange) ([]analytics.PlaylistRow, error) {
			var top []spotify.Track
			g, gctx := errgroup.WithContext(ctx)
			g.Go(func() (err error) { top, err = h.source.TopTracks(gctx, l, spotify.ShortTerm); return })
			var playlists []analytics.PlaylistWithItems
			g.Go(func() (err error) { playlists, err = h.source.OwnPlaylistsWithItems(gctx, l); return })
			err := g.Wait()
			return analytics.TopPlaylists(l.SpotifyUserID, top, playlists), err
		}, func(_ spotify.TimeRange, rows []analytics.PlaylistRow) templ.Component {
			return views.TopPlaylistsPanel(rows)
		}),
	define(views.PanelTimelessArtists, "/artists_standing_test_of_time", false,
		func(ctx context.Context, h *dashboardHandler, l upstream.Listener, _ spotify.TimeRange) ([]analytics.ArtistStanding, error) {
			s, m, lg, err := h.source.AllRangesTopArtists(ctx, l)
			return analytics.TimelessArtists(s, m, lg), err
		}, func(_ spotify.TimeRange, rows []analytics.ArtistStanding) templ.Component {
			return views.TimelessArtistsPanel(rows)
		}),
	define(views.PanelFallingOff, "/artists_falling_off", false,
		func(ctx context.Context, h *dashboardHandler, l upstream.Listener, _ spotify.TimeRange) ([]analytics.ArtistStanding, error) {
			s, m, lg, err := h.source.AllRangesTopArtists(ctx, l)
			return analytics.FallingOffArtists(s, m, lg), err
		}, func(_ spotify.TimeRange, rows []analytics.ArtistStanding) templ.Component {
			return views.FallingOffPanel(rows)
		}),
	define(views.PanelRecentlyPlayed, "/recently_played", false,
		func(ctx context.Context, h *dashboardHandler, l upstream.Listener, _ spotify.TimeRange) ([]analytics.RecentPlay, error) {
			recent, err := h.source.RecentlyPlayed(ctx, l)
			return analytics.RecentlyPlayed(recent, h.now()), err
		}, func(_ spotify.TimeRange, plays []analytics.RecentPlay) templ.Component {
			return views.RecentlyPlayedPanel(plays)
		}),
}

func (h *dashboardHandler) tracksAndArtists(ctx context.Context, l upstream.Listener, r spotify.TimeRange) (tracks []spotify.Track, artists []spotify.Artist, err error) {
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) { tracks, err = h.source.TopTracks(gctx, l, r); return })
	g.Go(func() (err error) { artists, err = h.source.TopArtists(gctx, l, r); return })
	err = g.Wait()
	return
}

func (h *dashboardHandler) tracksArtistsRecent(ctx context.Context, l upstream.Listener, r spotify.TimeRange) (tracks []spotify.Track, artists []spotify.Artist, recent []spotify.PlayHistory, err error) {
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) { tracks, artists, err = h.tracksAndArtists(gctx, l, r); return })
	g.Go(func() (err error) { recent, err = h.source.RecentlyPlayed(gctx, l); return })
	err = g.Wait()
	return
}

func (h *dashboardHandler) listener(r *http.Request) (*auth.Principal, upstream.Listener) {
	p := principalFrom(r.Context())
	return p, upstream.Listener{UserID: p.UserID.String(), SpotifyUserID: p.SpotifyUserID, Client: h.auth.auth.Client(p)}
}

// home is the dashboard for a signed-in user and the landing page for
// everyone else.
func (h *dashboardHandler) home(w http.ResponseWriter, r *http.Request) {
	render := h.auth.render
	p := principalFrom(r.Context())
	if p == nil {
		render.write(w, r, http.StatusOK, views.LoginPage(render.pageFor(r, "Your listening, explained")))
		return
	}
	tr, err := h.rangeFor(r, p)
	if err != nil {
		render.errorPage(w, r, views.ErrorInfo{Status: http.StatusBadRequest, Title: "Unknown time range",
			Message: "The range must be one of short_term, medium_term or long_term.", ActionURL: "/", ActionLabel: "Back to your dashboard"})
		return
	}
	page := render.pageFor(r, "Your dashboard")
	page.Range = tr
	render.write(w, r, http.StatusOK, views.Dashboard(page, views.DashboardData{Range: tr, Panels: views.DashboardPanels(tr)}))
}

// rangeFor is ?range= when given (and then remembered as the favourite), else
// the user's favourite, else the last four weeks.
func (h *dashboardHandler) rangeFor(r *http.Request, p *auth.Principal) (spotify.TimeRange, error) {
	ctx := r.Context()
	if v := r.URL.Query().Get("range"); v != "" {
		tr, err := spotify.ParseTimeRange(v)
		if err != nil {
			return "", err
		}
		if err := h.queries.SetFavoriteRange(ctx, db.SetFavoriteRangeParams{UserID: p.UserID, FavoriteRange: string(tr)}); err != nil {
			// Not worth failing the page over; the range still applies.
			h.auth.render.log.WarnContext(ctx, "could not save favourite range", "user_id", p.UserID, "err", err)
		}
		return tr, nil
	}
	fav, err := h.queries.GetFavoriteRange(ctx, p.UserID)
	if errors.Is(err, pgx.ErrNoRows) {
		return spotify.ShortTerm, nil
	}
	if err != nil {
		h.auth.render.log.WarnContext(ctx, "could not read favourite range", "user_id", p.UserID, "err", err)
		return spotify.ShortTerm, nil
	}
	tr, err := spotify.ParseTimeRange(fav)
	if err != nil {
		return spotify.ShortTerm, nil
	}
	return tr, nil
}

func panelURL(a analytic, tr spotify.TimeRange) string {
	if !a.ranged {
		return "/panels/" + a.id
	}
	return "/panels/" + a.id + "?range=" + string(tr)
}

// panel serves one analytic as an HTMX partial (or, opened directly, inside
// the layout). Failures become the panel's own error state, so one panel
// never breaks the others.
func (h *dashboardHandler) panel(w http.ResponseWriter, r *http.Request) {
	a, ok := analyticByID(chi.URLParam(r, "panel"))
	if !ok {
		h.auth.render.errorPage(w, r, errNotFound)
		return
	}
	tr := spotify.ShortTerm
	if a.ranged {
		if v := r.URL.Query().Get("range"); v != "" {
			var err error
			if tr, err = spotify.ParseTimeRange(v); err != nil {
				h.auth.render.errorPage(w, r, views.ErrorInfo{Status: http.StatusBadRequest, Title: "Unknown time range",
					Message: "The range must be one of short_term, medium_term or long_term.", ActionURL: "/", ActionLabel: "Back to your dashboard"})
				return
			}
		}
	}
	_, l := h.listener(r)
	data, err := a.load(r.Context(), h, l, tr)
	page := h.auth.render.pageFor(r, views.PanelTitle(a.id))
	if err != nil {
		if errors.Is(err, auth.ErrLoginRequired) {
			h.auth.loginRequired(w, r)
			return
		}
		msg, status := h.explain(r, a, err)
		// htmx swaps only 2xx answers: the error state is content too.
		if isHTMX(r) {
			status = http.StatusOK
		}
		h.auth.render.fragment(w, r, status, page, views.PanelError(a.id, views.PanelTitle(a.id), msg, panelURL(a, tr)))
		return
	}
	h.auth.render.fragment(w, r, http.StatusOK, page, a.panel(tr, data))
}

// explain turns a failure into words for the panel and the status a
// non-HTMX client gets. Unexpected causes are logged.
func (h *dashboardHandler) explain(r *http.Request, a analytic, err error) (string, int) {
	var rl *upstream.RateLimitedError
	var se *spotify.Error
	switch {
	case errors.As(err, &rl):
		secs := int(rl.RetryAfter(h.now()) / time.Second)
		return fmt.Sprintf("Spotify asked Euterpe to slow down. Try again in %d second%s.", secs, plural(secs)), http.StatusTooManyRequests
	case errors.Is(err, auth.ErrSpotifyUnavailable):
		return "Spotify's login service is not answering right now. Try again in a moment.", http.StatusServiceUnavailable
	case errors.As(err, &se) && se.Status == http.StatusForbidden:
		return "Spotify did not allow this for Euterpe. Logging out and in again grants the permissions it needs.", http.StatusForbidden
	case errors.As(err, &se) && se.Status == http.StatusNotFound:
		return "Spotify could not find this data.", http.StatusBadGateway
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &se), errors.Is(err, spotify.ErrMalformed):
		h.auth.render.log.WarnContext(r.Context(), "panel failed: Spotify", "panel", a.id, "err", err,
			"request_id", middleware.GetReqID(r.Context()))
		return "Spotify is not answering properly right now. Try again in a moment.", http.StatusBadGateway
	case errors.Is(err, context.Canceled):
		return "The request was cancelled.", http.StatusServiceUnavailable
	default:
		h.auth.render.log.ErrorContext(r.Context(), "panel failed", "panel", a.id, "err", err,
			"request_id", middleware.GetReqID(r.Context()))
		return "Something went wrong on our side. Try again in a moment.", http.StatusInternalServerError
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func analyticByID(id string) (analytic, bool) {
	for _, a := range analyticsList {
		if a.id == id {
			return a, true
		}
	}
	return analytic{}, false
}

// jsonFor serves one analytic at its JSON path, as the earlier version did.
func (h *dashboardHandler) jsonFor(a analytic) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tr := spotify.ShortTerm
		if a.ranged {
			if v := r.URL.Query().Get("time_range"); v != "" {
				var err error
				if tr, err = spotify.ParseTimeRange(v); err != nil {
					writeJSON(w, http.StatusBadRequest, errorJSON{Error: "time_range must be one of short_term, medium_term, long_term"})
					return
				}
			}
		}
		_, l := h.listener(r)
		// The encoded answer is kept briefly too: a script polling an
		// endpoint costs one lookup, not an analytic and an encoding.
		body, err := upstream.FetchFor(r.Context(), h.source.Cache(), l.UserID, "json"+a.jsonPath+"?"+string(tr), encodedTTL,
			func(ctx context.Context) ([]byte, error) {
				data, err := a.load(ctx, h, l, tr)
				if err != nil {
					return nil, err
				}
				b, err := json.Marshal(data)
				return append(b, '\n'), err
			})
		if err != nil {
			if errors.Is(err, auth.ErrLoginRequired) {
				h.auth.loginRequired(w, r)
				return
			}
			msg, status := h.explain(r, a, err)
			var rl *upstream.RateLimitedError
			if errors.As(err, &rl) {
				secs := int(rl.RetryAfter(h.now()) / time.Second)
				w.Header().Set("Retry-After", fmt.Sprint(secs))
				writeJSON(w, status, retryJSON{Error: msg, RetryAfter: secs})
				return
			}
			writeJSON(w, status, errorJSON{Error: msg})
			return
		}
		writeRawJSON(w, http.StatusOK, body)
	}
}

// encodedTTL bounds how long an encoded analytic outlives the Spotify
// responses it was computed from.
const encodedTTL = 30 * time.Second

type retryJSON struct {
	Error      string `json:"error"`
	RetryAfter int    `json:"retry_after"`
}
