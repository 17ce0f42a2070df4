package handlers

import (
	"compress/gzip"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/go-chi/chi/v5/middleware"
	"github.com/go-chi/httprate"
)

// accessLog writes one structured line per request.
func accessLog(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
			next.ServeHTTP(ww, r)
			status := ww.Status()
			if status == 0 {
				status = http.StatusOK
			}
			// Our faults are errors; Spotify's or the database's being
			// unavailable (502, 503, 504) are warnings, logged with their
			// cause where they happen.
			level := slog.LevelInfo
			switch {
			case status == http.StatusBadGateway || status == http.StatusServiceUnavailable || status == http.StatusGatewayTimeout:
				level = slog.LevelWarn
			case status >= 500:
				level = slog.LevelError
			}
			log.LogAttrs(r.Context(), level, "request",
				requestAttrs(r),
				slog.Int("status", status),
				slog.Int("bytes", ww.BytesWritten()),
				slog.Duration("duration", time.Since(start)),
				slog.String("remote_ip", r.RemoteAddr),
			)
		})
	}
}

// knownMethods answers 501 to a method HTTP does not define, before
// anything else sees the request: Go's server takes any token as a method
// (64 KB of one, say), and nothing of Euterpe should keep, log or route
// one. HTTP's own methods go on (those no route takes get chi's 405).
func knownMethods(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
			http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusNotImplemented)
		_, _ = w.Write([]byte("Unknown method.\n"))
	})
}

// recoverer turns a panic into a generic 500 and one log line naming the
// request, without the stack trace (which can carry request data) and without
// ever showing the panic to the client.
func recoverer(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			defer func() {
				rec := recover()
				if rec == nil {
					return
				}
				if rec == http.ErrAbortHandler {
					panic(rec) // the server's own signal to drop the connection
				}
				log.ErrorContext(r.Context(), "panic while handling request", requestAttrs(r),
					"panic", fmt.Sprintf("%T", rec))
				if r.Header.Get("Connection") != "Upgrade" {
					w.Header().Set("Content-Type", "text/plain; charset=utf-8")
					w.Header().Set("Cache-Control", "no-store")
					w.WriteHeader(http.StatusInternalServerError)
					_, _ = w.Write([]byte("Something went wrong on our side. Please try again.\n"))
				}
			}()
			next.ServeHTTP(w, r)
		})
	}
}

// securityHeaders sets the headers every response carries. The CSP allows
// scripts, styles and connections only from this origin (htmx is served from
// the binary; there is no inline script or style), and images also from
// Spotify's image hosts (album art), which imageOrigins lists.
func securityHeaders(secure bool, imageOrigins []string) func(http.Handler) http.Handler {
	csp := strings.Join([]string{
		"default-src 'self'",
		"img-src 'self' data: " + strings.Join(imageOrigins, " "),
		"style-src 'self'",
		"script-src 'self'",
		"connect-src 'self'",
		"worker-src 'self'",
		"manifest-src 'self'",
		"form-action 'self'",
		"object-src 'none'",
		"base-uri 'none'",
		"frame-ancestors 'none'",
	}, "; ")
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h.Set("Content-Security-Policy", csp)
			h.Set("X-Content-Type-Options", "nosniff")
			// The OAuth code must never leave in a Referer header.
			h.Set("Referrer-Policy", "no-referrer")
			h.Set("X-Frame-Options", "DENY")
			h.Set("Cross-Origin-Opener-Policy", "same-origin")
			h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
			if secure {
				h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
			}
			next.ServeHTTP(w, r)
		})
	}
}

// compressibleTypes are the answers worth gzipping: every kind of text
// Euterpe sends. PNGs and zips are compressed already, and a stream of
// server-sent events must reach the client as it is written.
var compressibleTypes = []string{
	"text/html", "text/css", "text/javascript", "text/plain", "text/markdown",
	"application/json", "application/manifest+json", "image/svg+xml",
}

func compressible(contentType string) bool {
	t, _, _ := strings.Cut(contentType, ";")
	return slices.Contains(compressibleTypes, strings.TrimSpace(t))
}

// compress gzips those answers for clients that accept it, at the fastest
// level: pages and panels are made per request, and most of gzip's gain on
// them comes at level 1. Static files arrive already gzipped (staticFiles),
// and an answer with a Content-Encoding is left alone.
//
// Accept-Encoding is read here, weights included (chi's compressor sees only
// whether a name appears), and chi is then offered gzip or nothing.
func compress() func(http.Handler) http.Handler {
	gz := middleware.NewCompressor(gzip.BestSpeed, compressibleTypes...)
	return func(next http.Handler) http.Handler {
		zipped := gz.Handler(next)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if acceptsGzip(r.Header) {
				r.Header.Set("Accept-Encoding", "gzip")
			} else {
				r.Header.Del("Accept-Encoding")
			}
			zipped.ServeHTTP(w, r)
		})
	}
}

// jsonKey marks requests to the JSON API, so shared code (the login
// redirect, the rate limiter) answers them in JSON.
type jsonKey struct{}

func markJSON(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), jsonKey{}, true)))
	})
}

func wantsJSON(r *http.Request) bool {
	v, _ := r.Context().Value(jsonKey{}).(bool)
	return v
}

// limitBody caps request bodies: Euterpe's forms are a few bytes.
func limitBody(n int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.Body = http.MaxBytesReader(w, r.Body, n)
			next.ServeHTTP(w, r)
		})
	}
}

// perUserLimit caps each signed-in user's requests per minute.
func perUserLimit(perMinute int, rd *renderer, panel func(http.ResponseWriter, *http.Request) bool) func(http.Handler) http.Handler {
	return httprate.Limit(perMinute, time.Minute,
		httprate.WithKeyFuncs(func(r *http.Request) (string, error) {
			return principalFrom(r.Context()).UserID.String(), nil
		}),
		httprate.WithLimitHandler(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "60")
			if panel(w, r) {
				return
			}
			if wantsJSON(r) {
				writeJSON(w, http.StatusTooManyRequests, retryJSON{Error: "Too many requests. Try again in a minute.", RetryAfter: 60})
				return
			}
			rd.errorPage(w, r, errTooMany)
		}),
	)
}
