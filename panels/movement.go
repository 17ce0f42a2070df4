package panels

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/euterpe-dev/euterpe/analytics"
	"github.com/euterpe-dev/euterpe/spotify"
	"github.com/euterpe-dev/euterpe/trends"
	"github.com/euterpe-dev/euterpe/upstream"
	"github.com/euterpe-dev/euterpe/views"
)

// MovingSong is a top song and its move since the snapshots of a week and
// a month before (each null when no snapshot that old is kept). In JSON the
// song's fields are as /top_songs always sent them, with "movement" added.
type MovingSong struct {
	analytics.Song
	Movement trends.Movement `json:"movement"`
}

// MovingArtist is a top artist and its move, as MovingSong.
type MovingArtist struct {
	analytics.ArtistRow
	Movement trends.Movement `json:"movement"`
}

// spotifyIDs are the items' ids in Spotify's order.
func spotifyIDs[T spotify.Track | spotify.Artist](items []T) []string {
	out := make([]string, len(items))
	for i, it := range items {
		switch v := any(it).(type) {
		case spotify.Track:
			out[i] = v.ID
		case spotify.Artist:
			out[i] = v.ID
		}
	}
	return out
}

// movementTTL is how long the moves of one live list are kept: as long as
// the list itself (upstream's cache), so near the user's midnight they may
// be a list's lifetime late to compare with the new day's snapshots.
const movementTTL = 5 * time.Minute

// movementKey names the moves of list as Spotify gave it (its ids in rank
// order): another order is another list.
func movementKey(list trends.List, ids []string) string {
	h := sha256.Sum256([]byte(strings.Join(ids, ",")))
	return "movement\x00" + list.String() + "\x00" + hex.EncodeToString(h[:16])
}

// movement is the move of each of a live top list's items, by Spotify id.
// The arrows are an addition to Spotify's list: when the snapshots cannot
// be read the list is shown without them, and the reason logged.
func (in DashboardInput) movement(ctx context.Context, list trends.List, items any) map[string]trends.Movement {
	var ids []string
	switch v := items.(type) {
	case []spotify.Track:
		ids = spotifyIDs(v)
	case []spotify.Artist:
		ids = spotifyIDs(v)
	}
	userID, err := uuid.Parse(in.Listener.UserID)
	if err != nil || len(ids) == 0 {
		return nil
	}
	// The moves change once a day (the snapshots compared with are a week
	// and a month old), so they are kept with the list they were computed
	// for, as long as that list: a warm panel reads no snapshot.
	moves, err := upstream.FetchFor(ctx, in.env.source.Cache(), in.Listener.UserID, movementKey(list, ids), movementTTL,
		func(ctx context.Context) ([]trends.Movement, error) {
			return in.env.snapshots.Movement(ctx, userID, list, ids)
		})
	if err != nil {
		if ctx.Err() == nil {
			in.env.log.WarnContext(ctx, "top list shown without movement", "list", list.String(), "err", err)
		}
		return nil
	}
	out := make(map[string]trends.Movement, len(ids))
	for i, id := range ids {
		// A list may name an item twice (Spotify's duplicates): its
		// first place counts, as the ranks analytics shows.
		if _, dup := out[id]; !dup {
			out[id] = moves[i]
		}
	}
	return out
}

func movingSongs(songs []analytics.Song, moves map[string]trends.Movement) []MovingSong {
	out := make([]MovingSong, len(songs))
	for i, s := range songs {
		out[i] = MovingSong{Song: s, Movement: moves[s.ID]}
	}
	return out
}

func movingArtists(artists []analytics.ArtistRow, moves map[string]trends.Movement) []MovingArtist {
	out := make([]MovingArtist, len(artists))
	for i, a := range artists {
		out[i] = MovingArtist{ArtistRow: a, Movement: moves[a.ID]}
	}
	return out
}

func songsOf(ms []MovingSong) []analytics.Song {
	out := make([]analytics.Song, len(ms))
	for i, m := range ms {
		out[i] = m.Song
	}
	return out
}

func artistsOf(ms []MovingArtist) []analytics.ArtistRow {
	out := make([]analytics.ArtistRow, len(ms))
	for i, m := range ms {
		out[i] = m.ArtistRow
	}
	return out
}

func movesOfSongs(ms []MovingSong) views.Moves {
	out := views.Moves{}
	for _, m := range ms {
		out[m.ID] = m.Movement
	}
	return out
}

func movesOfArtists(ms []MovingArtist) views.Moves {
	out := views.Moves{}
	for _, m := range ms {
		out[m.ID] = m.Movement
	}
	return out
}
