package history

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/euterpe-dev/euterpe/analytics"
	"github.com/euterpe-dev/euterpe/database"
	"github.com/euterpe-dev/euterpe/db"
	"github.com/euterpe-dev/euterpe/ptr"
)

// Kind is what a top list or an item page is about.
type Kind string

// The kinds of items.
const (
	Tracks  Kind = "tracks"
	Artists Kind = "artists"
	Albums  Kind = "albums"
)

// Kinds lists them in page order.
func Kinds() []Kind { return []Kind{Tracks, Artists, Albums} }

// code is the kind as euterpe.play_totals stores it.
func (k Kind) code() string {
	switch k {
	case Artists:
		return "a"
	case Albums:
		return "l"
	}
	return "t"
}

// ParseKind reads a kind from a URL.
func ParseKind(s string) (Kind, bool) {
	switch k := Kind(s); k {
	case Tracks, Artists, Albums:
		return k, true
	}
	return "", false
}

// Measure is what a top list ranks by.
type Measure string

// The measures.
const (
	ByPlays   Measure = "plays"
	ByMinutes Measure = "minutes"
)

// ParseMeasure reads ?by=, plays when absent.
func ParseMeasure(q url.Values) (Measure, error) {
	switch m := Measure(q.Get("by")); m {
	case "":
		return ByPlays, nil
	case ByPlays, ByMinutes:
		return m, nil
	}
	return "", &ParamError{"by", "must be plays or minutes"}
}

// TopLimit is how many items a top list shows.
const TopLimit = 50

// Service reads the history. It is safe for concurrent use.
type Service struct {
	log     *slog.Logger
	pool    *database.Pool
	queries *db.Queries
	now     func() time.Time
	// zoneChanged is called, inside the transaction that stores a new time
	// zone, when the user's summaries must be rebuilt in it (jobs enqueues
	// the rebuild there).
	zoneChanged func(ctx context.Context, tx pgx.Tx, userID uuid.UUID) error
}

// Options configure a Service.
type Options struct {
	Log  *slog.Logger
	Pool *database.Pool
	Now  func() time.Time
	// ZoneChanged enqueues the rebuild of a user's summaries in their new
	// time zone, in the transaction that stored it.
	ZoneChanged func(ctx context.Context, tx pgx.Tx, userID uuid.UUID) error
}

// NewService builds the read side.
func NewService(o Options) *Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Service{log: o.Log, pool: o.Pool, queries: db.New(o.Pool), now: o.Now, zoneChanged: o.ZoneChanged}
}

// Zone is the user's time zone as the page uses it.
type Zone struct {
	// Loc is the zone the summaries are kept in: every figure is in it.
	Loc *time.Location
	// Preferred is the zone the user's browser reported; while it differs
	// from the summaries' zone, they are being rebuilt in it.
	Preferred string
	summary   string
}

// Rebuilding reports whether the summaries are being moved to the user's
// new zone.
func (z Zone) Rebuilding() bool { return z.Preferred != z.summary }

// ZoneFor reads the user's zones. A user who never sent one is in UTC.
func (s *Service) ZoneFor(ctx context.Context, userID uuid.UUID) (Zone, error) {
	row, err := s.queries.GetTimeZones(ctx, userID)
	if errors.Is(err, pgx.ErrNoRows) {
		return Zone{Loc: time.UTC, Preferred: "UTC", summary: "UTC"}, nil
	}
	if err != nil {
		return Zone{}, fmt.Errorf("history: read time zone: %w", err)
	}
	loc, err := time.LoadLocation(row.SummaryTimeZone)
	if err != nil {
		// Stored zones were valid when stored; a zone database without
		// it is the only way here. Read in UTC rather than fail.
		s.log.WarnContext(ctx, "stored time zone unknown to this binary; using UTC", "zone", row.SummaryTimeZone)
		loc = time.UTC
	}
	return Zone{Loc: loc, Preferred: row.TimeZone, summary: row.SummaryTimeZone}, nil
}

