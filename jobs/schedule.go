package jobs

import (
	"time"
)

// How the poller paces itself. Spotify's recently-played keeps only the
// last 50 plays: a listener who makes more than 50 plays between two polls
// loses the oldest for good. Polling every two minutes would lose nothing
// and spend 720 calls per user per day of an app-wide quota; Euterpe polls
// each user as often as their own listening needs.
const (
	// recentWindow is how many plays recently-played keeps.
	recentWindow = 50
	// targetPlays is how many plays may pile up before the next poll: half
	// the window, leaving the other half for a poll that runs late (no
	// budget, a busy worker, a dyno restart) and for listening faster than
	// ever before.
	targetPlays = 25
	// idlePlays is the pile-up allowed when the user is not listening and
	// this is not an hour they listen in: a binge would have to start right
	// after the poll and outrun their fastest hour to lose a play.
	idlePlays = 40
	// minRate is the pace assumed of a user who has not shown a faster one:
	// back-to-back songs of about four minutes.
	minRate = 15.0
	// fullWindowPlays: a poll that found this many new plays came close to
	// losing some, so the next comes at half the interval.
	fullWindowPlays = 35

	minInterval = 10 * time.Minute
	maxInterval = 6 * time.Hour
	// listeningNow: a play this recent means the user is listening.
	listeningNow = 30 * time.Minute
	// patternDays is how far back the pace and the usual hours are read.
	patternDays = 14
)

// Pattern is what the poller knows of a user's listening.
type Pattern struct {
	// PeakHour is the most plays they made in one hour over the last two
	// weeks (0 when they made none).
	PeakHour int
	// ActiveHours are the local hours of the day they listened in over the
	// last two weeks.
	ActiveHours [24]bool
	// Loc is their time zone, for the hours.
	Loc *time.Location
	// LastPlay is their newest play known (zero when none).
	LastPlay time.Time
	// NewLastPoll is how many new plays the poll just made found.
	NewLastPoll int
}

// NextPoll is how long until the user's next poll:
//   - while they listen (a play in the last half hour, or an hour of the day
//     they usually listen in), the time their fastest hour takes to make 25
//     plays (at least 15 plays an hour assumed);
//   - otherwise at the next hour they usually listen in, but no later than
//     their fastest hour takes to make 40 plays;
//   - after two weeks without a play, every six hours;
//   - half as long after a poll that found 35 or more new plays;
//
// always between 10 minutes and 6 hours.
func NextPoll(now time.Time, p Pattern) time.Duration {
	if p.PeakHour == 0 && p.LastPlay.Before(now.Add(-patternDays*24*time.Hour)) && !p.LastPlay.IsZero() {
		return maxInterval
	}
	rate := max(float64(p.PeakHour), minRate) // plays per hour
	interval := hours(targetPlays / rate)
	loc := p.Loc
	if loc == nil {
		loc = time.UTC
	}
	listening := now.Sub(p.LastPlay) < listeningNow || p.ActiveHours[now.In(loc).Hour()]
	if !listening && p.PeakHour > 0 {
		// Sleep until the next usual hour, within what a binge could fill.
		limit := hours(idlePlays / rate)
		t := now.In(loc)
		next := time.Date(t.Year(), t.Month(), t.Day(), t.Hour()+1, 0, 0, 0, loc)
		for next.Sub(now) < limit && !p.ActiveHours[next.Hour()] {
			next = next.Add(time.Hour)
		}
		interval = max(interval, min(next.Sub(now), limit))
	}
	if p.NewLastPoll >= fullWindowPlays {
		interval /= 2
	}
	return min(max(interval, minInterval), maxInterval)
}

func hours(h float64) time.Duration { return time.Duration(h * float64(time.Hour)) }
