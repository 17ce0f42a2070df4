package handlers

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/euterpe-dev/euterpe/history"
	"github.com/euterpe-dev/euterpe/social"
	"github.com/euterpe-dev/euterpe/views"
)

// showCompare is the compare page of the user and one of their friends
// over a range (?period= or ?from=&to=, as History's). A friendship id
// that is not the user's is a 404, whatever it is.
func (h *handler) showCompare(k *socialKit) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f, c, ok := h.comparison(w, r, k, r.URL.Query())
		if !ok {
			return
		}
		base := "/friends/" + f.ID.String()
		d := views.CompareData{Comparison: c, Action: base, EndURL: base + "/end",
			From: c.Me.Span.From.Format("2006-01-02"), To: c.Me.Span.To.Format("2006-01-02"),
			Notice: playlistNotice(r),
			Blend:  views.PlaylistForm{Action: base + "/blend", Key: social.RequestKey()}}
		for _, p := range history.Periods() {
			d.Periods = append(d.Periods, views.Link{Label: p.Label(), URL: base + "?period=" + string(p), Current: p == c.Me.Span.Period})
		}
		for name, vs := range c.Me.Span.Query() {
			d.Blend.Hidden = append(d.Blend.Hidden, views.Option{Label: name, Value: vs[0]})
		}
		k.allowFormsToSpotify(w)
		h.render.write(w, r, http.StatusOK, views.ComparePage(h.render.pageFor(r, "You and "+f.Name), d))
	}
}

// comparison reads the friend the path names and both sides over q's
// range; on failure it has answered.
func (h *handler) comparison(w http.ResponseWriter, r *http.Request, k *socialKit, q url.Values) (social.Friend, social.Comparison, bool) {
	p := principalFrom(r.Context())
	id, ok := idParam(r, "id")
	if !ok {
		h.friendNotFound(w, r)
		return social.Friend{}, social.Comparison{}, false
	}
	f, err := k.friends.Friend(r.Context(), p.UserID, id)
	if errors.Is(err, social.ErrNotFound) {
		h.friendNotFound(w, r)
		return f, social.Comparison{}, false
	}
	if err != nil {
		h.fail(w, r, "friends: read friend", err)
		return f, social.Comparison{}, false
	}
	c, err := k.comparer.Load(r.Context(), social.Person{UserID: p.UserID, Name: p.DisplayName},
		social.Person{UserID: f.UserID, Name: f.Name}, q)
	if err != nil {
		h.fail(w, r, "friends: compare", err)
		return f, c, false
	}
	return f, c, true
}