// LoadZone checks a zone name from a browser: an IANA name this binary
// knows ("Europe/Paris"), not "Local".
func LoadZone(name string) (*time.Location, error) {
	if name == "" || name == "Local" || len(name) > 64 {
		return nil, &ParamError{"tz", "must be an IANA time zone such as Europe/Paris"}
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, &ParamError{"tz", "must be an IANA time zone such as Europe/Paris"}
	}
	return loc, nil
}

// SetTimeZone stores the user's zone. When they already have summaries in
// another zone, the rebuild is enqueued with it; it reports whether one was.
func (s *Service) SetTimeZone(ctx context.Context, userID uuid.UUID, name string) (rebuilding bool, err error) {
	loc, err := LoadZone(name)
	if err != nil {
		return false, err
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		row, err := db.New(tx).SetTimeZone(ctx, db.SetTimeZoneParams{UserID: userID, TimeZone: loc.String()})
		if err != nil {
			return err
		}
		rebuilding = row.SummaryTimeZone != row.TimeZone
		if !rebuilding || s.zoneChanged == nil {
			return nil
		}
		return s.zoneChanged(ctx, tx, userID)
	})
	if err != nil {
		return false, fmt.Errorf("history: store time zone: %w", err)
	}
	return rebuilding, nil
}

// Bounds are the first and last local days with plays, zero when none.
type Bounds struct{ First, Last time.Time }

// Empty reports whether the user has no plays.
func (b Bounds) Empty() bool { return b.First.IsZero() }

// BoundsFor reads the user's first and last days of listening.
func (s *Service) BoundsFor(ctx context.Context, userID uuid.UUID) (Bounds, error) {
	row, err := s.queries.GetHistoryBounds(ctx, userID)
	if err != nil {
		return Bounds{}, fmt.Errorf("history: read bounds: %w", err)
	}
	return Bounds{First: zeroIfSentinel(row.FirstDay), Last: zeroIfSentinel(row.LastDay)}, nil
}

// zeroIfSentinel maps the queries' 0001-01-01 (no rows) to the zero time,
// whatever location the driver attached.
func zeroIfSentinel(t time.Time) time.Time {
	if t.Year() <= 1 {
		return time.Time{}
	}
	return t
}

// View is what every History read needs: whose, which days, in which zone.
type View struct {
	UserID uuid.UUID
	Span   Span
	Bounds Bounds
}

// ViewFor resolves the page's parameters for a user: their zone, their
// history's bounds and the span asked for.
func (s *Service) ViewFor(ctx context.Context, userID uuid.UUID, q url.Values) (View, Zone, error) {
	zone, err := s.ZoneFor(ctx, userID)
	if err != nil {
		return View{}, Zone{}, err
	}
	b, err := s.BoundsFor(ctx, userID)
	if err != nil {
		return View{}, zone, err
	}
	span, err := ParseSpan(q, zone.Loc, s.now(), b.First)
	if err != nil {
		return View{}, zone, err
	}
	return View{UserID: userID, Span: span, Bounds: b}, zone, nil
}

// Totals are a span's headline figures.
type Totals struct {
	Plays       int64 `json:"plays"`
	Minutes     int64 `json:"minutes"`
	Tracks      int64 `json:"distinct_tracks"`
	Artists     int64 `json:"distinct_artists"`
	DaysPlayed  int64 `json:"days_with_plays"`
	DaysInRange int   `json:"days_in_range"`
}

// Totals reads the span's plays, minutes and distinct tracks and artists.
func (s *Service) Totals(ctx context.Context, v View) (Totals, error) {
	row, err := s.queries.GetRangeTotals(ctx, db.GetRangeTotalsParams{UserID: v.UserID, FromDay: v.Span.From, ToDay: v.Span.To})
	if err != nil {
		return Totals{}, fmt.Errorf("history: read totals: %w", err)
	}
	t := Totals{Plays: row.Plays, Minutes: analytics.Minutes(row.MsPlayed), DaysPlayed: row.Days, DaysInRange: v.Span.Days()}
	if t.Plays == 0 {
		return t, nil
	}
	if t.Tracks, err = s.countItems(ctx, v, Tracks); err != nil {
		return Totals{}, err
	}
	if t.Artists, err = s.countItems(ctx, v, Artists); err != nil {
		return Totals{}, err
	}
	return t, nil
}

