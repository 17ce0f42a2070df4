package social

import (
	"time"

	"github.com/euterpe-dev/euterpe/database"
	"github.com/euterpe-dev/euterpe/db"
	"github.com/euterpe-dev/euterpe/history"
	"github.com/euterpe-dev/euterpe/trends"
)

// Services are the sharing and friends services, built once for the app.
type Services struct {
	Shares    *Shares
	Reader    *ShareReader
	Friends   *Friends
	Comparer  *Comparer
	Playlists *Playlists
}

// NewServices builds them over the app's history and trends.
func NewServices(pool *database.Pool, h *history.Service, t *trends.Service, now func() time.Time) Services {
	return Services{
		Shares:    NewShares(pool, now),
		Reader:    NewShareReader(h, t, db.New(pool), now),
		Friends:   NewFriends(pool, now),
		Comparer:  NewComparer(h, now),
		Playlists: NewPlaylists(pool, now),
	}
}
