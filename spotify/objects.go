// Package spotify holds the Spotify Web API objects Euterpe decodes, and the
// small parsers that go with them (time ranges, release dates, image choice).
//
// The types follow the OpenAPI description in shared/spotify/openapi.yml, cut
// down to the fields Euterpe reads. Since February 2026 Spotify no longer sends
// several fields to Development-Mode apps (popularity, artist genres and
// followers, the user's email, country and product). Those fields are pointers,
// or slices whose nil value means "not sent", so that code downstream can tell
// "Spotify withheld this" from a real zero and never show a zero as data. The
// `omitzero` tags keep that difference when the objects are encoded again (by
// a cache or by the simulator): an absent field stays absent.
package spotify

import (
	"fmt"
	"time"
)

// Image is an ImageObject. Spotify sends null sizes for images it has not
// measured (user-uploaded playlist covers, some profile pictures).
type Image struct {
	URL    string `json:"url"`
	Width  *int   `json:"width"`
	Height *int   `json:"height"`
}

// ExternalURLs is an ExternalUrlObject; Spotify is its only key.
type ExternalURLs struct {
	Spotify string `json:"spotify,omitzero"`
}

// Followers is a FollowersObject. Only the total carries information: href is
// always null.
type Followers struct {
	Total int `json:"total"`
}

// User is the PrivateUserObject from GET /me.
type User struct {
	ID string `json:"id"`
	// DisplayName is nil when the user has not set one; see Name.
	DisplayName  *string      `json:"display_name"`
	Email        string       `json:"email,omitzero"`   // deprecated: absent in Development Mode
	Country      string       `json:"country,omitzero"` // deprecated: absent in Development Mode
	Product      string       `json:"product,omitzero"` // deprecated: absent in Development Mode
	Images       []Image      `json:"images"`
	ExternalURLs ExternalURLs `json:"external_urls"`
	URI          string       `json:"uri,omitzero"`
}

// Name is what to greet the user with: the display name when set, else the
// user id, which is all Spotify guarantees.
func (u User) Name() string {
	if u.DisplayName != nil && *u.DisplayName != "" {
		return *u.DisplayName
	}
	return u.ID
}

// SimplifiedArtist is a SimplifiedArtistObject, the artist as credited on a
// track or an album.
type SimplifiedArtist struct {
	ID           string       `json:"id"`
	Name         string       `json:"name"`
	URI          string       `json:"uri,omitzero"`
	Href         string       `json:"href,omitzero"`
	ExternalURLs ExternalURLs `json:"external_urls"`
}

// Artist is an ArtistObject, as listed by GET /me/top/artists.
type Artist struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Genres is nil when Spotify did not send the field (Development Mode)
	// and a non-nil, possibly empty slice when it did: an empty list means
	// Spotify has not classified the artist, which is data. encoding/json
	// keeps that difference on decode ("[]" gives an empty non-nil slice,
	// absence or null leaves nil) and omitzero keeps it on encode. Ask
	// GenresKnown rather than testing len.
	Genres       []string     `json:"genres,omitzero"`
	Popularity   *int         `json:"popularity,omitzero"` // deprecated: absent in Development Mode
	Followers    *Followers   `json:"followers,omitzero"`  // deprecated: absent in Development Mode
	Images       []Image      `json:"images"`
	URI          string       `json:"uri,omitzero"`
	Href         string       `json:"href,omitzero"`
	ExternalURLs ExternalURLs `json:"external_urls"`
}

// GenresKnown reports whether Spotify sent the artist's genres at all.
func (a Artist) GenresKnown() bool { return a.Genres != nil }