// countItems is how many tracks (artists) the span holds: all-time rows
// counted for the whole history, distinct items otherwise.
func (s *Service) countItems(ctx context.Context, v View, k Kind) (int64, error) {
	p := v.Span.Split(v.Bounds.First, v.Bounds.Last)
	var n int64
	var err error
	if p.WholeHistory {
		n, err = s.queries.CountItemsAllTime(ctx, db.CountItemsAllTimeParams{UserID: v.UserID, Kind: k.code()})
	} else {
		n, err = s.queries.CountItemsInRange(ctx, db.CountItemsInRangeParams{
			UserID: v.UserID, Kind: k.code(),
			YearsFrom: p.YearsFrom, YearsTo: p.YearsTo,
			Months1From: p.Months[0][0], Months1To: p.Months[0][1],
			Months2From: p.Months[1][0], Months2To: p.Months[1][1],
			Raw1From: p.Raw[0][0], Raw1To: p.Raw[0][1],
			Raw2From: p.Raw[1][0], Raw2To: p.Raw[1][1],
		})
	}
	if err != nil {
		return 0, fmt.Errorf("history: count %s: %w", k, err)
	}
	return n, nil
}

func topParams(v View, k Kind, by Measure, limit int) db.TopItemsParams {
	p := v.Span.Split(v.Bounds.First, v.Bounds.Last)
	return db.TopItemsParams{
		UserID: v.UserID, Kind: k.code(), ByMinutes: by == ByMinutes, MaxItems: int32(limit),
		WholeHistory: p.WholeHistory,
		YearsFrom:    p.YearsFrom, YearsTo: p.YearsTo,
		Months1From: p.Months[0][0], Months1To: p.Months[0][1],
		Months2From: p.Months[1][0], Months2To: p.Months[1][1],
		Raw1From: p.Raw[0][0], Raw1To: p.Raw[0][1],
		Raw2From: p.Raw[1][0], Raw2To: p.Raw[1][1],
	}
}

// TopItem is one row of a top list.
type TopItem struct {
	Rank     int    `json:"rank"`
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Detail   string `json:"detail"` // the artists of a track or an album
	ImageURL string `json:"image_url"`
	Plays    int64  `json:"plays"`
	Minutes  int64  `json:"minutes"`
	URL      string `json:"-"` // the item's page
	AlbumID  int64  `json:"-"` // a track's album in the catalogue (0: none, or not a track)
}

// TopList is a span's most played tracks, artists or albums.
type TopList struct {
	Kind    Kind      `json:"kind"`
	By      Measure   `json:"by"`
	Items   []TopItem `json:"items"`
	InRange int64     `json:"distinct_in_range"`
}

// Top reads the span's top items of kind k, ranked by.
func (s *Service) Top(ctx context.Context, v View, k Kind, by Measure, limit int) (TopList, error) {
	list := TopList{Kind: k, By: by, Items: []TopItem{}}
	rows, inRange, err := s.topRows(ctx, v, k, by, limit)
	if err != nil {
		return list, fmt.Errorf("history: top %s: %w", k, err)
	}
	if len(rows) == 0 {
		return list, nil
	}
	list.InRange = inRange
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ItemID
	}
	details, err := s.details(ctx, k, ids)
	if err != nil {
		return list, err
	}
	for i, r := range rows {
		it := details[r.ItemID]
		it.Rank, it.Plays, it.Minutes = i+1, r.Plays, analytics.Minutes(r.MsPlayed)
		list.Items = append(list.Items, it)
	}
	return list, nil
}

// topRow is one item of a top list, before its details.
type topRow struct {
	ItemID          int64
	Plays, MsPlayed int64
}

