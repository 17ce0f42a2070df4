package social

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/euterpe-dev/euterpe/database"
	"github.com/euterpe-dev/euterpe/db"
	"github.com/euterpe-dev/euterpe/history"
	"github.com/euterpe-dev/euterpe/ptr"
	"github.com/euterpe-dev/euterpe/spotify"
)

// ShareKind is what a link shows.
type ShareKind string

// The kinds of links.
const (
	// ShareDashboard: the top lists of one of Spotify's ranges, as the
	// latest daily snapshot has them.
	ShareDashboard ShareKind = "dashboard"
	// ShareHistory: a range of the stored history.
	ShareHistory ShareKind = "history"
	// ShareYear: a year in review.
	ShareYear ShareKind = "year"
)

// ShareKinds lists them in the order the page offers them.
func ShareKinds() []ShareKind { return []ShareKind{ShareYear, ShareHistory, ShareDashboard} }

// Panel is one part of a view a link may show.
type Panel struct {
	ID, Label string
}

// Panels are what a kind of link may show, in page order.
func (k ShareKind) Panels() []Panel {
	switch k {
	case ShareDashboard:
		return []Panel{{"top-songs", "Top songs"}, {"top-artists", "Top artists"}, {"top-albums", "Top albums"}}
	case ShareHistory:
		return []Panel{{"totals", "In numbers"}, {"top-tracks", "Top tracks"}, {"top-artists", "Top artists"},
			{"top-albums", "Top albums"}, {"calendar", "Calendar"}, {"clock", "Listening clock"}, {"sessions", "Listening sessions"}}
	case ShareYear:
		return []Panel{{"summary", "The year in numbers"}, {"top-songs", "Top songs"}, {"top-artists", "Top artists"},
			{"top-albums", "Top albums"}, {"highlights", "Highlights"}, {"discovered", "Discovered"},
			{"months", "Month by month"}, {"clock", "When they listened"}}
	}
	return nil
}

// Label is how the page names a kind.
func (k ShareKind) Label() string {
	switch k {
	case ShareDashboard:
		return "Top lists"
	case ShareHistory:
		return "History"
	case ShareYear:
		return "Year in review"
	}
	return string(k)
}

// Expiry choices for a link.
var shareExpiries = map[string]time.Duration{"never": 0, "7": 7 * 24 * time.Hour, "30": 30 * 24 * time.Hour}

// MaxShares is how many links a user may keep; beyond it they revoke some.
const MaxShares = 50

// NewShare is a link to make.
type NewShare struct {
	Kind        ShareKind
	Range       spotify.TimeRange // dashboard
	Period      history.Period    // history: a preset, or CustomSpan with From and To
	From, To    time.Time
	Year        int      // year
	Panels      []string // in the kind's order
	ShowName    bool
	ShowPicture bool
	Expiry      time.Duration // 0: never
}

// ParseNewShare reads the form of /shares. loc and now resolve a History
// range; years are those a review exists for.
func ParseNewShare(form url.Values, loc *time.Location, now time.Time, years []int) (NewShare, error) {
	n := NewShare{Kind: ShareKind(form.Get("kind")), ShowName: form.Get("show_name") == "yes", ShowPicture: form.Get("show_picture") == "yes"}
	choices := n.Kind.Panels()
	if choices == nil {
		return n, &FormError{"kind", "must be year, history or dashboard"}
	}
	asked := form["panel"]
	for _, p := range choices {
		if slices.Contains(asked, p.ID) {
			n.Panels = append(n.Panels, p.ID)
		}
	}
	for _, a := range asked {
		if !slices.ContainsFunc(choices, func(p Panel) bool { return p.ID == a }) {
			return n, &FormError{"panel", "is not a part of this view"}
		}
	}
	if len(n.Panels) == 0 {
		return n, &FormError{"panel", "choose at least one part to show"}
	}
	d, ok := shareExpiries[form.Get("expires")]
	if !ok {
		return n, &FormError{"expires", "must be never, 7 or 30 (days)"}
	}
	n.Expiry = d
	switch n.Kind {
	case ShareDashboard:
		r, err := spotify.ParseTimeRange(form.Get("range"))
		if err != nil {
			return n, &FormError{"range", "must be short_term, medium_term or long_term"}
		}
		n.Range = r
	case ShareHistory:
		q := url.Values{}
		if form.Get("period") != "" {
			q.Set("period", form.Get("period"))
		} else {
			q.Set("from", form.Get("from"))
			q.Set("to", form.Get("to"))
		}
		span, err := history.ParseSpan(q, loc, now, time.Time{})
		var pe *history.ParamError
		if errors.As(err, &pe) {
			return n, &FormError{pe.Param, pe.Message}
		}
		if err != nil {
			return n, err
		}
		n.Period, n.From, n.To = span.Period, span.From, span.To
	case ShareYear:
		y, err := strconv.Atoi(form.Get("year"))
		if err != nil || !slices.Contains(years, y) {
			return n, &FormError{"year", "must be a year your history covers"}
		}
		n.Year = y
	}
	return n, nil
}

