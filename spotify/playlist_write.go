package spotify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// MaxItemsPerAdd is the most items POST /playlists/{id}/items takes at once.
const MaxItemsPerAdd = 100

// NewPlaylist is the body of POST /me/playlists.
type NewPlaylist struct {
	Name        string `json:"name"`
	Description string `json:"description,omitzero"`
	// Public false makes a private playlist, which needs only the
	// playlist-modify-private scope. Spotify's default is public, so it is
	// always sent.
	Public bool `json:"public"`
}

// CreatePlaylist is POST /me/playlists, the 2026 endpoint (POST
// /users/{id}/playlists is gone): an empty playlist in the user's library.
// The answer is the full playlist; its id, name, snapshot and link are read.
func (c *Client) CreatePlaylist(ctx context.Context, p NewPlaylist) (SimplifiedPlaylist, error) {
	var out SimplifiedPlaylist
	if err := c.send(ctx, http.MethodPost, "/me/playlists", p, &out); err != nil {
		return out, err
	}
	if out.ID == "" {
		return out, fmt.Errorf("%w: created playlist without an id", ErrMalformed)
	}
	return out, nil
}

// AddPlaylistItems is POST /playlists/{id}/items (which replaced
// /tracks in 2026) with the tracks' URIs, in order, MaxItemsPerAdd a call.
// It returns the playlist's snapshot id after the last call.
func (c *Client) AddPlaylistItems(ctx context.Context, playlistID string, trackIDs []string) (string, error) {
	var snapshot string
	for start := 0; start < len(trackIDs); start += MaxItemsPerAdd {
		chunk := trackIDs[start:min(start+MaxItemsPerAdd, len(trackIDs))]
		uris := make([]string, len(chunk))
		for i, id := range chunk {
			uris[i] = "spotify:track:" + id
		}
		var res struct {
			SnapshotID string `json:"snapshot_id"`
		}
		if err := c.send(ctx, http.MethodPost, "/playlists/"+url.PathEscape(playlistID)+"/items", map[string]any{"uris": uris}, &res); err != nil {
			return snapshot, err
		}
		snapshot = res.SnapshotID
	}
	return snapshot, nil
}

// InsufficientScope reports whether err is Spotify refusing a call because
// the token lacks a scope (403 "Insufficient client scope").
func InsufficientScope(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Status == http.StatusForbidden && strings.Contains(strings.ToLower(e.Message), "scope")
}

// send makes one call with a JSON body (see call: a write is never
// repeated after a failure that may have taken effect).
func (c *Client) send(ctx context.Context, method, path string, body, into any) error {
	payload, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("spotify: encode request: %w", err)
	}
	return c.call(ctx, method, c.base+path, payload, into)
}