// topRows ranks the span's items and counts them. The whole history reads
// the all-time totals in index order; any other span sums its years,
// months and ragged ends.
func (s *Service) topRows(ctx context.Context, v View, k Kind, by Measure, limit int) ([]topRow, int64, error) {
	var out []topRow
	if !v.Span.Split(v.Bounds.First, v.Bounds.Last).WholeHistory {
		rows, err := s.queries.TopItems(ctx, topParams(v, k, by, limit))
		if err != nil || len(rows) == 0 {
			return nil, 0, err
		}
		for _, r := range rows {
			out = append(out, topRow{r.ItemID, r.Plays, r.MsPlayed})
		}
		return out, rows[0].ItemsInRange, nil
	}
	var rows []db.TopItemsAllTimeByPlaysRow
	var err error
	if by == ByMinutes {
		var m []db.TopItemsAllTimeByMinutesRow
		m, err = s.queries.TopItemsAllTimeByMinutes(ctx, db.TopItemsAllTimeByMinutesParams{UserID: v.UserID, Kind: k.code(), MaxItems: int32(limit)})
		for _, r := range m {
			rows = append(rows, db.TopItemsAllTimeByPlaysRow(r))
		}
	} else {
		rows, err = s.queries.TopItemsAllTimeByPlays(ctx, db.TopItemsAllTimeByPlaysParams{UserID: v.UserID, Kind: k.code(), MaxItems: int32(limit)})
	}
	if err != nil || len(rows) == 0 {
		return nil, 0, err
	}
	for _, r := range rows {
		out = append(out, topRow{r.ItemID, r.Plays, r.MsPlayed})
	}
	n, err := s.queries.CountItemsAllTime(ctx, db.CountItemsAllTimeParams{UserID: v.UserID, Kind: k.code()})
	return out, n, err
}

// ItemURL is the page of an item.
func ItemURL(k Kind, id int64) string {
	return "/history/" + string(k) + "/" + strconv.FormatInt(id, 10)
}

// details reads names and pictures of items by id.
func (s *Service) details(ctx context.Context, k Kind, ids []int64) (map[int64]TopItem, error) {
	return ItemDetails(ctx, s.queries, k, ids)
}

// ItemDetails reads the names, pictures, credits and History pages of
// catalogue items of kind k by id, as top-list rows without rank or
// counts. An id the catalogue lacks is not in the map.
func ItemDetails(ctx context.Context, q *db.Queries, k Kind, ids []int64) (map[int64]TopItem, error) {
	out := make(map[int64]TopItem, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	switch k {
	case Tracks:
		rows, err := q.ListTrackDetails(ctx, ids)
		if err != nil {
			return nil, fmt.Errorf("history: read tracks: %w", err)
		}
		for _, r := range rows {
			out[r.ID] = TopItem{ID: r.ID, Name: r.Name, Detail: r.ArtistNames, ImageURL: ptr.Deref(r.AlbumImageUrl), URL: ItemURL(k, r.ID),
				AlbumID: ptr.Deref(r.AlbumID)}
		}
	case Artists:
		rows, err := q.ListArtistDetails(ctx, ids)
		if err != nil {
			return nil, fmt.Errorf("history: read artists: %w", err)
		}
		for _, r := range rows {
			out[r.ID] = TopItem{ID: r.ID, Name: r.Name, ImageURL: ptr.Deref(r.ImageUrl), URL: ItemURL(k, r.ID)}
		}
	case Albums:
		rows, err := q.ListAlbumDetails(ctx, ids)
		if err != nil {
			return nil, fmt.Errorf("history: read albums: %w", err)
		}
		for _, r := range rows {
			out[r.ID] = TopItem{ID: r.ID, Name: r.Name, Detail: r.ArtistNames, ImageURL: ptr.Deref(r.ImageUrl), URL: ItemURL(k, r.ID)}
		}
	default:
		return nil, fmt.Errorf("history: no items of kind %q", k)
	}
	return out, nil
}

// Day is one day of the calendar.
type Day struct {
	Date    time.Time `json:"-"`
	Plays   int64     `json:"plays"`
	Minutes int64     `json:"minutes"`
}

// MarshalJSON writes the date as YYYY-MM-DD.
func (d Day) MarshalJSON() ([]byte, error) {
	return fmt.Appendf(nil, `{"date":%q,"plays":%d,"minutes":%d}`, d.Date.Format(dateLayout), d.Plays, d.Minutes), nil
}

// Days reads plays and minutes for every day from..to (days without plays
// included, as zeros).
func (s *Service) Days(ctx context.Context, userID uuid.UUID, from, to time.Time) ([]Day, error) {
	rows, err := s.queries.ListDays(ctx, db.ListDaysParams{UserID: userID, FromDay: from, ToDay: to})
	if err != nil {
		return nil, fmt.Errorf("history: read days: %w", err)
	}
	byDay := make(map[time.Time]db.ListDaysRow, len(rows))
	for _, r := range rows {
		byDay[day(r.Day)] = r
	}
	var out []Day
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		r := byDay[d]
		out = append(out, Day{Date: d, Plays: r.Plays, Minutes: analytics.Minutes(r.MsPlayed)})
	}
	return out, nil
}

