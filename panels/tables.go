package panels

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/euterpe-dev/euterpe/analytics"
	"github.com/euterpe-dev/euterpe/export"
	"github.com/euterpe-dev/euterpe/history"
	"github.com/euterpe-dev/euterpe/trends"
)

// Table is a panel's or a page's data as rows of text, its CSV: what the
// view shows, one row an item (or a figure), every number whole.
func Table(data any) (export.Table, error) {
	switch d := data.(type) {
	case analytics.OverviewReport:
		return overviewTable(d), nil
	case []MovingSong:
		t := export.Table{Columns: append([]string{"rank", "song", "artists", "album", "duration", "duration_ms", "explicit",
			"popularity", "spotify_id", "spotify_url"}, movementColumns...)}
		for _, s := range d {
			t.Add(append([]string{itoa(s.Rank), s.Name, s.Artists, s.Album, s.Duration, itoa(s.DurationMS), bool01(s.Explicit),
				intp(s.Popularity), s.ID, s.SpotifyURL}, movementCells(s.Movement)...)...)
		}
		return t, nil
	case []MovingArtist:
		t := export.Table{Columns: append([]string{"rank", "artist", "genres", "popularity", "followers", "spotify_id", "spotify_url"},
			movementColumns...)}
		for _, a := range d {
			t.Add(append([]string{itoa(a.Rank), a.Name, strings.Join(a.Genres, "; "), intp(a.Popularity), intp(a.Followers),
				a.ID, a.SpotifyURL}, movementCells(a.Movement)...)...)
		}
		return t, nil
	case []analytics.AlbumRow:
		t := export.Table{Columns: []string{"rank", "album", "artists", "top_songs", "best_song_rank", "spotify_id", "spotify_url"}}
		for _, a := range d {
			t.Add(itoa(a.Rank), a.Name, a.Artists, itoa(a.TrackCount), itoa(a.BestRank), a.ID, a.SpotifyURL)
		}
		return t, nil
	case analytics.ReleaseYearsReport:
		t := export.Table{Columns: []string{"year", "songs"}}
		for _, y := range d.Years {
			t.Add(itoa(y.Year), itoa(y.Count))
		}
		if d.UnknownDate > 0 {
			t.Add("unknown", itoa(d.UnknownDate))
		}
		return t, nil
	case analytics.GenresReport:
		t := export.Table{Columns: []string{"genre", "artists"}}
		for _, g := range d.Genres {
			t.Add(g.Genre, itoa(g.Count))
		}
		return t, nil
	case analytics.SeasonsReport:
		t := export.Table{Columns: []string{"season", "months", "songs", "songs_with_genres", "top_genres"}}
		for _, s := range d.Seasons {
			var gs []string
			for _, g := range s.Genres {
				gs = append(gs, g.Genre+" ("+itoa(g.Count)+")")
			}
			t.Add(s.Season, s.Months, itoa(s.TrackCount), itoa(s.TracksWithGenres), strings.Join(gs, "; "))
		}
		return t, nil
	case analytics.HiddenGemsReport:
		t := export.Table{Columns: []string{"top_song_rank", "song", "artists", "album", "popularity", "spotify_id", "spotify_url"}}
		for _, s := range d.Songs {
			t.Add(itoa(s.Rank), s.Name, s.Artists, s.Album, intp(s.Popularity), s.ID, s.SpotifyURL)
		}
		return t, nil
	case []analytics.RecentPlay:
		t := export.Table{Columns: []string{"played_at", "song", "artists", "album", "duration", "context", "spotify_id", "spotify_url"}}
		for _, p := range d {
			t.Add(p.PlayedAt.UTC().Format(time.RFC3339), p.Name, p.Artists, p.Album, p.Duration, p.ContextType, p.ID, p.SpotifyURL)
		}
		return t, nil
	case []analytics.ArtistStanding:
		t := export.Table{Columns: []string{"rank", "artist", "rank_4_weeks", "rank_6_months", "rank_1_year", "average_rank", "spotify_id", "spotify_url"}}
		for _, a := range d {
			t.Add(itoa(a.Rank), a.Name, rank(a.ShortTermRank), rank(a.MediumTermRank), rank(a.LongTermRank), avg(a.AverageRank), a.ID, a.SpotifyURL)
		}
		return t, nil
	case []analytics.PlaylistRow:
		t := export.Table{Columns: []string{"rank", "playlist", "top_songs_in_it", "items", "top_songs", "spotify_id", "spotify_url"}}
		for _, p := range d {
			var songs []string
			for _, s := range p.TopSongs {
				songs = append(songs, "#"+itoa(s.Rank)+" "+s.Name+" – "+s.Artists)
			}
			t.Add(itoa(p.Rank), p.Name, itoa(p.TopSongsCount), itoa(p.TotalItems), strings.Join(songs, "; "), p.ID, p.SpotifyURL)
		}
		return t, nil
	case trends.BumpChart:
		t := export.Table{Columns: []string{"day", "rank_now", "name", "rank"}}
		for i, day := range d.Days {
			for _, l := range d.Lines {
				t.Add(day.String(), itoa(l.Now()), l.Name, rank(l.Ranks[i]))
			}
		}
		return t, nil

	case history.Totals:
		return export.Table{Columns: []string{"plays", "minutes", "distinct_tracks", "distinct_artists", "days_with_plays", "days_in_range"},
			Rows: [][]string{{i64(d.Plays), i64(d.Minutes), i64(d.Tracks), i64(d.Artists), i64(d.DaysPlayed), itoa(d.DaysInRange)}}}, nil
	case history.TopList:
		t := export.Table{Columns: []string{"rank", "name", "artists", "plays", "minutes", "euterpe_id"}}
		for _, it := range d.Items {
			t.Add(itoa(it.Rank), it.Name, it.Detail, i64(it.Plays), i64(it.Minutes), i64(it.ID))
		}
		return t, nil
	case history.Calendar:
		t := export.Table{Columns: []string{"date", "plays", "minutes"}}
		for _, day := range d.Days {
			t.Add(day.Date.Format(time.DateOnly), i64(day.Plays), i64(day.Minutes))
		}
		return t, nil
	case history.Clock:
		t := export.Table{Columns: []string{"weekday", "hour", "plays", "time_zone"}}
		for w := range 7 {
			for h := range 24 {
				t.Add(time.Weekday((w+1)%7).String(), itoa(h), i64(d.Plays[w][h]), d.Zone)
			}
		}
		return t, nil
	case history.Sessions:
		t := export.Table{Columns: []string{"start", "end", "minutes_long", "plays", "minutes_heard"}}
		for _, s := range d.Longest {
			t.Add(s.Start.Format(time.RFC3339), s.End.Format(time.RFC3339), i64(analytics.DurationMinutes(s.Duration())), itoa(int(s.Plays)), i64(s.Minutes))
		}
		return t, nil
	case history.Item:
		t := export.Table{Columns: []string{"month", "plays", "minutes"}}
		for _, m := range d.Months {
			t.Add(m.Month.Format("2006-01"), itoa(int(m.Plays)), i64(m.Minutes))
		}
		return t, nil

	case trends.Monthly:
		t := export.Table{Columns: []string{"month", "plays", "minutes"}}
		for _, m := range d.Months {
			t.Add(m.Month.String(), i64(m.Plays), i64(m.Minutes))
		}
		return t, nil
	case trends.ArtistShare:
		cols := []string{"month", "minutes"}
		for _, a := range d.Artists {
			cols = append(cols, a.Name+" (%)")
		}
		t := export.Table{Columns: append(cols, "everyone else (%)")}
		for _, m := range d.Months {
			row := []string{m.Month.String(), i64(m.Minutes)}
			for _, v := range m.Shares {
				row = append(row, pct(v))
			}
			t.Add(append(row, pct(m.Other))...)
		}
		return t, nil
	case trends.Discovery:
		t := export.Table{Columns: []string{"month", "artists", "discovered", "discovery_rate_percent", "history_starts"}}
		for i, m := range d.Months {
			t.Add(m.Month.String(), i64(m.Artists), i64(m.Discovered), pct(m.Rate()), bool01(i == 0))
		}
		return t, nil
	case trends.Compared:
		t := export.Table{Columns: []string{"source", "list", "rank", "artist", "rank_4_weeks", "rank_6_months", "rank_1_year"}}
		for _, l := range []struct {
			name string
			rows []trends.StandRow
		}{{"timeless", d.History.Timeless}, {"falling_off", d.History.Falling}} {
			for _, a := range l.rows {
				t.Add("history", l.name, itoa(a.Rank), a.Name, rank(a.ShortRank), rank(a.MediumRank), rank(a.LongRank))
			}
		}
		if d.Spotify != nil {
			for _, l := range []struct {
				name string
				rows []analytics.ArtistStanding
			}{{"timeless", d.Spotify.Timeless}, {"falling_off", d.Spotify.Falling}} {
				for _, a := range l.rows {
					t.Add("spotify", l.name, itoa(a.Rank), a.Name, rank(a.ShortTermRank), rank(a.MediumTermRank), rank(a.LongTermRank))
				}
			}
		}
		return t, nil
	case trends.Year:
		return yearTable(d), nil
	}
	return export.Table{}, fmt.Errorf("dashboard: no table for %T", data)
}

