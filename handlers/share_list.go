package handlers

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/euterpe-dev/euterpe/history"
	"github.com/euterpe-dev/euterpe/social"
	"github.com/euterpe-dev/euterpe/spotify"
	"github.com/euterpe-dev/euterpe/views"
)

// showShares is /shares: the user's links and the forms that make one.
// ?kind=year|history|dashboard (with ?year=, ?period= or ?from=&to=, or
// ?range=) opens the form of that kind with those values, so a page can
// link "share this".
func (h *handler) showShares(k *socialKit) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		d, ok := h.sharesData(w, r, k, r.URL.Query())
		if !ok {
			return
		}
		h.render.write(w, r, http.StatusOK, views.SharesPage(h.render.pageFor(r, "Share links"), d))
	}
}

// sharesData is the page's data, its forms filled from q (a query, or the
// form that failed).
func (h *handler) sharesData(w http.ResponseWriter, r *http.Request, k *socialKit, q url.Values) (views.SharesData, bool) {
	p := principalFrom(r.Context())
	list, err := k.shares.List(r.Context(), p.UserID)
	if err != nil {
		h.fail(w, r, "shares: list", err)
		return views.SharesData{}, false
	}
	years, zone, _, err := k.trends.Years(r.Context(), p.UserID)
	if err != nil {
		h.fail(w, r, "shares: read years", err)
		return views.SharesData{}, false
	}
	today := h.now().In(zone.Loc)
	return views.SharesData{Forms: shareForms(q, years, today.Year(), today.Format("2006-01-02")), Shares: list, Max: social.MaxShares}, true
}

// shareForms are the three forms, in page order, the one q names open and
// filled from q.
func shareForms(q url.Values, years []int, thisYear int, today string) []views.ShareForm {
	kind := social.ShareKind(q.Get("kind"))
	var out []views.ShareForm
	for _, kd := range social.ShareKinds() {
		f := views.ShareForm{Kind: kd, Open: kd == kind}
		own := func(name, fallback string) string {
			if kd == kind && q.Get(name) != "" {
				return q.Get(name)
			}
			return fallback
		}
		for _, p := range kd.Panels() {
			checked := true
			if kd == kind && q.Has("panel") {
				checked = slices.Contains(q["panel"], p.ID)
			}
			f.Panels = append(f.Panels, views.Choice{Name: "panel", Value: p.ID, Label: p.Label, Checked: checked})
		}
		switch kd {
		case social.ShareYear:
			f.Title, f.Blurb = "A year in review", "The year's minutes, top songs, artists and albums, highlights and when the music played."
			year := own("year", strconv.Itoa(thisYear))
			for i := len(years) - 1; i >= 0; i-- {
				y := strconv.Itoa(years[i])
				f.Years = append(f.Years, views.Option{Value: y, Label: y, Selected: y == year})
			}
		case social.ShareHistory:
			f.Title, f.Blurb = "A History range", "A preset follows the calendar (this month stays this month); dates stay as they are."
			period := own("period", string(history.ThisMonth))
			if q.Get("from") != "" && kd == kind && !q.Has("period") {
				period = ""
			}
			for _, pr := range history.Periods() {
				f.Periods = append(f.Periods, views.Option{Value: string(pr), Label: pr.Label(), Selected: string(pr) == period})
			}
			f.Periods = append(f.Periods, views.Option{Value: "", Label: "Dates below", Selected: period == ""})
			f.From, f.To = own("from", today[:8]+"01"), own("to", today)
		case social.ShareDashboard:
			f.Title, f.Blurb = "Your top lists", "Songs, artists and albums as Spotify ranks them, from the daily snapshot Euterpe keeps."
			rng := own("range", string(spotify.ShortTerm))
			for _, tr := range spotify.TimeRanges() {
				f.Ranges = append(f.Ranges, views.Option{Value: string(tr), Label: tr.Label(), Selected: string(tr) == rng})
			}
		}
		out = append(out, f)
	}
	return out
}