// Calendar is a year of days for the heatmap.
type Calendar struct {
	Year  int   `json:"year"`
	Days  []Day `json:"days"`
	Max   int64 `json:"max_plays"`
	Years []int `json:"years"` // every year with plays, for the year switch
	// From and To are the first and last day shown when the calendar is
	// a span's (CalendarOfSpan) rather than the whole Year's.
	From, To time.Time `json:"-"`
}

// CalendarOfSpan reads the days of the view's span and no others, its last
// year when it is longer (a year's grid is as wide as the panel takes):
// what a shared range shows of the owner's days.
func (s *Service) CalendarOfSpan(ctx context.Context, v View) (Calendar, error) {
	from, to := day(v.Span.From), day(v.Span.To)
	if yearAgo := to.AddDate(-1, 0, 1); from.Before(yearAgo) {
		from = yearAgo
	}
	c := Calendar{Year: to.Year(), From: from, To: to}
	days, err := s.Days(ctx, v.UserID, from, to)
	if err != nil {
		return c, err
	}
	c.Days = days
	for _, d := range days {
		c.Max = max(c.Max, d.Plays)
	}
	return c, nil
}

// CalendarFor reads a year of days.
func (s *Service) CalendarFor(ctx context.Context, v View, year int) (Calendar, error) {
	c := Calendar{Year: year}
	days, err := s.Days(ctx, v.UserID, time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC))
	if err != nil {
		return c, err
	}
	c.Days = days
	for _, d := range days {
		c.Max = max(c.Max, d.Plays)
	}
	if !v.Bounds.Empty() {
		for y := v.Bounds.First.Year(); y <= v.Bounds.Last.Year(); y++ {
			c.Years = append(c.Years, y)
		}
	}
	return c, nil
}

// ParseYear reads ?year= for the calendar: the span's last year when
// absent.
func ParseYear(q url.Values, span Span) (int, error) {
	v := q.Get("year")
	if v == "" {
		return span.To.Year(), nil
	}
	y, err := strconv.Atoi(v)
	if err != nil || y < 1900 || y > 9999 {
		return 0, &ParamError{"year", "must be a year such as 2026"}
	}
	return y, nil
}

// Clock is plays by weekday and hour.
type Clock struct {
	// Plays[w][h] is weekday w (0 = Monday) at local hour h.
	Plays [7][24]int64 `json:"plays_by_weekday_and_hour"`
	Max   int64        `json:"max_plays"`
	Zone  string       `json:"time_zone"`
}

// ClockFor reads the span's listening clock.
func (s *Service) ClockFor(ctx context.Context, v View) (Clock, error) {
	c := Clock{Zone: v.Span.Loc.String()}
	var rows []db.ListClockRow
	var err error
	if v.Span.Split(v.Bounds.First, v.Bounds.Last).WholeHistory {
		// The whole history's clock is a summary of its own.
		var all []db.ListClockAllTimeRow
		all, err = s.queries.ListClockAllTime(ctx, v.UserID)
		for _, r := range all {
			rows = append(rows, db.ListClockRow(r))
		}
	} else {
		rows, err = s.queries.ListClock(ctx, db.ListClockParams{UserID: v.UserID, FromDay: v.Span.From, ToDay: v.Span.To})
	}
	if err != nil {
		return c, fmt.Errorf("history: read clock: %w", err)
	}
	for _, r := range rows {
		if r.Weekday < 1 || r.Weekday > 7 || r.Hour < 0 || r.Hour > 23 {
			continue
		}
		c.Plays[r.Weekday-1][r.Hour] = r.Plays
		c.Max = max(c.Max, r.Plays)
	}
	return c, nil
}