// movementColumns are a top list's moves in its CSV.
var movementColumns = []string{"vs_7_days", "vs_7_days_since", "vs_30_days", "vs_30_days_since"}

func movementCells(m trends.Movement) []string {
	out := make([]string, 0, 4)
	for _, mv := range []*trends.Move{m.Week, m.Month} {
		if mv == nil {
			out = append(out, "", "")
			continue
		}
		out = append(out, mv.Label(), mv.Since.String())
	}
	return out
}

func overviewTable(o analytics.OverviewReport) export.Table {
	t := export.Table{Columns: []string{"figure", "value"}}
	t.Add("top_song", o.TopSong)
	t.Add("top_artist", o.TopArtist)
	t.Add("top_songs", itoa(o.TrackCount))
	t.Add("artists_on_top_songs", itoa(o.ArtistCount))
	t.Add("albums_on_top_songs", itoa(o.AlbumCount))
	t.Add("top_artists", itoa(o.TopArtistCount))
	t.Add("top_songs_minutes", itoa(o.TotalMinutes))
	t.Add("explicit_top_songs", itoa(o.ExplicitCount))
	if o.TopDecade != nil {
		t.Add("top_decade", o.TopDecade.Label)
	}
	t.Add("average_popularity", intp(o.AveragePopularity))
	if o.TopGenre != nil {
		t.Add("top_genre", o.TopGenre.Genre)
	}
	t.Add("recent_plays", itoa(o.RecentPlays))
	t.Add("recent_minutes", itoa(o.RecentMinutes))
	return t
}