// SimplifiedAlbum is a SimplifiedAlbumObject, the album embedded in a track.
type SimplifiedAlbum struct {
	ID string `json:"id"`
	// AlbumType is "album", "single" or "compilation"; recordings from older
	// API versions have it in upper case, so compare with strings.EqualFold.
	AlbumType   string `json:"album_type"`
	Name        string `json:"name"`
	TotalTracks int    `json:"total_tracks,omitzero"`
	// ReleaseDate is "1981", "1981-12" or "1981-12-15" according to
	// ReleaseDatePrecision; read both through ReleaseDate.
	ReleaseDate          string             `json:"release_date"`
	ReleaseDatePrecision string             `json:"release_date_precision"`
	Images               []Image            `json:"images"`
	Artists              []SimplifiedArtist `json:"artists"`
	URI                  string             `json:"uri,omitzero"`
	Href                 string             `json:"href,omitzero"`
	ExternalURLs         ExternalURLs       `json:"external_urls"`
}

// Released parses the album's release date; see ParseReleaseDate.
func (a SimplifiedAlbum) Released() (ReleaseDate, error) {
	return ParseReleaseDate(a.ReleaseDate, a.ReleaseDatePrecision)
}

// Track is a TrackObject. In a playlist the same shape may describe a podcast
// episode or a local file; PlaylistItem.PlayableTrack filters those out.
type Track struct {
	ID           string             `json:"id"`
	Name         string             `json:"name"`
	DurationMS   int                `json:"duration_ms"`
	Popularity   *int               `json:"popularity,omitzero"` // deprecated: absent in Development Mode
	Album        SimplifiedAlbum    `json:"album"`
	Artists      []SimplifiedArtist `json:"artists"`
	Explicit     bool               `json:"explicit"`
	DiscNumber   int                `json:"disc_number,omitzero"`
	TrackNumber  int                `json:"track_number,omitzero"`
	IsLocal      bool               `json:"is_local"`
	Type         string             `json:"type,omitzero"` // "track", or "episode" inside playlists
	URI          string             `json:"uri"`
	Href         string             `json:"href,omitzero"`
	ExternalURLs ExternalURLs       `json:"external_urls"`
}

// Page is a PagingObject: one page of an offset-paged list. Next and Previous
// are nil on the last and the first page.
type Page[T any] struct {
	Href     string  `json:"href"`
	Items    []T     `json:"items"`
	Limit    int     `json:"limit"`
	Offset   int     `json:"offset"`
	Total    int     `json:"total"`
	Next     *string `json:"next"`
	Previous *string `json:"previous"`
}

// CursorPage is a CursorPagingObject, used by GET /me/player/recently-played.
// Spotify sends "cursors": null when the page is empty, hence the pointer.
type CursorPage[T any] struct {
	Href    string   `json:"href"`
	Items   []T      `json:"items"`
	Limit   int      `json:"limit"`
	Next    *string  `json:"next"`
	Cursors *Cursors `json:"cursors"`
	Total   int      `json:"total,omitzero"`
}

// Cursors holds the cursor values, Unix times in milliseconds as strings.
type Cursors struct {
	After  string `json:"after,omitzero"`
	Before string `json:"before,omitzero"`
}

// PlayHistory is a PlayHistoryObject, one play in the recently-played list.
type PlayHistory struct {
	Track    Track     `json:"track"`
	PlayedAt time.Time `json:"played_at"`
	// Context is nil when the track was not played from an album, playlist
	// or artist page; Spotify sends null although the OpenAPI says otherwise.
	Context *Context `json:"context"`
}

// Context is a ContextObject: where a play started.
type Context struct {
	Type         string       `json:"type"` // "album", "artist", "playlist", "show"
	URI          string       `json:"uri"`
	Href         string       `json:"href,omitzero"`
	ExternalURLs ExternalURLs `json:"external_urls"`
}