// Session is one listening session.
type Session struct {
	Start   time.Time `json:"start"`
	End     time.Time `json:"end"`
	Plays   int32     `json:"plays"`
	Minutes int64     `json:"minutes"`
}

// Duration is how long the session lasted.
func (s Session) Duration() time.Duration { return s.End.Sub(s.Start) }

// Sessions are a span's listening sessions.
type Sessions struct {
	Count          int64     `json:"count"`
	TotalMinutes   int64     `json:"total_minutes"`
	AverageMinutes int64     `json:"average_minutes"`
	Longest        []Session `json:"longest"`
}

// SessionsFor reads the span's sessions and the longest of them.
func (s *Service) SessionsFor(ctx context.Context, v View, limit int) (Sessions, error) {
	out := Sessions{Longest: []Session{}}
	st, err := s.queries.GetSessionStats(ctx, db.GetSessionStatsParams{UserID: v.UserID, FromTime: v.Span.Start(), ToTime: v.Span.End()})
	if err != nil {
		return out, fmt.Errorf("history: read sessions: %w", err)
	}
	out.Count, out.TotalMinutes = st.Sessions, analytics.Minutes(st.Seconds*1000)
	if st.Sessions > 0 {
		out.AverageMinutes = analytics.Minutes(st.Seconds * 1000 / st.Sessions)
	}
	rows, err := s.queries.ListLongestSessions(ctx, db.ListLongestSessionsParams{UserID: v.UserID, FromTime: v.Span.Start(), ToTime: v.Span.End(), MaxSessions: int32(limit)})
	if err != nil {
		return out, fmt.Errorf("history: read sessions: %w", err)
	}
	for _, r := range rows {
		out.Longest = append(out.Longest, Session{Start: r.StartedAt.In(v.Span.Loc), End: r.EndedAt.In(v.Span.Loc), Plays: r.Plays, Minutes: analytics.Minutes(r.MsPlayed)})
	}
	return out, nil
}

// Month is one month of an item's plays.
type Month struct {
	Month   time.Time `json:"-"`
	Plays   int32     `json:"plays"`
	Minutes int64     `json:"minutes"`
}

// MarshalJSON writes the month as YYYY-MM.
func (m Month) MarshalJSON() ([]byte, error) {
	return fmt.Appendf(nil, `{"month":%q,"plays":%d,"minutes":%d}`, m.Month.Format("2006-01"), m.Plays, m.Minutes), nil
}

// Item is the page of one track, artist or album.
type Item struct {
	Kind     Kind      `json:"kind"`
	TopItem            // name, detail, picture; plays and minutes of all time
	Rank     int64     `json:"all_time_rank"`
	First    time.Time `json:"first_played"`
	Last     time.Time `json:"last_played"`
	Months   []Month   `json:"months"` // every month from the first to the last listen
	Zone     string    `json:"time_zone"`
	Top      []TopItem `json:"top_tracks,omitempty"` // an artist's or album's most played tracks
	Listened bool      `json:"listened"`
}

// ParseItemID reads an item id from a URL.
func ParseItemID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id < 1 || strconv.FormatInt(id, 10) != s {
		return 0, &ParamError{"id", "must be a positive whole number"}
	}
	return id, nil
}

