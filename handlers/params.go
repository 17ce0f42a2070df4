package handlers

import (
	"net/http"

	"github.com/euterpe-dev/euterpe/panels"
	"github.com/euterpe-dev/euterpe/spotify"
)

// rangeChoices ends every message about a bad range.
const rangeChoices = "must be one of short_term, medium_term, long_term"

// rangeParam reads the time range in the query parameter name. A panel that
// takes no range ignores it; a missing one is the dashboard's default.
func rangeParam(r *http.Request, name string, ranged bool) (spotify.TimeRange, error) {
	v := r.URL.Query().Get(name)
	if !ranged || v == "" {
		return panels.DefaultRange, nil
	}
	return spotify.ParseTimeRange(v)
}