// SimplifiedPlaylist is a SimplifiedPlaylistObject from GET /me/playlists.
type SimplifiedPlaylist struct {
	ID            string        `json:"id"`
	Name          string        `json:"name"`
	Description   *string       `json:"description"`
	Owner         PlaylistOwner `json:"owner"`
	Public        *bool         `json:"public"` // null when the status does not apply
	Collaborative bool          `json:"collaborative"`
	// Images may be null as well as empty for playlists without a cover.
	Images     []Image `json:"images"`
	SnapshotID string  `json:"snapshot_id,omitzero"`
	// Items replaced Tracks in 2026; Spotify may send either, so read the
	// reference through ItemsRef.
	Items        *PlaylistItemsRef `json:"items,omitzero"`
	Tracks       *PlaylistItemsRef `json:"tracks,omitzero"`
	URI          string            `json:"uri,omitzero"`
	Href         string            `json:"href,omitzero"`
	ExternalURLs ExternalURLs      `json:"external_urls"`
}

// ItemsRef returns where the playlist's items are and how many there are,
// from the 2026 "items" field or else the deprecated "tracks" one; the zero
// value when neither was sent.
func (p SimplifiedPlaylist) ItemsRef() PlaylistItemsRef {
	switch {
	case p.Items != nil:
		return *p.Items
	case p.Tracks != nil:
		return *p.Tracks
	}
	return PlaylistItemsRef{}
}

// PlaylistItemsRef is a PlaylistTracksRefObject: a link to a playlist's items
// and their count.
type PlaylistItemsRef struct {
	Href  string `json:"href"`
	Total int    `json:"total"`
}

// PlaylistOwner is a PlaylistOwnerObject.
type PlaylistOwner struct {
	ID          string  `json:"id"`
	DisplayName *string `json:"display_name"`
	URI         string  `json:"uri,omitzero"`
}

// PlaylistUser is a PlaylistUserObject, the user who added an item.
type PlaylistUser struct {
	ID  string `json:"id"`
	URI string `json:"uri,omitzero"`
}

// PlaylistItem is a PlaylistTrackObject from GET /playlists/{id}/items.
type PlaylistItem struct {
	// AddedAt is the zero time when Spotify sends null (very old playlists).
	AddedAt time.Time     `json:"added_at,omitzero"`
	AddedBy *PlaylistUser `json:"added_by,omitzero"`
	IsLocal bool          `json:"is_local"`
	// Item replaced Track in 2026; either may be sent, and either may be
	// null for a track that is no longer available. Read them through
	// PlayableTrack.
	Item  *Track `json:"item,omitzero"`
	Track *Track `json:"track,omitzero"`
}

// PlayableTrack returns the item's Spotify track, or false when there is none
// to count: the item is null (no longer available), a local file (its id is
// not a Spotify id) or a podcast episode.
func (pi PlaylistItem) PlayableTrack() (Track, bool) {
	t := pi.Item
	if t == nil {
		t = pi.Track
	}
	if t == nil || pi.IsLocal || t.IsLocal || t.ID == "" {
		return Track{}, false
	}
	if t.Type != "" && t.Type != "track" {
		return Track{}, false
	}
	return *t, true
}

// PlaylistWithItems is a playlist with the ids of every track in it, gathered
// from all pages of its items (PlaylistTrackIDs builds the list).
type PlaylistWithItems struct {
	Playlist SimplifiedPlaylist
	TrackIDs []string
}

// PlaylistTrackIDs keeps the ids of the Spotify tracks among a playlist's
// items, skipping unavailable tracks, local files and episodes.
func PlaylistTrackIDs(items []PlaylistItem) []string {
	ids := make([]string, 0, len(items))
	for _, it := range items {
		if t, ok := it.PlayableTrack(); ok {
			ids = append(ids, t.ID)
		}
	}
	return ids
}

// Error is an ErrorObject, the body of every failed Web API call inside an
// ErrorResponse.
type Error struct {
	Status  int    `json:"status"`
	Message string `json:"message"`
	// RetryAfter is the Retry-After header of a 429, zero otherwise.
	RetryAfter time.Duration `json:"-"`
}

func (e *Error) Error() string {
	return fmt.Sprintf("spotify: %d %s", e.Status, e.Message)
}

// ErrorResponse is the envelope Spotify wraps an Error in: {"error": {...}}.
type ErrorResponse struct {
	Error Error `json:"error"`
}
