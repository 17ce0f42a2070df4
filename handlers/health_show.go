package handlers

import (
	"context"
	"net/http"
	"runtime"
	"time"

	"github.com/euterpe-dev/euterpe/database"
)

// healthJSON is /health's answer: the status for anyone, the rest for the
// operator's token only.
type healthJSON struct {
	Status        string `json:"status"`
	Database      string `json:"database"`
	Version       string `json:"version"`
	UptimeSeconds int64  `json:"uptime_seconds"`
	// Goroutines lets a fault drill see leaks from outside the process.
	Goroutines int       `json:"goroutines"`
	Pool       *poolJSON `json:"pool"`
}

// poolJSON is the database pool's state.
type poolJSON struct {
	MaxConns      int32 `json:"max_conns"`
	TotalConns    int32 `json:"total_conns"`
	AcquiredConns int32 `json:"acquired_conns"`
	IdleConns     int32 `json:"idle_conns"`
	// WaitedAcquires counts the acquires, since the start, that found no
	// idle connection; CanceledAcquires those given up while waiting.
	WaitedAcquires   int64 `json:"waited_acquires"`
	CanceledAcquires int64 `json:"canceled_acquires"`
	// BackPressure says whether the server refuses the pool more
	// connections (the pool then stops growing for a while) and how often
	// it has.
	BackPressure database.BackPressure `json:"back_pressure"`
}

// showHealth answers the platform's health checks. It never calls Spotify:
// Spotify being slow must not take our dynos out of rotation.
func (h *handler) showHealth(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	body := healthJSON{Status: "healthy", Database: "ok"}
	status := http.StatusOK
	if err := h.pool.Ping(ctx); err != nil {
		h.log.WarnContext(r.Context(), "health check: database unavailable", "err", err)
		body.Status, body.Database = "degraded", "unavailable"
		status = http.StatusServiceUnavailable
	}
	if !h.isOperator(r) {
		writeJSON(w, status, verdictJSON{Status: body.Status})
		return
	}
	st := h.pool.Stat()
	body.Version = h.version
	body.UptimeSeconds = int64(time.Since(h.started).Seconds())
	body.Goroutines = runtime.NumGoroutine()
	body.Pool = &poolJSON{MaxConns: st.MaxConns(), TotalConns: st.TotalConns(), AcquiredConns: st.AcquiredConns(),
		IdleConns: st.IdleConns(), WaitedAcquires: st.EmptyAcquireCount(), CanceledAcquires: st.CanceledAcquireCount(),
		BackPressure: h.pool.State()}
	writeJSON(w, status, body)
}
