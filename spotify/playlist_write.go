package spotify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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

// send makes one call with a JSON body. As getURL, a 401 gets one retry
// with a fresh token (Spotify did nothing with a refused call, so sending
// it again is safe); any other answer is final: a write is never repeated
// after a failure that may have taken effect.
func (c *Client) send(ctx context.Context, method, path string, body, into any) error {
	payload, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("spotify: encode request: %w", err)
	}
	for attempt := 0; ; attempt++ {
		tok, err := c.token(ctx, attempt > 0)
		if err != nil {
			return err
		}
		err = c.doJSON(ctx, method, c.base+path, tok, payload, into)
		var apiErr *Error
		if errors.As(err, &apiErr) && apiErr.Status == http.StatusUnauthorized {
			if attempt == 0 {
				continue
			}
			if c.rejected != nil {
				return c.rejected(ctx)
			}
		}
		return err
	}
}

func (c *Client) doJSON(ctx context.Context, method, rawURL, token string, payload []byte, into any) error {
	req, err := http.NewRequestWithContext(ctx, method, rawURL, bytes.NewReader(payload))
	if err != nil {
		return fmt.Errorf("spotify: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	res, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("spotify: request failed: %w", redactURLError(err))
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, maxResponseBytes+1))
	if err != nil {
		return fmt.Errorf("spotify: reading response: %w", err)
	}
	if len(b) > maxResponseBytes {
		return fmt.Errorf("%w: larger than %d bytes", ErrMalformed, maxResponseBytes)
	}
	if res.StatusCode >= 300 {
		return responseError(res, b)
	}
	if into == nil || len(b) == 0 {
		return nil
	}
	if err := json.Unmarshal(b, into); err != nil {
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	return nil
}
