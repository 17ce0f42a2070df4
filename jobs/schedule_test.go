package jobs

import (
	"testing"
	"time"
	_ "time/tzdata" // the tests' zones, on machines without a zone database
)

func TestNextPoll(t *testing.T) {
	kolkata, _ := time.LoadLocation("Asia/Kolkata")
	now := time.Date(2026, 11, 28, 3, 10, 0, 0, time.UTC) // 08:40 in Kolkata
	allDay := [24]bool{}
	for h := range allDay {
		allDay[h] = true
	}
	evenings := [24]bool{}
	evenings[19], evenings[20], evenings[21] = true, true, true

	for _, c := range []struct {
		name string
		p    Pattern
		want time.Duration
	}{
		{"new user: 25 plays at 15 an hour", Pattern{}, 100 * time.Minute},
		{"never stops, 20 plays an hour", Pattern{PeakHour: 20, ActiveHours: allDay, LastPlay: now.Add(-time.Minute)}, 75 * time.Minute},
		{"listening right now, off hours", Pattern{PeakHour: 20, ActiveHours: evenings, Loc: kolkata, LastPlay: now.Add(-5 * time.Minute)}, 75 * time.Minute},
		// 08:40 local, usual hours start at 19:00: 40 plays at 20/h is 2 h.
		{"idle, off hours: capped by a binge", Pattern{PeakHour: 20, ActiveHours: evenings, Loc: kolkata, LastPlay: now.Add(-10 * time.Hour)}, 2 * time.Hour},
		// At 40 plays an hour the cap is 1 h, but 25 plays take 37.5 min.
		{"idle, fast listener", Pattern{PeakHour: 40, ActiveHours: evenings, Loc: kolkata, LastPlay: now.Add(-10 * time.Hour)}, time.Hour},
		{"idle, one hour before the usual hour", Pattern{PeakHour: 10, ActiveHours: [24]bool{9: true}, Loc: kolkata, LastPlay: now.Add(-10 * time.Hour)}, 100 * time.Minute},
		{"dormant for two weeks", Pattern{LastPlay: now.Add(-20 * 24 * time.Hour)}, 6 * time.Hour},
		{"the last poll nearly filled the window", Pattern{PeakHour: 20, ActiveHours: allDay, LastPlay: now, NewLastPoll: 40}, 37*time.Minute + 30*time.Second},
		{"extremely fast: never under 10 minutes", Pattern{PeakHour: 300, ActiveHours: allDay, LastPlay: now}, 10 * time.Minute},
	} {
		if got := NextPoll(now, c.p); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

// TestNextPollLosesNothingForANonStopListener: at the pace the pattern
// shows, at most half the window fills before the next poll, so a poll can
// run as late as the other half takes to fill (75 minutes at 20 plays an
// hour) and still lose nothing; and a listener of up to 20 plays an hour
// costs at most 30 polls a day.
func TestNextPollLosesNothingForANonStopListener(t *testing.T) {
	allDay := [24]bool{}
	for h := range allDay {
		allDay[h] = true
	}
	now := time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
	for rate := 1; rate <= 150; rate++ {
		p := Pattern{PeakHour: rate, ActiveHours: allDay, LastPlay: now}
		in := NextPoll(now, p)
		if plays := float64(rate) * in.Hours(); plays > targetPlays+0.01 && in > minInterval {
			t.Errorf("%d plays an hour: %.1f plays before the next poll", rate, plays)
		}
		if perDay := 24 * time.Hour / in; rate <= 20 && perDay > 30 {
			t.Errorf("%d plays an hour: %d polls a day", rate, perDay)
		}
	}
}
