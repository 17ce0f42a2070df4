package handlers

import (
	"errors"
	"net/http"

	"github.com/euterpe-dev/euterpe/auth"
	"github.com/euterpe-dev/euterpe/social"
	"github.com/euterpe-dev/euterpe/spotify"
	"github.com/euterpe-dev/euterpe/views"
)

// createShare makes a link from the form of /shares and shows it, this
// once (201); a bad form is the page again with the reason (400), and a
// user with as many links as allowed is asked to revoke some (409).
func (h *handler) createShare(k *socialKit) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			h.badRequest(w, r, "The form could not be read.")
			return
		}
		p := principalFrom(r.Context())
		d, ok := h.sharesData(w, r, k, r.PostForm)
		if !ok {
			return
		}
		page := h.render.pageFor(r, "Share links")
		years, zone, _, err := k.trends.Years(r.Context(), p.UserID)
		if err != nil {
			h.fail(w, r, "shares: read years", err)
			return
		}
		n, err := social.ParseNewShare(r.PostForm, zone.Loc, h.now(), years)
		var fe *social.FormError
		if errors.As(err, &fe) {
			d.Error = "The link was not made: " + fe.Error() + "."
			h.render.write(w, r, http.StatusBadRequest, views.SharesPage(page, d))
			return
		}
		if err != nil {
			h.fail(w, r, "shares: read form", err)
			return
		}
		tooMany := func() {
			d.Error = "You have as many links as Euterpe keeps for one person: revoke some to make another."
			h.render.write(w, r, http.StatusConflict, views.SharesPage(page, d))
		}
		// The cap is checked before Spotify is asked for anything (Create
		// checks it again, atomically).
		if len(d.Shares) >= social.MaxShares {
			tooMany()
			return
		}
		picture := ""
		if n.ShowPicture {
			// The owner's own request, with their own token: the profile
			// is cached, so making links costs Spotify one call an hour.
			me, err := h.source.Me(r.Context(), h.listener(r))
			switch {
			case errors.Is(err, auth.ErrLoginRequired):
				h.loginRequired(w, r)
				return
			case err != nil:
				h.log.WarnContext(r.Context(), "shares: no picture from Spotify; the link shows the initial", requestAttrs(r), "err", err)
			default:
				picture = spotify.ImageURL(me.Images, 96)
			}
		}
		token, err := k.shares.Create(r.Context(), p.UserID, n, picture)
		if errors.Is(err, social.ErrTooMany) {
			tooMany()
			return
		}
		if err != nil {
			h.fail(w, r, "shares: create", err)
			return
		}
		if d.Shares, err = k.shares.List(r.Context(), p.UserID); err != nil {
			h.fail(w, r, "shares: list", err)
			return
		}
		ready := &views.LinkReady{URL: k.baseURL + "/s/" + token, What: n.Describe()}
		if n.Expiry > 0 {
			ready.Expires = h.now().Add(n.Expiry)
		}
		d.Created = ready
		noIndex(w)
		h.render.write(w, r, http.StatusCreated, views.SharesPage(page, d))
	}
}
