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
// exist is stopped sooner (nobody guesses a 256-bit token, but each guess
// costs a query). The counts are this process's.
type shareLimits struct {
	perLink *httprate.RateLimiter
	misses  *httprate.RateLimiter
}

// shareMissesPerMinute is how many unknown links one address may ask for
// in a minute: a person mistyping one needs a few.
const shareMissesPerMinute = 30

func newShareLimits(perLinkPerMinute int) *shareLimits {
	quiet := httprate.WithResponseHeaders(httprate.ResponseHeaders{})
	return &shareLimits{
		perLink: httprate.NewRateLimiter(perLinkPerMinute, time.Minute, quiet),
		misses:  httprate.NewRateLimiter(shareMissesPerMinute, time.Minute, quiet),
	}
}

// allow counts a request for the link token from r's address and reports
// whether it may go on; when not, it has set Retry-After.
func (l *shareLimits) allow(w http.ResponseWriter, r *http.Request, token string) bool {
	// The address's misses in the last minute (a sliding estimate): past
	// the limit, no more lookups.
	if _, misses, err := l.misses.Status(addressKey(r)); err == nil && misses >= shareMissesPerMinute {
		w.Header().Set("Retry-After", strconv.Itoa(60))
		return false
	}
	if l.perLink.OnLimit(w, r, "link:"+token) {
		w.Header().Set("Retry-After", strconv.Itoa(60))
		return false
	}
	return true
}

// missed counts a request for a link that does not work against r's
// address.
func (l *shareLimits) missed(r *http.Request) {
	l.misses.OnLimit(discardHeaders{}, r, addressKey(r))
}

// discardHeaders is a ResponseWriter whose headers go nowhere: counting a
// miss must not touch the real response.
type discardHeaders struct{}

func (discardHeaders) Header() http.Header         { return http.Header{} }
func (discardHeaders) Write(b []byte) (int, error) { return len(b), nil }
func (discardHeaders) WriteHeader(int)             {}
