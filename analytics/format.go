package analytics

import (
	"strconv"
	"strings"
	"time"

	"github.com/euterpe-dev/euterpe/spotify"
)

// artistNames joins credited artists the way Spotify's own apps show them.
func artistNames(artists []spotify.SimplifiedArtist) string {
	switch len(artists) {
	case 0:
		return ""
	case 1:
		return artists[0].Name
	}
	n := 2 * (len(artists) - 1)
	for _, a := range artists {
		n += len(a.Name)
	}
	var b strings.Builder
	b.Grow(n)
	for i, a := range artists {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(a.Name)
	}
	return b.String()
}

// formatDuration writes a track length as a player shows it: "3:45", or
// "1:02:03" past an hour. Seconds are truncated, as players do, so that a
// 3:59.9 track never reads as 4:00.
func formatDuration(ms int) string {
	if ms < 0 {
		ms = 0
	}
	s := ms / 1000
	h, m, sec := s/3600, s/60%60, s%60
	buf := make([]byte, 0, 10)
	if h > 0 {
		buf = strconv.AppendInt(buf, int64(h), 10)
		buf = append(buf, ':')
		buf = append(buf, byte('0'+m/10), byte('0'+m%10))
	} else {
		buf = strconv.AppendInt(buf, int64(m), 10)
	}
	buf = append(buf, ':', byte('0'+sec/10), byte('0'+sec%10))
	return string(buf)
}

// formatListeningTime writes a total in minutes for the overview: "45 min",
// "3 h 25 min", "2 h".
func formatListeningTime(minutes int) string {
	h, m := minutes/60, minutes%60
	switch {
	case h == 0:
		return strconv.Itoa(m) + " min"
	case m == 0:
		return strconv.Itoa(h) + " h"
	}
	return strconv.Itoa(h) + " h " + strconv.Itoa(m) + " min"
}

// relativeTime says how long ago t was, as people say it: minutes and hours
// while they are short, calendar days after that ("yesterday" is the day
// before today in now's location, not 24 hours ago), and the date once it is
// more than a week old. A t in the future, from a clock skewed against
// Spotify's, is "just now".
func relativeTime(t, now time.Time) string {
	if t.IsZero() {
		return ""
	}
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return Count(int(d/time.Minute), "minute", "minutes") + " ago"
	case d < 24*time.Hour:
		return Count(int(d/time.Hour), "hour", "hours") + " ago"
	}
	local := t.In(now.Location())
	switch days := calendarDaysBetween(local, now); {
	case days <= 1:
		return "yesterday"
	case days < 7:
		return strconv.Itoa(days) + " days ago"
	case local.Year() == now.Year():
		return local.Format("Jan 2")
	default:
		return local.Format("Jan 2, 2006")
	}
}

// Count writes a number with its noun: "1 song", "12 songs".
func Count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// calendarDaysBetween counts midnights from a to b, both read in their own
// location. The arithmetic is done on UTC dates so that a daylight-saving
// change in between does not make a day 23 or 25 hours long.
func calendarDaysBetween(a, b time.Time) int {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	da := time.Date(ay, am, ad, 0, 0, 0, 0, time.UTC)
	db := time.Date(by, bm, bd, 0, 0, 0, 0, time.UTC)
	return int(db.Sub(da) / (24 * time.Hour))
}
