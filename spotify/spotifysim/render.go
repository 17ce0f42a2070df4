package spotifysim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// basePH stands for the scheme and host of the request in pre-rendered JSON.
// Catalog objects are marshalled once at start-up; each response replaces the
// placeholder with the request's own base URL so that hrefs, next links and
// image URLs point back at whichever address the client used.
const basePH = "@@SIMBASE@@"

// Shapes follow components/schemas in shared/spotify/openapi.yml. Fields that
// the document marks deprecated (removed for Development-Mode apps) are
// pointers or omitempty so that development mode can leave them out.

type externalURLs struct {
	Spotify string `json:"spotify"`
}

type imageJSON struct {
	URL    string `json:"url"`
	Height *int   `json:"height"`
	Width  *int   `json:"width"`
}

type followersJSON struct {
	Href  *string `json:"href"` // always null, as Spotify sends it
	Total int     `json:"total"`
}

type simpleArtistJSON struct {
	ExternalURLs externalURLs `json:"external_urls"`
	Href         string       `json:"href"`
	ID           string       `json:"id"`
	Name         string       `json:"name"`
	Type         string       `json:"type"`
	URI          string       `json:"uri"`
}

type artistJSON struct {
	ExternalURLs externalURLs   `json:"external_urls"`
	Followers    *followersJSON `json:"followers,omitempty"` // deprecated
	Genres       []string       `json:"genres,omitempty"`    // deprecated; every generated artist has at least one genre
	Href         string         `json:"href"`
	ID           string         `json:"id"`
	Images       []imageJSON    `json:"images"`
	Name         string         `json:"name"`
	Popularity   *int           `json:"popularity,omitempty"` // deprecated
	Type         string         `json:"type"`
	URI          string         `json:"uri"`
}

type simpleAlbumJSON struct {
	AlbumType            string             `json:"album_type"`
	TotalTracks          int                `json:"total_tracks"`
	AvailableMarkets     []string           `json:"available_markets,omitempty"` // deprecated
	ExternalURLs         externalURLs       `json:"external_urls"`
	Href                 string             `json:"href"`
	ID                   string             `json:"id"`
	Images               []imageJSON        `json:"images"`
	Name                 string             `json:"name"`
	ReleaseDate          string             `json:"release_date"`
	ReleaseDatePrecision string             `json:"release_date_precision"`
	Type                 string             `json:"type"`
	URI                  string             `json:"uri"`
	Artists              []simpleArtistJSON `json:"artists"`
}

type trackJSON struct {
	Album            json.RawMessage    `json:"album"`
	Artists          []simpleArtistJSON `json:"artists"`
	AvailableMarkets []string           `json:"available_markets,omitempty"` // deprecated
	DiscNumber       int                `json:"disc_number"`
	DurationMS       int                `json:"duration_ms"`
	Explicit         bool               `json:"explicit"`
	ExternalIDs      map[string]string  `json:"external_ids"`
	ExternalURLs     externalURLs       `json:"external_urls"`
	Href             string             `json:"href"`
	ID               string             `json:"id"`
	IsLocal          bool               `json:"is_local"`
	Name             string             `json:"name"`
	Popularity       *int               `json:"popularity,omitempty"` // deprecated
	// PreviewURL is deprecated; in extended mode it is present and null, as
	// Spotify has sent for nearly every track since late 2024.
	PreviewURL  *json.RawMessage `json:"preview_url,omitempty"`
	TrackNumber int              `json:"track_number"`
	Type        string           `json:"type"`
	URI         string           `json:"uri"`
}

// markets is a short, fixed stand-in for the ~185 markets Spotify lists.
var markets = []string{"AR", "AU", "BR", "CA", "DE", "ES", "FR", "GB", "IE", "IN", "IT", "JP", "MX", "NL", "NO", "PL", "SE", "US", "ZA"}

func intp(v int) *int { return &v }

func apiURL(path string) string { return basePH + "/v1/" + path }

func openURL(kind, id string) externalURLs {
	return externalURLs{Spotify: "https://open.spotify.com/" + kind + "/" + id}
}

func images(kind, id string, sizes ...int) []imageJSON {
	out := make([]imageJSON, 0, len(sizes))
	for _, s := range sizes {
		out = append(out, imageJSON{URL: imageURL(kind, id, s), Height: intp(s), Width: intp(s)})
	}
	return out
}

func imageURL(kind, id string, size int) string {
	return basePH + "/image/" + kind + "/" + id + "/" + strconv.Itoa(size)
}

