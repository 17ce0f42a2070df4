package export

import (
	"archive/zip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/euterpe-dev/euterpe/database"
	"github.com/euterpe-dev/euterpe/db"
	"github.com/euterpe-dev/euterpe/ptr"
)

// Archive writes "Download my data": a zip of everything Euterpe stores
// about one user.
//
//	README.txt       what each file is
//	history.csv      every listen, for a spreadsheet
//	history.json     every listen in Euterpe's own format, which the
//	                 importer (History → Import) brings back exactly
//	account.json     the account: profile, preferences, the Spotify grant
//	                 (when and for what, never the tokens), collecting,
//	                 sessions, imports, and how much the history holds
//	snapshots.json   the daily snapshots of Spotify's top lists
//	snapshots.csv    the same, a row per item
//
// The summaries (totals per day, item and month; sessions) are not in it:
// they are computed from the listens, and an import computes them again.
type Archive struct {
	pool *database.Pool
	q    *db.Queries
	now  func() time.Time
}

// NewArchive reads from pool; now is the app's clock.
func NewArchive(pool *database.Pool, now func() time.Time) *Archive {
	if now == nil {
		now = time.Now
	}
	return &Archive{pool: pool, q: db.New(pool), now: now}
}

// Write writes the user's archive to w; loc is their zone, for the local
// columns of the CSVs.
func (a *Archive) Write(ctx context.Context, w io.Writer, userID uuid.UUID, loc *time.Location) error {
	acct, err := a.account(ctx, userID)
	if err != nil {
		return err
	}
	now := a.now()
	zw := zip.NewWriter(w)
	entry := func(name string, write func(io.Writer) error) error {
		f, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: now})
		if err != nil {
			return err
		}
		if err := write(f); err != nil {
			return fmt.Errorf("export: %s: %w", name, err)
		}
		return nil
	}
	steps := []struct {
		name  string
		write func(io.Writer) error
	}{
		{"README.txt", func(w io.Writer) error { return a.readme(w, acct, now) }},
		{"history.csv", func(w io.Writer) error {
			c, err := NewHistoryCSV(w, loc)
			if err != nil {
				return err
			}
			if err := NewHistory(a.pool).Each(ctx, userID, Span{}, c.Write); err != nil {
				return err
			}
			return c.Flush()
		}},
		{"history.json", func(w io.Writer) error {
			j := NewHistoryJSON(w)
			if err := NewHistory(a.pool).Each(ctx, userID, Span{}, j.Write); err != nil {
				return err
			}
			return j.Close()
		}},
		{"account.json", func(w io.Writer) error {
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return enc.Encode(acct)
		}},
		{"snapshots.json", func(w io.Writer) error { return a.snapshotsJSON(ctx, w, userID) }},
		{"snapshots.csv", func(w io.Writer) error { return a.snapshotsCSV(ctx, w, userID) }},
	}
	for _, s := range steps {
		if err := entry(s.name, s.write); err != nil {
			return err
		}
	}
	return zw.Close()
}

// Account is account.json.
type Account struct {
	ExportedAt  time.Time       `json:"exported_at"`
	User        accountUser     `json:"user"`
	Preferences accountPrefs    `json:"preferences"`
	Spotify     *accountGrant   `json:"spotify_grant"`
	Collecting  *accountCollect `json:"collecting"`
	Sessions    []accountSess   `json:"sessions"`
	Imports     []accountImport `json:"imports"`
	History     accountCounts   `json:"history"`
}