// ItemFor reads an item's page. ErrNoSuchItem when the catalogue has no
// such item, or when the user neither played it nor had it on a top list.
func (s *Service) ItemFor(ctx context.Context, userID uuid.UUID, zone *time.Location, k Kind, id int64) (Item, error) {
	details, err := s.details(ctx, k, []int64{id})
	if err != nil {
		return Item{}, err
	}
	base, ok := details[id]
	if !ok {
		return Item{}, ErrNoSuchItem
	}
	it := Item{Kind: k, TopItem: base, Zone: zone.String(), Months: []Month{}}
	st, err := s.queries.GetItemStanding(ctx, db.GetItemStandingParams{UserID: userID, Kind: k.code(), ItemID: id})
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		// Never played by this user: theirs to see only when it was on
		// one of their top lists. The catalogue is everyone's plays, so
		// anything else answers as an id that does not exist.
		listed, err := s.queries.IsItemInUserSnapshots(ctx, db.IsItemInUserSnapshotsParams{UserID: userID, Kind: k.code(), ItemID: id})
		if err != nil {
			return it, fmt.Errorf("history: read item: %w", err)
		}
		if !listed {
			return Item{}, ErrNoSuchItem
		}
		return it, nil
	case err != nil:
		return it, fmt.Errorf("history: read item: %w", err)
	}
	it.Listened = true
	it.Plays, it.Minutes, it.Rank = int64(st.Plays), analytics.Minutes(st.MsPlayed), st.Rank
	fl, err := s.queries.GetItemFirstLast(ctx, db.GetItemFirstLastParams{UserID: userID, Kind: k.code(), ItemID: id})
	if err != nil {
		return it, fmt.Errorf("history: read item: %w", err)
	}
	it.First, it.Last = fl.FirstPlayed.In(zone), fl.LastPlayed.In(zone)
	months, err := s.queries.ListItemMonths(ctx, db.ListItemMonthsParams{UserID: userID, Kind: k.code(), ItemID: id})
	if err != nil {
		return it, fmt.Errorf("history: read item: %w", err)
	}
	byMonth := map[time.Time]db.ListItemMonthsRow{}
	for _, m := range months {
		byMonth[day(m.Month)] = m
	}
	if len(months) > 0 {
		first := day(months[0].Month)
		last := day(months[len(months)-1].Month)
		for m := first; !m.After(last); m = m.AddDate(0, 1, 0) {
			r := byMonth[m]
			it.Months = append(it.Months, Month{Month: m, Plays: r.Plays, Minutes: analytics.Minutes(r.MsPlayed)})
		}
	}
	if k == Tracks {
		return it, nil
	}
	rows, err := s.queries.ListItemTopTracks(ctx, db.ListItemTopTracksParams{UserID: userID, Kind: k.code(), ItemID: id, MaxItems: itemTopTracks})
	if err != nil {
		return it, fmt.Errorf("history: read item tracks: %w", err)
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ItemID
	}
	tracks, err := s.details(ctx, Tracks, ids)
	if err != nil {
		return it, err
	}
	for i, r := range rows {
		t := tracks[r.ItemID]
		t.Rank, t.Plays, t.Minutes = i+1, int64(r.Plays), analytics.Minutes(r.MsPlayed)
		it.Top = append(it.Top, t)
	}
	return it, nil
}

// itemTopTracks is how many tracks an artist's or album's page lists.
const itemTopTracks = 10

// Collection is how the poller is doing for a user: the History page says
// it.
type Collection struct {
	Enrolled    bool
	Since       time.Time // when collecting began
	LastChecked time.Time // zero before the first poll
	NextCheck   time.Time
	Stopped     time.Time // zero while collecting
	Reason      string    // why it stopped: "grant_ended", "scope_missing"
	Gap         time.Time // the last time a poll found plays may have been missed
	// Interrupted and Resumed bound the last stop, once a login resumed
	// collecting: plays older than the last 50 from then are missing.
	Interrupted, Resumed time.Time
}

// CollectionFor reads the user's poll state.
func (s *Service) CollectionFor(ctx context.Context, userID uuid.UUID) (Collection, error) {
	row, err := s.queries.GetPollState(ctx, userID)
	if errors.Is(err, pgx.ErrNoRows) {
		return Collection{}, nil
	}
	if err != nil {
		return Collection{}, fmt.Errorf("history: read poll state: %w", err)
	}
	return Collection{
		Enrolled: true, Since: row.CreatedAt, LastChecked: ptr.Deref(row.LastPolledAt), NextCheck: row.NextPollAt,
		Stopped: ptr.Deref(row.StoppedAt), Reason: ptr.Deref(row.StoppedReason), Gap: ptr.Deref(row.GapAt),
		Interrupted: ptr.Deref(row.InterruptedAt), Resumed: ptr.Deref(row.ResumedAt),
	}, nil
}