// yearTable is the year in review, a row a figure or an item: the section
// says which.
func yearTable(y trends.Year) export.Table {
	t := export.Table{Columns: []string{"section", "rank", "name", "detail", "date", "plays", "minutes", "value"}}
	t.Add("year", "", itoa(y.Year), y.Zone, y.From.String()+"/"+y.To.String(), i64(y.Plays), i64(y.Minutes), "")
	t.Add("days_with_plays", "", "", "", "", "", "", i64(y.DaysPlayed))
	t.Add("distinct_tracks", "", "", "", "", "", "", i64(y.Tracks))
	t.Add("distinct_artists", "", "", "", "", "", "", i64(y.Artists))
	for _, l := range []struct {
		name  string
		items []history.TopItem
	}{{"top_song", y.TopTracks}, {"top_artist", y.TopArtists}, {"top_album", y.TopAlbums}} {
		for _, it := range l.items {
			t.Add(l.name, itoa(it.Rank), it.Name, it.Detail, "", i64(it.Plays), i64(it.Minutes), "")
		}
	}
	for _, m := range y.Months {
		t.Add("month", "", m.Month.Format("January"), "", m.Month.String(), i64(m.Plays), i64(m.Minutes), "")
	}
	if y.TopMonth != nil {
		t.Add("top_month", "1", y.TopMonth.Month.Format("January"), "", y.TopMonth.Month.String(), i64(y.TopMonth.Plays), i64(y.TopMonth.Minutes), "")
	}
	if y.TopDay != nil {
		t.Add("most_played_day", "1", "", "", y.TopDay.Date.String(), i64(y.TopDay.Plays), i64(y.TopDay.Minutes), "")
	}
	if y.Streak.Days > 0 {
		t.Add("longest_streak", "", "", "", y.Streak.From.String()+"/"+y.Streak.To.String(), "", "", itoa(y.Streak.Days))
	}
	if s := y.SongOfADay; s != nil {
		t.Add("song_most_played_in_a_day", "1", s.Track.Name, s.Track.Detail, s.Date.String(), i64(s.Plays), "", "")
	}
	t.Add("discovered_artists", "", "", "", "", "", "", i64(y.Discovered.Count))
	for _, a := range y.Discovered.Artists {
		t.Add("discovered_artist", itoa(a.Rank), a.Name, "", "", i64(a.Plays), i64(a.Minutes), "")
	}
	for w := range 7 {
		for h := range 24 {
			if n := y.Clock.Plays[w][h]; n > 0 {
				t.Add("clock", "", time.Weekday((w+1)%7).String(), fmt.Sprintf("%02d:00", h), "", i64(n), "", "")
			}
		}
	}
	return t
}

func itoa(n int) string    { return strconv.Itoa(n) }
func i64(n int64) string   { return strconv.FormatInt(n, 10) }
func pct(f float64) string { return strconv.FormatFloat(f*100, 'f', 1, 64) }
func avg(f float64) string { return strconv.FormatFloat(f, 'f', 2, 64) }

// rank is a rank, empty when the item is not ranked.
func rank(r int) string {
	if r == 0 {
		return ""
	}
	return itoa(r)
}

func intp(p *int) string {
	if p == nil {
		return ""
	}
	return itoa(*p)
}

func bool01(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
