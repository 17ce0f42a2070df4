package handlers

import (
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/httprate"
)

// clientAddr sets r.RemoteAddr to the client's address, for the logs and
// every per-address limit. Only what the configured proxies in front of
// Euterpe add is believed: each appends the address it was reached from to
// X-Forwarded-For, so with hops proxies the client is the hops-th address
// from the end, and anything before it was written by the client itself.
// Without proxies (hops 0) the connection's address is the client's;
// X-Real-IP, True-Client-IP and the like are never believed.
func clientAddr(hops int) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if ip := forwardedFor(r.Header.Values("X-Forwarded-For"), hops); ip != "" {
				r.RemoteAddr = ip
			} else if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
				r.RemoteAddr = host
			}
			next.ServeHTTP(w, r)
		})
	}
}

// forwardedFor is the address the hops-th proxy from the end saw, or ""
// when there are no proxies or the header is too short or not an address.
func forwardedFor(headers []string, hops int) string {
	if hops <= 0 {
		return ""
	}
	var addrs []string
	for _, h := range headers {
		for _, a := range strings.Split(h, ",") {
			addrs = append(addrs, strings.TrimSpace(a))
		}
	}
	if len(addrs) < hops {
		return ""
	}
	ip := net.ParseIP(addrs[len(addrs)-hops])
	if ip == nil {
		return ""
	}
	return ip.String()
}

// addressKey is what the per-address limits count r against: an IPv4
// client's address, an IPv6 client's /64. A provider hands out a /64 at
// the least, so one client can pick any of its 2^64 addresses: counting
// each alone would be no limit.
func addressKey(r *http.Request) string {
	ip, err := netip.ParseAddr(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr // clientAddr could not parse it either
	}
	ip = ip.Unmap().WithZone("")
	if ip.Is4() {
		return ip.String()
	}
	return netip.PrefixFrom(ip, 64).Masked().String()
}

// perAddressLimit allows each client address (addressKey) perMinute
// requests a minute to what it guards; past that it answers 429 with the
// retry time, as a page or as JSON.
func perAddressLimit(perMinute int, rd *renderer) func(http.Handler) http.Handler {
	return addressBudget(newAddressLimiter(perMinute, rd))
}

// newAddressLimiter is perAddressLimit's limiter, for a budget spent both
// by routes (addressBudget) and inside handlers (spendAddressBudget).
func newAddressLimiter(perMinute int, rd *renderer) *httprate.RateLimiter {
	return httprate.NewRateLimiter(perMinute, time.Minute,
		httprate.WithLimitHandler(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", strconv.Itoa(60))
			if wantsJSON(r) {
				writeJSON(w, http.StatusTooManyRequests, retryJSON{Error: "Too many requests. Try again in a minute.", RetryAfter: 60})
				return
			}
			rd.errorPage(w, r, errTooMany)
		}),
	)
}

// addressBudget spends l's budget of each request's address on the routes
// it guards.
func addressBudget(l *httprate.RateLimiter) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if spendAddressBudget(l, w, r) {
				next.ServeHTTP(w, r)
			}
		})
	}
}

// spendAddressBudget counts r against l's budget for its address and
// reports whether it may go on; when not, the 429 has been answered.
func spendAddressBudget(l *httprate.RateLimiter, w http.ResponseWriter, r *http.Request) bool {
	return !l.RespondOnLimit(w, r, addressKey(r))
}

// diagnosticsPerMinute is what one address may ask of /health and
// /db_check: a monitor asks once a minute or so.
const diagnosticsPerMinute = 60

// signedInOnly applies limit to signed-in requests only (the principal is
// resolved before), passing anonymous ones straight through.
func signedInOnly(limit func(http.Handler) http.Handler) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		limited := limit(next)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if principalFrom(r.Context()) == nil {
				next.ServeHTTP(w, r)
				return
			}
			limited.ServeHTTP(w, r)
		})
	}
}