type accountUser struct {
	ID            uuid.UUID `json:"id"`
	SpotifyUserID string    `json:"spotify_user_id"`
	DisplayName   string    `json:"display_name"`
	Email         *string   `json:"email"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

type accountPrefs struct {
	FavoriteRange   string `json:"favorite_range"`
	TimeZone        string `json:"time_zone"`
	SummaryTimeZone string `json:"summary_time_zone"`
}

type accountGrant struct {
	Scope        string     `json:"scope"`
	AuthorizedAt *time.Time `json:"authorized_at"`
	ExpiresAt    *time.Time `json:"access_token_expires_at"`
	CreatedAt    *time.Time `json:"created_at"`
	UpdatedAt    *time.Time `json:"updated_at"`
	Note         string     `json:"note"`
}

type accountCollect struct {
	Since         *time.Time `json:"since"`
	LastPolledAt  *time.Time `json:"last_polled_at"`
	NextPollAt    *time.Time `json:"next_poll_at"`
	Polls         *int64     `json:"polls"`
	GapAt         *time.Time `json:"plays_may_be_missing_before"`
	StoppedAt     *time.Time `json:"stopped_at"`
	StoppedReason *string    `json:"stopped_reason"`
	InterruptedAt *time.Time `json:"interrupted_at"`
	ResumedAt     *time.Time `json:"resumed_at"`
}

type accountSess struct {
	CreatedAt     time.Time `json:"created_at"`
	ExpiresAt     time.Time `json:"expires_at"`
	IdleExpiresAt time.Time `json:"idle_expires_at"`
}

type accountImport struct {
	ID             uuid.UUID       `json:"id"`
	State          string          `json:"state"`
	UploadName     string          `json:"upload_name"`
	UploadBytes    int64           `json:"upload_bytes"`
	CreatedAt      time.Time       `json:"created_at"`
	StartedAt      *time.Time      `json:"started_at"`
	FinishedAt     *time.Time      `json:"finished_at"`
	PlaysAdded     int64           `json:"plays_added"`
	AlreadyPresent int64           `json:"already_present"`
	Skips          int64           `json:"skips"`
	Episodes       int64           `json:"episodes"`
	Unmatched      int64           `json:"unmatched"`
	UnknownRows    int64           `json:"unknown_rows"`
	FirstPlayed    *time.Time      `json:"first_played"`
	LastPlayed     *time.Time      `json:"last_played"`
	Files          json.RawMessage `json:"files"`
	Error          *string         `json:"error"`
}

type accountCounts struct {
	Plays     int64 `json:"plays"`
	Skips     int64 `json:"skips"`
	Spoken    int64 `json:"episodes_and_chapters"`
	Snapshots int64 `json:"top_list_snapshots"`
}

func (a *Archive) account(ctx context.Context, userID uuid.UUID) (Account, error) {
	r, err := a.q.GetExportAccount(ctx, userID)
	if err != nil {
		return Account{}, fmt.Errorf("export: read the account: %w", err)
	}
	acct := Account{
		ExportedAt: a.now().UTC(),
		User: accountUser{ID: r.ID, SpotifyUserID: r.SpotifyUserID, DisplayName: r.DisplayName, Email: r.Email,
			CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt},
		Preferences: accountPrefs{FavoriteRange: r.FavoriteRange, TimeZone: r.TimeZone, SummaryTimeZone: r.SummaryTimeZone},
		Sessions:    []accountSess{},
		Imports:     []accountImport{},
	}
	if r.TokenCreatedAt != nil {
		acct.Spotify = &accountGrant{Scope: ptr.Deref(r.TokenScope), AuthorizedAt: r.TokenAuthorizedAt, ExpiresAt: r.TokenExpiresAt,
			CreatedAt: r.TokenCreatedAt, UpdatedAt: r.TokenUpdatedAt,
			Note: "Euterpe keeps the access and refresh tokens encrypted and never exports them."}
	}
	if r.CollectingSince != nil {
		acct.Collecting = &accountCollect{Since: r.CollectingSince, LastPolledAt: r.LastPolledAt, NextPollAt: r.NextPollAt,
			Polls: r.Polls, GapAt: r.GapAt, StoppedAt: r.StoppedAt, StoppedReason: r.StoppedReason,
			InterruptedAt: r.InterruptedAt, ResumedAt: r.ResumedAt}
	}
	sessions, err := a.q.ListExportSessions(ctx, userID)
	if err != nil {
		return acct, fmt.Errorf("export: read sessions: %w", err)
	}
	for _, s := range sessions {
		acct.Sessions = append(acct.Sessions, accountSess{CreatedAt: s.CreatedAt, ExpiresAt: s.ExpiresAt, IdleExpiresAt: s.IdleExpiresAt})
	}
	imports, err := a.q.ListExportImports(ctx, userID)
	if err != nil {
		return acct, fmt.Errorf("export: read imports: %w", err)
	}
	for _, im := range imports {
		files := json.RawMessage(im.Files)
		if !json.Valid(files) {
			files = json.RawMessage("[]")
		}
		acct.Imports = append(acct.Imports, accountImport{ID: im.ID, State: im.State, UploadName: im.UploadName,
			UploadBytes: im.UploadBytes, CreatedAt: im.CreatedAt, StartedAt: im.StartedAt, FinishedAt: im.FinishedAt,
			PlaysAdded: im.PlaysAdded, AlreadyPresent: im.AlreadyPresent, Skips: im.Skips, Episodes: im.Episodes,
			Unmatched: im.Unmatched, UnknownRows: im.UnknownRows, FirstPlayed: im.FirstPlayed, LastPlayed: im.LastPlayed,
			Files: files, Error: im.Error})
	}
	c, err := a.q.GetExportCounts(ctx, userID)
	if err != nil {
		return acct, fmt.Errorf("export: count the history: %w", err)
	}
	acct.History = accountCounts{Plays: c.Plays, Skips: c.Skips, Spoken: c.Spoken, Snapshots: c.Snapshots}
	return acct, nil
}

func (a *Archive) readme(w io.Writer, acct Account, now time.Time) error {
	_, err := fmt.Fprintf(w, `Everything Euterpe stores about %s (Spotify user %s), exported %s.

history.csv     Every listen, one a row, oldest first: plays, skips (listens under 30 seconds
                that a Spotify export reported), podcast episodes and audiobook chapters.
                played_at is when playback ended, in UTC; local_date and local_time are on
                your clock (%s). ms_played is empty when it is not known. A cell that a
                spreadsheet would take for a formula starts with an apostrophe.
history.json    The same listens in Euterpe's own format, with every Spotify id, the album
                and every artist of each track: drop this zip (or this file) on "Import your
                Spotify history" in any Euterpe and the history comes back exactly as it is.
account.json    Your account: profile, preferences, your Spotify grant (when and what for;
                the tokens themselves are never exported), the collecting of your plays,
                your sessions, your imports, and how much the history holds (%d plays).
snapshots.json  Spotify's top lists (tracks and artists, last 4 weeks, 6 months and year),
snapshots.csv   as Euterpe took them once a day (%d days).

Euterpe's totals per day, per item and per month, and your listening sessions, are
computed from the listens; an import computes them again.
`, acct.User.DisplayName, acct.User.SpotifyUserID, now.UTC().Format(time.RFC1123), acct.Preferences.TimeZone,
		acct.History.Plays, acct.History.Snapshots)
	return err
}

// snapshotItem is one item of a snapshot's list.
type snapshotItem struct {
	Rank      int    `json:"rank"`
	SpotifyID string `json:"spotify_id"`
	Name      string `json:"name"`
	Artists   string `json:"artists,omitempty"` // a track's
}

// eachSnapshot calls fn with every snapshot of the user, oldest first, and
// its lists by name ("tracks/short_term"), a page of days at a time.
func (a *Archive) eachSnapshot(ctx context.Context, userID uuid.UUID,
	fn func(day, takenAt time.Time, lists []string, items map[string][]snapshotItem) error) error {
	names := []string{"tracks/short_term", "tracks/medium_term", "tracks/long_term",
		"artists/short_term", "artists/medium_term", "artists/long_term"}
	after := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	for {
		rows, err := a.q.ListSnapshotsAfter(ctx, db.ListSnapshotsAfterParams{UserID: userID, AfterDay: after, MaxRows: 100})
		if err != nil {
			return fmt.Errorf("export: read snapshots: %w", err)
		}
		if len(rows) == 0 {
			return nil
		}
		var trackIDs, artistIDs []int64
		for _, r := range rows {
			for _, l := range [][]int64{r.TracksShort, r.TracksMedium, r.TracksLong} {
				trackIDs = append(trackIDs, l...)
			}
			for _, l := range [][]int64{r.ArtistsShort, r.ArtistsMedium, r.ArtistsLong} {
				artistIDs = append(artistIDs, l...)
			}
		}
		tracks, err := a.q.ListTrackDetails(ctx, unique(trackIDs))
		if err != nil {
			return fmt.Errorf("export: read snapshot tracks: %w", err)
		}
		artists, err := a.q.ListArtistDetails(ctx, unique(artistIDs))
		if err != nil {
			return fmt.Errorf("export: read snapshot artists: %w", err)
		}
		byTrack := map[int64]snapshotItem{}
		for _, t := range tracks {
			byTrack[t.ID] = snapshotItem{SpotifyID: ptr.Deref(t.SpotifyID), Name: t.Name, Artists: t.ArtistNames}
		}
		byArtist := map[int64]snapshotItem{}
		for _, ar := range artists {
			byArtist[ar.ID] = snapshotItem{SpotifyID: ptr.Deref(ar.SpotifyID), Name: ar.Name}
		}
		for _, r := range rows {
			lists := map[string][]snapshotItem{}
			var present []string
			for i, l := range [][]int64{r.TracksShort, r.TracksMedium, r.TracksLong, r.ArtistsShort, r.ArtistsMedium, r.ArtistsLong} {
				if l == nil {
					continue // not fetched that day
				}
				by := byTrack
				if i >= 3 {
					by = byArtist
				}
				items := make([]snapshotItem, len(l))
				for j, id := range l {
					items[j] = by[id]
					items[j].Rank = j + 1
				}
				lists[names[i]] = items
				present = append(present, names[i])
			}
			if err := fn(r.Day, r.TakenAt, present, lists); err != nil {
				return err
			}
		}
		after = rows[len(rows)-1].Day
	}
}

func unique(ids []int64) []int64 {
	seen := make(map[int64]bool, len(ids))
	out := ids[:0:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

func (a *Archive) snapshotsJSON(ctx context.Context, w io.Writer, userID uuid.UUID) error {
	if _, err := io.WriteString(w, "["); err != nil {
		return err
	}
	first := true
	err := a.eachSnapshot(ctx, userID, func(day, takenAt time.Time, present []string, lists map[string][]snapshotItem) error {
		b, err := json.Marshal(struct {
			Day     string                    `json:"day"`
			TakenAt time.Time                 `json:"taken_at"`
			Lists   map[string][]snapshotItem `json:"lists"`
		}{day.Format(time.DateOnly), takenAt.UTC(), lists})
		if err != nil {
			return err
		}
		sep := ",\n"
		if first {
			sep, first = "\n", false
		}
		_, err = io.WriteString(w, sep+string(b))
		return err
	})
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, "\n]\n")
	return err
}

func (a *Archive) snapshotsCSV(ctx context.Context, w io.Writer, userID uuid.UUID) error {
	c := NewCSV(w)
	if err := c.Write("day", "kind", "time_range", "rank", "spotify_id", "name", "artists"); err != nil {
		return err
	}
	err := a.eachSnapshot(ctx, userID, func(day, _ time.Time, present []string, lists map[string][]snapshotItem) error {
		for _, name := range present {
			kind, tr, _ := strings.Cut(name, "/")
			for _, it := range lists[name] {
				if err := c.Write(day.Format(time.DateOnly), kind, tr, strconv.Itoa(it.Rank), it.SpotifyID, it.Name, it.Artists); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return c.Flush()
}
