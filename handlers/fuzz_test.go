package handlers

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzCallbackParams sends whatever a browser could to /callback — any query,
// any state cookie — and to / with any session cookie. The app must answer
// with a page, never a 5xx, and never reflect markup it was sent.
func FuzzCallbackParams(f *testing.F) {
	e := newEnv(f, envOptions{})
	f.Add("code=abc&state=def", "def", "")
	f.Add("error=access_denied&state=x", "x", "")
	f.Add("state=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA&code=AQ", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
	f.Add("%zz&&=;state", "\x00", "' OR 1=1 --")
	f.Add("error=%3Cscript%3E", "", "<script>")
	f.Fuzz(func(t *testing.T, query, stateCookie, sessionCookie string) {
		for _, path := range []string{"/callback?" + query, "/?" + query} {
			req := httptest.NewRequest(http.MethodGet, "http://app.test/", nil)
			req.URL.RawQuery = strings.TrimPrefix(path[strings.Index(path, "?"):], "?")
			req.URL.Path = path[:strings.Index(path, "?")]
			req.Header.Set("Cookie", "euterpe_login="+sanitizeCookie(stateCookie)+"; euterpe_session="+sanitizeCookie(sessionCookie))
			rec := httptest.NewRecorder()
			e.router.ServeHTTP(rec, req)
			if rec.Code >= 500 && rec.Code != http.StatusBadGateway {
				t.Fatalf("%s → %d: %s", path, rec.Code, rec.Body.String())
			}
			if strings.Contains(rec.Body.String(), "<script>alert") {
				t.Fatalf("%s reflected markup", path)
			}
		}
	})
}

// sanitizeCookie keeps the header well formed, as a browser would.
func sanitizeCookie(s string) string {
	return strings.Map(func(r rune) rune {
		if r <= ' ' || r == ';' || r == ',' || r == '"' || r == '\\' || r >= 0x7f {
			return -1
		}
		return r
	}, s)
}
