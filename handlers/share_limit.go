package handlers

import (
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/httprate"
)

// shareLimits guard the anonymous share pages: each link may be opened so
// many times a minute (a leaked link cannot be used to load the database
// without end), and an address that keeps asking for links that do not
// exist is told to slow down. The counts are this process's.
type shareLimits struct {
	perLink *httprate.RateLimiter
	misses  *missLimit
}

func newShareLimits(perLinkPerMinute int) *shareLimits {
	return &shareLimits{
		perLink: httprate.NewRateLimiter(perLinkPerMinute, time.Minute, quietLimit),
		misses:  newMissLimit(),
	}
}

// allow counts a request for the link token and reports whether it may go
// on; when not, it has set Retry-After.
func (l *shareLimits) allow(w http.ResponseWriter, r *http.Request, token string) bool {
	if l.perLink.OnLimit(w, r, "link:"+token) {
		w.Header().Set("Retry-After", strconv.Itoa(60))
		return false
	}
	return true
}

// quietLimit keeps a limiter's X-RateLimit-* headers off the response.
var quietLimit = httprate.WithResponseHeaders(httprate.ResponseHeaders{})

// missesPerMinute is how many links that do not work (share links,
// invites) one address may ask for in a minute: a person mistyping one
// needs a few, and nobody guesses a 256-bit token.
const missesPerMinute = 30

// missLimit counts, per address (addressKey), the requests for a secret
// link that does not work. Only misses count and only a miss is refused:
// a link that works opens whatever the address asked before, so the
// address of a group chat's many readers, or one behind a shared NAT,
// never loses a working link to someone's typos.
type missLimit struct{ misses *httprate.RateLimiter }

func newMissLimit() *missLimit {
	return &missLimit{misses: httprate.NewRateLimiter(missesPerMinute, time.Minute, quietLimit)}
}

// missed counts a request for a link that does not work against r's
// address and reports whether the address is past its limit, in which case
// it is answered 429 (Retry-After set) rather than 404.
func (l *missLimit) missed(w http.ResponseWriter, r *http.Request) bool {
	if l.misses.OnLimit(discardHeaders{}, r, addressKey(r)) {
		w.Header().Set("Retry-After", strconv.Itoa(60))
		return true
	}
	return false
}

// discardHeaders is a ResponseWriter whose headers go nowhere: counting a
// miss must not touch the real response.
type discardHeaders struct{}

func (discardHeaders) Header() http.Header         { return http.Header{} }
func (discardHeaders) Write(b []byte) (int, error) { return len(b), nil }
func (discardHeaders) WriteHeader(int)             {}
