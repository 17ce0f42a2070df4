package main

import (
	"io"
	"log/slog"
)

// newLogger writes JSON on Heroku (for log drains) and readable text
// elsewhere.
func newLogger(w io.Writer, onHeroku bool) *slog.Logger {
	if onHeroku {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}
