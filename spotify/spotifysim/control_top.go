package spotifysim

import (
	"fmt"
	"net/http"
	"time"
)

// controlTop is GET /_sim/top?listener=ID&date=YYYY-MM-DD: the listener's
// six top lists as Spotify would have answered them on that (UTC) day, each
// item as the Web API renders it in the server's mode, 50 at most:
//
//	{"date":"2026-11-01","tracks":{"short_term":[…],"medium_term":[…],"long_term":[…]},
//	 "artists":{"short_term":[…],"medium_term":[…],"long_term":[…]}}
//
// Spotify never tells an app what its top lists used to be; this is for
// seeding a demo with the daily snapshots it would have taken. A date after
// the simulator's today is refused, like a history in the future.
func (s *Server) controlTop(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	l := s.cat.listenerByID[q.Get("listener")]
	switch {
	case q.Get("listener") == "":
		controlError(w, http.StatusBadRequest, "listener is required")
		return
	case l == nil:
		controlError(w, http.StatusNotFound, fmt.Sprintf("unknown listener %q", q.Get("listener")))
		return
	}
	date, err := time.Parse(time.DateOnly, q.Get("date"))
	if err != nil {
		controlError(w, http.StatusBadRequest, "date must be a day written YYYY-MM-DD")
		return
	}
	day := dayOf(date.UnixMilli())
	if today := dayOf(s.now().UnixMilli()); day > today {
		controlError(w, http.StatusBadRequest, fmt.Sprintf("date is after the simulator's today (%s)",
			s.now().UTC().Format(time.DateOnly)))
		return
	}
	tops := s.tops(l, day)
	var b jsonBuf
	b.raw(`{"date":`)
	b.str(date.Format(time.DateOnly))
	for i, kind := range []string{"tracks", "artists"} {
		b.raw(`,"` + kind + `":{`)
		for tr := range numRanges {
			if tr > 0 {
				b.raw(",")
			}
			b.raw(`"` + timeRangeNames[tr] + `":[`)
			if i == 0 {
				for j, t := range tops.tracks[tr] {
					if j > 0 {
						b.raw(",")
					}
					b.frag(t.full)
				}
			} else {
				for j, a := range tops.artists[tr] {
					if j > 0 {
						b.raw(",")
					}
					b.frag(a.full)
				}
			}
			b.raw("]")
		}
		b.raw("}")
	}
	b.raw("}")
	writeJSONBody(w, r, http.StatusOK, b.Bytes())
}