// Shares keeps users' links. It is safe for concurrent use.
type Shares struct {
	queries *db.Queries
	now     func() time.Time
}

// NewShares builds it; now is the app's clock.
func NewShares(pool *database.Pool, now func() time.Time) *Shares {
	return &Shares{queries: db.New(pool), now: now}
}

// Create makes a link and returns its token, which is shown to its owner
// this once: only its hash is kept. pictureURL is the owner's picture when
// the link shows it. ErrTooMany when the user has MaxShares links.
func (s *Shares) Create(ctx context.Context, userID uuid.UUID, n NewShare, pictureURL string) (string, error) {
	token := NewToken()
	now := s.now()
	p := db.CreateShareParams{UserID: userID, TokenHash: HashToken(token), Kind: string(n.Kind), Panels: n.Panels,
		ShowName: n.ShowName, ShowPicture: n.ShowPicture, AtTime: now, MaxShares: MaxShares}
	if n.ShowPicture && pictureURL != "" {
		p.PictureUrl = &pictureURL
	}
	if n.Expiry > 0 {
		at := now.Add(n.Expiry)
		p.ExpiresAt = &at
	}
	switch n.Kind {
	case ShareDashboard:
		r := string(n.Range)
		p.TimeRange = &r
	case ShareHistory:
		if n.Period != history.CustomSpan {
			period := string(n.Period)
			p.Period = &period
		} else {
			p.FromDay, p.ToDay = &n.From, &n.To
		}
	case ShareYear:
		y := int32(n.Year)
		p.Year = &y
	}
	_, err := s.queries.CreateShare(ctx, p)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", ErrTooMany
	}
	if err != nil {
		return "", fmt.Errorf("social: create share: %w", err)
	}
	return token, nil
}

// ShareInfo is one of a user's links as their list shows it.
type ShareInfo struct {
	ID          uuid.UUID
	Kind        ShareKind
	What        string   // "2026 in review", "History · This year", …
	Panels      []string // the labels of what it shows
	ShowName    bool
	ShowPicture bool
	Expires     time.Time // zero: never
	Expired     bool
	Views       int64
	LastViewed  time.Time // zero: never viewed
	Created     time.Time
}

// List reads the user's links, newest first.
func (s *Shares) List(ctx context.Context, userID uuid.UUID) ([]ShareInfo, error) {
	rows, err := s.queries.ListShares(ctx, userID)
	if err != nil {
		return nil, fmt.Errorf("social: list shares: %w", err)
	}
	now := s.now()
	out := make([]ShareInfo, 0, len(rows))
	for _, r := range rows {
		t := target{kind: ShareKind(r.Kind), timeRange: r.TimeRange, period: r.Period, from: r.FromDay, to: r.ToDay, year: r.Year}
		si := ShareInfo{ID: r.ID, Kind: t.kind, What: t.describe(), ShowName: r.ShowName, ShowPicture: r.ShowPicture,
			Views: r.Views, Created: r.CreatedAt, LastViewed: ptr.Deref(r.LastViewedAt), Expires: ptr.Deref(r.ExpiresAt)}
		si.Expired = !si.Expires.IsZero() && !si.Expires.After(now)
		for _, p := range t.kind.Panels() {
			if slices.Contains(r.Panels, p.ID) {
				si.Panels = append(si.Panels, p.Label)
			}
		}
		out = append(out, si)
	}
	return out, nil
}

