package handlers

import (
	"context"
	"net/http"
	"runtime"
	"time"
)

// healthJSON is /health's answer.
type healthJSON struct {
	Status        string `json:"status"`
	Database      string `json:"database"`
	Version       string `json:"version"`
	UptimeSeconds int64  `json:"uptime_seconds"`
	// Goroutines lets a fault drill see leaks from outside the process.
	Goroutines int `json:"goroutines"`
}

// showHealth answers the platform's health checks. It never calls Spotify:
// Spotify being slow must not take our dynos out of rotation.
func (h *handler) showHealth(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	body := healthJSON{
		Status:        "healthy",
		Database:      "ok",
		Version:       h.version,
		UptimeSeconds: int64(time.Since(h.started).Seconds()),
		Goroutines:    runtime.NumGoroutine(),
	}
	status := http.StatusOK
	if err := h.pool.Ping(ctx); err != nil {
		h.log.WarnContext(r.Context(), "health check: database unavailable", "err", err)
		body.Status, body.Database = "degraded", "unavailable"
		status = http.StatusServiceUnavailable
	}
	writeJSON(w, status, body)
}