// Sizes Spotify serves: album covers at 640/300/64, artist pictures at
// 640/320/160, profile pictures at 300/64.
var (
	albumSizes  = []int{640, 300, 64}
	artistSizes = []int{640, 320, 160}
	userSizes   = []int{300, 64}
)

func simpleArtist(a *artist) simpleArtistJSON {
	return simpleArtistJSON{
		ExternalURLs: openURL("artist", a.id),
		Href:         apiURL("artists/" + a.id),
		ID:           a.id,
		Name:         a.name,
		Type:         "artist",
		URI:          "spotify:artist:" + a.id,
	}
}

func simpleArtists(as []*artist) []simpleArtistJSON {
	out := make([]simpleArtistJSON, len(as))
	for i, a := range as {
		out[i] = simpleArtist(a)
	}
	return out
}

// render pre-marshals every catalog object for the server's mode.
func (c *catalog) render(dev bool) error {
	for _, a := range c.artists {
		aj := artistJSON{
			ExternalURLs: openURL("artist", a.id),
			Href:         apiURL("artists/" + a.id),
			ID:           a.id,
			Images:       images("artist", a.id, artistSizes...),
			Name:         a.name,
			Type:         "artist",
			URI:          "spotify:artist:" + a.id,
		}
		if !dev {
			aj.Followers = &followersJSON{Total: a.followers}
			aj.Genres = a.genres
			aj.Popularity = intp(a.popularity)
		}
		var err error
		if a.full, err = marshal(aj); err != nil {
			return fmt.Errorf("spotifysim: render artist %s: %w", a.id, err)
		}
		if a.simple, err = marshal(simpleArtist(a)); err != nil {
			return fmt.Errorf("spotifysim: render artist %s: %w", a.id, err)
		}
	}
	for _, al := range c.albums {
		aj := simpleAlbumJSON{
			AlbumType:            al.albumType,
			TotalTracks:          len(al.tracks),
			ExternalURLs:         openURL("album", al.id),
			Href:                 apiURL("albums/" + al.id),
			ID:                   al.id,
			Images:               images("album", al.id, albumSizes...),
			Name:                 al.name,
			ReleaseDate:          al.releaseDate,
			ReleaseDatePrecision: al.precision,
			Type:                 "album",
			URI:                  "spotify:album:" + al.id,
			Artists:              simpleArtists(al.artists),
		}
		if !dev {
			aj.AvailableMarkets = markets
		}
		var err error
		if al.simple, err = marshal(aj); err != nil {
			return fmt.Errorf("spotifysim: render album %s: %w", al.id, err)
		}
	}
	c.userRefs = map[string][]byte{}
	for id := range c.users {
		v, err := marshal(playlistUser(id))
		if err != nil {
			return fmt.Errorf("spotifysim: render user %s: %w", id, err)
		}
		c.userRefs[id] = v
	}
	null := json.RawMessage("null")
	for _, t := range c.tracks {
		tj := trackJSON{
			Album:        t.album.simple,
			Artists:      simpleArtists(t.artists),
			DiscNumber:   t.discNumber,
			DurationMS:   t.durationMS,
			Explicit:     t.explicit,
			ExternalIDs:  map[string]string{"isrc": t.isrc},
			ExternalURLs: openURL("track", t.id),
			Href:         apiURL("tracks/" + t.id),
			ID:           t.id,
			Name:         t.name,
			TrackNumber:  t.trackNumber,
			Type:         "track",
			URI:          "spotify:track:" + t.id,
		}
		if !dev {
			tj.AvailableMarkets = markets
			tj.Popularity = intp(t.popularity)
			tj.PreviewURL = &null
		}
		var err error
		if t.full, err = marshal(tj); err != nil {
			return fmt.Errorf("spotifysim: render track %s: %w", t.id, err)
		}
	}
	return nil
}

// marshal is json.Marshal without HTML escaping: Spotify sends "&" in URLs
// as is, not as \u0026.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// jsonBuf builds a response from pre-rendered fragments.
type jsonBuf struct{ bytes.Buffer }

func (b *jsonBuf) raw(s string)  { b.WriteString(s) }
func (b *jsonBuf) frag(p []byte) { b.Write(p) }
func (b *jsonBuf) str(s string)  { v, _ := marshal(s); b.Write(v) }
func (b *jsonBuf) int(n int64)   { b.WriteString(strconv.FormatInt(n, 10)) }

// timestamp formats like Spotify's played_at and added_at.
func timestamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

func timestampMS(ms int64) string {
	return time.UnixMilli(ms).UTC().Format("2006-01-02T15:04:05.000Z")
}