// Revoke deletes one of the user's links: it stops working at once.
// ErrNotFound when the user has no such link.
func (s *Shares) Revoke(ctx context.Context, userID, id uuid.UUID) error {
	n, err := s.queries.DeleteShare(ctx, db.DeleteShareParams{ID: id, UserID: userID})
	if err != nil {
		return fmt.Errorf("social: revoke share: %w", err)
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// Opened is a link being viewed: what it shows, and of its owner only what
// they chose to show.
type Opened struct {
	ID      uuid.UUID
	OwnerID uuid.UUID // to read the owner's stored listening; never shown
	// OwnerName is empty unless the link shows it; OwnerPicture likewise.
	OwnerName, OwnerPicture string
	Kind                    ShareKind
	Range                   spotify.TimeRange
	Period                  history.Period
	From, To                time.Time
	Year                    int
	Panels                  []string
}

// Shows reports whether the link shows panel.
func (o Opened) Shows(panel string) bool { return slices.Contains(o.Panels, panel) }

// Open finds a link by its token and counts the view. A malformed, unknown,
// revoked or expired token is ErrNotFound, all alike.
func (s *Shares) Open(ctx context.Context, token string) (Opened, error) {
	if !ValidToken(token) {
		return Opened{}, ErrNotFound
	}
	r, err := s.queries.OpenShare(ctx, db.OpenShareParams{AtTime: s.now(), TokenHash: HashToken(token)})
	if errors.Is(err, pgx.ErrNoRows) {
		return Opened{}, ErrNotFound
	}
	if err != nil {
		return Opened{}, fmt.Errorf("social: open share: %w", err)
	}
	o := Opened{ID: r.ID, OwnerID: r.UserID, Kind: ShareKind(r.Kind), Panels: r.Panels,
		Range: spotify.TimeRange(ptr.Deref(r.TimeRange)), Period: history.Period(ptr.Deref(r.Period)),
		From: ptr.Deref(r.FromDay), To: ptr.Deref(r.ToDay), Year: int(ptr.Deref(r.Year))}
	if r.ShowName {
		o.OwnerName = r.OwnerName
	}
	if r.ShowPicture {
		o.OwnerPicture = ptr.Deref(r.PictureUrl)
	}
	return o, nil
}

// target is what a link points at, for its description.
type target struct {
	kind      ShareKind
	timeRange *string
	period    *string
	from, to  *time.Time
	year      *int32
}

func (t target) describe() string {
	switch t.kind {
	case ShareDashboard:
		return "Top lists · " + spotify.TimeRange(ptr.Deref(t.timeRange)).Label()
	case ShareHistory:
		if t.period != nil {
			return "History · " + history.Period(*t.period).Label()
		}
		return "History · " + dateWords(ptr.Deref(t.from)) + " – " + dateWords(ptr.Deref(t.to))
	case ShareYear:
		return strconv.Itoa(int(ptr.Deref(t.year))) + " in review"
	}
	return string(t.kind)
}

func dateWords(d time.Time) string { return d.Format("2 Jan 2006") }

// Describe says what the link shows, as the owner's list names it.
func (n NewShare) Describe() string {
	t := target{kind: n.Kind}
	switch n.Kind {
	case ShareDashboard:
		r := string(n.Range)
		t.timeRange = &r
	case ShareHistory:
		if n.Period != history.CustomSpan {
			p := string(n.Period)
			t.period = &p
		} else {
			t.from, t.to = &n.From, &n.To
		}
	case ShareYear:
		y := int32(n.Year)
		t.year = &y
	}
	return t.describe()
}
