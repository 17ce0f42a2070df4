package spotifysim

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Bad-parameter messages, as Spotify words them.
const (
	msgInvalidLimit     = "Invalid limit"
	msgInvalidOffset    = "Invalid offset"
	msgInvalidTimeRange = "Invalid time range"
)

// paging is a validated limit/offset pair.
type paging struct{ limit, offset int }

// maxOffset is Spotify's documented ceiling for offsets.
const maxOffset = 100_000

// Page-size ceilings of the playlist endpoints, as openapi.yml documents
// them: the shared QueryLimit (50) for /items, 100 for the older /tracks.
const (
	maxItemsLimit  = 50
	maxTracksLimit = 100
)

func parsePaging(q url.Values, def, maxLimit int) (paging, string) {
	p := paging{limit: def}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxLimit {
			return p, msgInvalidLimit
		}
		p.limit = n
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > maxOffset {
			return p, msgInvalidOffset
		}
		p.offset = n
	}
	return p, ""
}

func pageURL(path string, extra url.Values, limit, offset int) string {
	q := url.Values{}
	for k, v := range extra {
		q[k] = v
	}
	q.Set("limit", strconv.Itoa(limit))
	q.Set("offset", strconv.Itoa(offset))
	return basePH + path + "?" + q.Encode()
}

// writePage writes a PagingObject: absolute href/next/previous, null at the
// ends, as Spotify does.
func writePage(b *jsonBuf, path string, extra url.Values, p paging, total int, item func(i int)) {
	b.raw(`{"href":`)
	b.str(pageURL(path, extra, p.limit, p.offset))
	b.raw(`,"items":[`)
	end := min(total, p.offset+p.limit)
	for i := p.offset; i < end; i++ {
		if i > p.offset {
			b.raw(",")
		}
		item(i)
	}
	b.raw(`],"limit":`)
	b.int(int64(p.limit))
	b.raw(`,"next":`)
	if p.offset+p.limit < total {
		b.str(pageURL(path, extra, p.limit, p.offset+p.limit))
	} else {
		b.raw("null")
	}
	b.raw(`,"offset":`)
	b.int(int64(p.offset))
	b.raw(`,"previous":`)
	if p.offset > 0 {
		b.str(pageURL(path, extra, p.limit, max(0, min(p.offset, total)-p.limit)))
	} else {
		b.raw("null")
	}
	b.raw(`,"total":`)
	b.int(int64(total))
	b.raw("}")
}

type userJSON struct {
	AccountID       string         `json:"account_id"`
	Country         string         `json:"country,omitempty"` // deprecated
	DisplayName     string         `json:"display_name"`
	Email           string         `json:"email,omitempty"` // deprecated
	ExplicitContent *explicitJSON  `json:"explicit_content,omitempty"`
	ExternalURLs    externalURLs   `json:"external_urls"`
	Followers       *followersJSON `json:"followers,omitempty"` // deprecated
	Href            string         `json:"href"`
	ID              string         `json:"id"`
	Images          []imageJSON    `json:"images"`
	Product         string         `json:"product,omitempty"` // deprecated
	Type            string         `json:"type"`
	URI             string         `json:"uri"`
}

type explicitJSON struct {
	FilterEnabled bool `json:"filter_enabled"`
	FilterLocked  bool `json:"filter_locked"`
}

// getMe is GET /v1/me. It needs no scope; email needs user-read-email and
// country, product and explicit_content need user-read-private. Development
// mode drops all four and followers, as Spotify does since February 2026.
func (s *Server) getMe(w http.ResponseWriter, r *http.Request, c caller) {
	u := userJSON{
		AccountID:    c.l.accountID,
		DisplayName:  c.l.displayName,
		ExternalURLs: openURL("user", c.l.id),
		Href:         apiURL("users/" + c.l.id),
		ID:           c.l.id,
		Images:       images("user", c.l.id, userSizes...),
		Type:         "user",
		URI:          "spotify:user:" + c.l.id,
	}
	if !s.dev {
		u.Followers = &followersJSON{Total: c.l.followers}
		if c.scopes.has(scopeReadEmail) {
			u.Email = c.l.email
		}
		if c.scopes.has(scopeReadPrivate) {
			u.Country, u.Product = c.l.country, c.l.product
			u.ExplicitContent = &explicitJSON{}
		}
	}
	body, err := marshal(u)
	if err != nil {
		writeAPIError(w, http.StatusInternalServerError, "Server error")
		return
	}
	writeJSONBody(w, r, http.StatusOK, body)
}

func (s *Server) topParams(w http.ResponseWriter, r *http.Request, c caller) (tr int, p paging, ok bool) {
	if !c.scopes.has(scopeTopRead) {
		writeAPIError(w, http.StatusForbidden, msgInsufficientScope)
		return 0, p, false
	}
	q := r.URL.Query()
	tr, valid := parseTimeRange(q.Get("time_range"))
	if !valid {
		writeAPIError(w, http.StatusBadRequest, msgInvalidTimeRange)
		return 0, p, false
	}
	p, msg := parsePaging(q, 20, 50)
	if msg != "" {
		writeAPIError(w, http.StatusBadRequest, msg)
		return 0, p, false
	}
	return tr, p, true
}

// getTopTracks is GET /v1/me/top/tracks.
func (s *Server) getTopTracks(w http.ResponseWriter, r *http.Request, c caller) {
	tr, p, ok := s.topParams(w, r, c)
	if !ok {
		return
	}
	list := s.todayTops(c.l).tracks[tr]
	var b jsonBuf
	writePage(&b, "/v1/me/top/tracks", url.Values{"time_range": {timeRangeNames[tr]}}, p, len(list),
		func(i int) { b.frag(list[i].full) })
	writeJSONBody(w, r, http.StatusOK, b.Bytes())
}

// getTopArtists is GET /v1/me/top/artists.
func (s *Server) getTopArtists(w http.ResponseWriter, r *http.Request, c caller) {
	tr, p, ok := s.topParams(w, r, c)
	if !ok {
		return
	}
	list := s.todayTops(c.l).artists[tr]
	var b jsonBuf
	writePage(&b, "/v1/me/top/artists", url.Values{"time_range": {timeRangeNames[tr]}}, p, len(list),
		func(i int) { b.frag(list[i].full) })
	writeJSONBody(w, r, http.StatusOK, b.Bytes())
}

// recentWindow is how many plays Spotify keeps reachable through
// recently-played: the last 50, whatever the cursors.
const recentWindow = 50

// getRecentlyPlayed is GET /v1/me/player/recently-played, a cursor-paged
// list, newest first, over the last 50 plays at or before the simulator's
// now: older plays are out of reach, as on Spotify. Without a cursor it
// returns the newest plays and a next link that walks back with before=;
// with after= it returns the plays just after that moment and a next link
// that walks forward with after=, so a client that syncs incrementally, often
// enough that 50 plays do not pass between two syncs, never skips a play.
func (s *Server) getRecentlyPlayed(w http.ResponseWriter, r *http.Request, c caller) {
	if !c.scopes.has(scopeRecentlyPlayed) {
		writeAPIError(w, http.StatusForbidden, msgInsufficientScope)
		return
	}
	q := r.URL.Query()
	limit := 20
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 50 {
			writeAPIError(w, http.StatusBadRequest, msgInvalidLimit)
			return
		}
		limit = n
	}
	parseMS := func(name string) (int64, bool, bool) {
		v := q.Get(name)
		if v == "" {
			return 0, false, true
		}
		n, err := strconv.ParseInt(v, 10, 64)
		return n, true, err == nil && n >= 0
	}
	after, hasAfter, okA := parseMS("after")
	before, hasBefore, okB := parseMS("before")
	switch {
	case !okA:
		writeAPIError(w, http.StatusBadRequest, "Invalid after")
		return
	case !okB:
		writeAPIError(w, http.StatusBadRequest, "Invalid before")
		return
	case hasAfter && hasBefore:
		writeAPIError(w, http.StatusBadRequest, "Only one of after or before may be specified")
		return
	}

	window := s.recentPlays(c.l, s.now().UnixMilli(), recentWindow) // ascending

	var page []play // ascending
	more := false
	switch {
	case hasAfter:
		i := sort.Search(len(window), func(i int) bool { return window[i].playedAt > after })
		cand := window[i:]
		page, more = cand[:min(limit, len(cand))], len(cand) > limit
	case hasBefore:
		i := sort.Search(len(window), func(i int) bool { return window[i].playedAt >= before })
		cand := window[:i]
		page, more = cand[max(0, len(cand)-limit):], len(cand) > limit
	default:
		page, more = window[max(0, len(window)-limit):], len(window) > limit
	}

	self := url.Values{"limit": {strconv.Itoa(limit)}}
	if hasAfter {
		self.Set("after", strconv.FormatInt(after, 10))
	}
	if hasBefore {
		self.Set("before", strconv.FormatInt(before, 10))
	}
	var b jsonBuf
	b.raw(`{"items":[`)
	for i := len(page) - 1; i >= 0; i-- {
		if i < len(page)-1 {
			b.raw(",")
		}
		writePlayHistory(&b, page[i])
	}
	b.raw(`],"next":`)
	if more && len(page) > 0 {
		next := url.Values{"limit": {strconv.Itoa(limit)}}
		if hasAfter {
			next.Set("after", strconv.FormatInt(page[len(page)-1].playedAt, 10))
		} else {
			next.Set("before", strconv.FormatInt(page[0].playedAt, 10))
		}
		b.str(basePH + "/v1/me/player/recently-played?" + next.Encode())
	} else {
		b.raw("null")
	}
	b.raw(`,"cursors":`)
	if len(page) == 0 {
		b.raw("null")
	} else {
		b.raw(`{"after":`)
		b.str(strconv.FormatInt(page[len(page)-1].playedAt, 10))
		b.raw(`,"before":`)
		b.str(strconv.FormatInt(page[0].playedAt, 10))
		b.raw("}")
	}
	b.raw(`,"limit":`)
	b.int(int64(limit))
	b.raw(`,"href":`)
	b.str(basePH + "/v1/me/player/recently-played?" + self.Encode())
	b.raw("}")
	writeJSONBody(w, r, http.StatusOK, b.Bytes())
}

// writePlayHistory writes a PlayHistoryObject, a recently-played item.
func writePlayHistory(b *jsonBuf, pl play) {
	b.raw(`{"track":`)
	b.frag(pl.track.full)
	b.raw(`,"played_at":`)
	b.str(timestampMS(pl.playedAt))
	b.raw(`,"context":`)
	// Spotify sends "context": null for plays that did not start from an
	// album, playlist or artist page; the OpenAPI document does not mark
	// the field nullable (a known strictness issue, see its README).
	if pl.context == nil {
		b.raw("null")
	} else {
		writeContext(b, pl.context)
	}
	b.raw("}")
}

func writeContext(b *jsonBuf, pc *playContext) {
	plural := map[string]string{"album": "albums", "playlist": "playlists", "artist": "artists"}[pc.kind]
	b.raw(`{"type":`)
	b.str(pc.kind)
	b.raw(`,"href":`)
	b.str(apiURL(plural + "/" + pc.id))
	b.raw(`,"external_urls":{"spotify":`)
	b.str("https://open.spotify.com/" + pc.kind + "/" + pc.id)
	b.raw(`},"uri":`)
	b.str("spotify:" + pc.kind + ":" + pc.id)
	b.raw("}")
}

// Playlists.

type ownerJSON struct {
	DisplayName  *string      `json:"display_name"`
	ExternalURLs externalURLs `json:"external_urls"`
	Href         string       `json:"href"`
	ID           string       `json:"id"`
	Type         string       `json:"type"`
	URI          string       `json:"uri"`
}

type playlistUserJSON struct {
	ExternalURLs externalURLs `json:"external_urls"`
	Href         string       `json:"href"`
	ID           string       `json:"id"`
	Type         string       `json:"type"`
	URI          string       `json:"uri"`
}

type refJSON struct {
	Href  string `json:"href"`
	Total int    `json:"total"`
}

type simplePlaylistJSON struct {
	Collaborative bool         `json:"collaborative"`
	Description   string       `json:"description"`
	ExternalURLs  externalURLs `json:"external_urls"`
	Href          string       `json:"href"`
	ID            string       `json:"id"`
	Images        []imageJSON  `json:"images"`
	Name          string       `json:"name"`
	Owner         ownerJSON    `json:"owner"`
	Public        bool         `json:"public"`
	SnapshotID    string       `json:"snapshot_id"`
	Items         refJSON      `json:"items"`
	Tracks        *refJSON     `json:"tracks,omitempty"` // deprecated: renamed to items
	Type          string       `json:"type"`
	URI           string       `json:"uri"`
}

func owner(u user) ownerJSON {
	name := u.displayName
	return ownerJSON{
		DisplayName:  &name,
		ExternalURLs: openURL("user", u.id),
		Href:         apiURL("users/" + u.id),
		ID:           u.id,
		Type:         "user",
		URI:          "spotify:user:" + u.id,
	}
}

func playlistUser(id string) playlistUserJSON {
	return playlistUserJSON{
		ExternalURLs: openURL("user", id),
		Href:         apiURL("users/" + id),
		ID:           id,
		Type:         "user",
		URI:          "spotify:user:" + id,
	}
}

// snapshotID changes with every modification, like Spotify's.
func snapshotID(p *playlist) string {
	sum := sha256.Sum256([]byte(p.id + "/" + strconv.Itoa(p.version)))
	var b [24]byte
	binary.BigEndian.PutUint64(b[:8], uint64(p.version))
	copy(b[8:], sum[:16])
	return base64.StdEncoding.EncodeToString(b[:])
}

func playlistImages(p *playlist) []imageJSON {
	if len(p.items) == 0 {
		return []imageJSON{} // Spotify has no mosaic for an empty playlist
	}
	return images("playlist", p.id, 640)
}

// simplePlaylistLocked renders a SimplifiedPlaylistObject; the caller holds
// s.mu.
func (s *Server) simplePlaylistLocked(p *playlist) simplePlaylistJSON {
	sp := simplePlaylistJSON{
		Collaborative: p.collaborative,
		Description:   p.description,
		ExternalURLs:  openURL("playlist", p.id),
		Href:          apiURL("playlists/" + p.id),
		ID:            p.id,
		Images:        playlistImages(p),
		Name:          p.name,
		Owner:         owner(p.owner),
		Public:        p.public,
		SnapshotID:    snapshotID(p),
		Items:         refJSON{Href: apiURL("playlists/" + p.id + "/items"), Total: len(p.items)},
		Type:          "playlist",
		URI:           "spotify:playlist:" + p.id,
	}
	if !s.dev {
		sp.Tracks = &refJSON{Href: apiURL("playlists/" + p.id + "/tracks"), Total: len(p.items)}
	}
	return sp
}

// getMyPlaylists is GET /v1/me/playlists: owned and followed, newest first.
func (s *Server) getMyPlaylists(w http.ResponseWriter, r *http.Request, c caller) {
	if !c.scopes.has(scopePlaylistRead) {
		writeAPIError(w, http.StatusForbidden, msgInsufficientScope)
		return
	}
	p, msg := parsePaging(r.URL.Query(), 20, 50)
	if msg != "" {
		writeAPIError(w, http.StatusBadRequest, msg)
		return
	}
	var b jsonBuf
	s.mu.RLock()
	lib := c.l.library
	var err error
	writePage(&b, "/v1/me/playlists", nil, p, len(lib), func(i int) {
		v, e := marshal(s.simplePlaylistLocked(lib[i]))
		if e != nil {
			err = e
		}
		b.frag(v)
	})
	s.mu.RUnlock()
	if err != nil {
		writeAPIError(w, http.StatusInternalServerError, "Server error")
		return
	}
	writeJSONBody(w, r, http.StatusOK, b.Bytes())
}

func (p *playlist) editableBy(id string) bool { return p.owner.id == id || p.collaborators[id] }

// visibleToLocked reports whether the listener may see the playlist at all:
// their own, shared with them, public, or followed.
func (s *Server) visibleToLocked(p *playlist, l *listenerState) bool {
	if p.public || p.editableBy(l.id) {
		return true
	}
	for _, q := range l.library {
		if q == p {
			return true
		}
	}
	return false
}

// lookupPlaylistLocked resolves {id}, answering 400/404 itself when it
// cannot.
func (s *Server) lookupPlaylistLocked(w http.ResponseWriter, r *http.Request, l *listenerState) *playlist {
	id := r.PathValue("id")
	if !isBase62ID(id) {
		writeAPIError(w, http.StatusBadRequest, msgInvalidID)
		return nil
	}
	p := s.cat.playlists[id]
	if p == nil || !s.visibleToLocked(p, l) {
		// Spotify does not reveal that a private playlist exists.
		writeAPIError(w, http.StatusNotFound, msgNotFound)
		return nil
	}
	return p
}

// writePlaylistItem writes a PlaylistTrackObject. Extended mode sends both
// item and its deprecated alias track; development mode only item.
func (s *Server) writePlaylistItem(b *jsonBuf, it playlistItem) {
	b.raw(`{"added_at":`)
	b.str(timestamp(it.addedAt))
	b.raw(`,"added_by":`)
	if ref := s.cat.userRefs[it.addedBy]; ref != nil {
		b.frag(ref)
	} else {
		v, _ := marshal(playlistUser(it.addedBy))
		b.frag(v)
	}
	b.raw(`,"is_local":false,"item":`)
	b.frag(it.track.full)
	if !s.dev {
		b.raw(`,"track":`)
		b.frag(it.track.full)
	}
	b.raw("}")
}

// getPlaylistItems serves GET /v1/playlists/{id}/items and its older name
// /tracks.
//
// /items: openapi.yml documents that it answers only for playlists the
// listener owns or collaborates on, 403 otherwise, with no difference
// between modes, so both modes do that.
//
// /tracks is marked deprecated: Spotify removed it for Development-Mode apps
// in March 2026 and answers them 403 {"status":403,"message":"Forbidden"}
// (it is renamed, not gone, so not 404). Extended-quota apps keep its old
// behaviour: any playlist they can see, up to 100 items a page.
func (s *Server) getPlaylistItems(legacy bool) apiHandler {
	return func(w http.ResponseWriter, r *http.Request, c caller) {
		if legacy && s.dev {
			writeAPIError(w, http.StatusForbidden, msgForbidden)
			return
		}
		if !c.scopes.has(scopePlaylistRead) {
			writeAPIError(w, http.StatusForbidden, msgInsufficientScope)
			return
		}
		maxLimit := maxItemsLimit
		if legacy {
			maxLimit = maxTracksLimit
		}
		p, msg := parsePaging(r.URL.Query(), 20, maxLimit)
		if msg != "" {
			writeAPIError(w, http.StatusBadRequest, msg)
			return
		}
		var b jsonBuf
		s.mu.RLock()
		pl := s.lookupPlaylistLocked(w, r, c.l)
		if pl == nil {
			s.mu.RUnlock()
			return
		}
		if !legacy && !pl.editableBy(c.l.id) {
			s.mu.RUnlock()
			writeAPIError(w, http.StatusForbidden, msgForbidden)
			return
		}
		suffix := "/items"
		if legacy {
			suffix = "/tracks"
		}
		items := pl.items
		writePage(&b, "/v1/playlists/"+pl.id+suffix, nil, p, len(items), func(i int) { s.writePlaylistItem(&b, items[i]) })
		s.mu.RUnlock()
		writeJSONBody(w, r, http.StatusOK, b.Bytes())
	}
}

// writeFullPlaylistLocked renders a PlaylistObject with its first page of
// items, as GET /playlists/{id} and POST /me/playlists return it.
func (s *Server) writeFullPlaylistLocked(b *jsonBuf, p *playlist, l *listenerState) error {
	sp := s.simplePlaylistLocked(p)
	head := struct {
		Collaborative bool          `json:"collaborative"`
		Description   *string       `json:"description"`
		ExternalURLs  externalURLs  `json:"external_urls"`
		Followers     followersJSON `json:"followers"`
		Href          string        `json:"href"`
		ID            string        `json:"id"`
		Images        []imageJSON   `json:"images"`
		Name          string        `json:"name"`
		Owner         ownerJSON     `json:"owner"`
		Public        bool          `json:"public"`
		SnapshotID    string        `json:"snapshot_id"`
		Type          string        `json:"type"`
		URI           string        `json:"uri"`
	}{sp.Collaborative, &sp.Description, sp.ExternalURLs, followersJSON{Total: p.followers}, sp.Href, sp.ID,
		sp.Images, sp.Name, sp.Owner, sp.Public, sp.SnapshotID, sp.Type, sp.URI}
	v, err := marshal(head)
	if err != nil {
		return err
	}
	b.Write(v[:len(v)-1]) // reopen the object to append the paged fields
	// Each embedded first page is as large as its endpoint allows, so that
	// its next link is a valid request to that endpoint.
	// openapi.yml: items is "only available for playlists owned by the
	// current user or playlists the user is a collaborator of".
	if p.editableBy(l.id) {
		b.raw(`,"items":`)
		writePage(b, "/v1/playlists/"+p.id+"/items", nil, paging{limit: maxItemsLimit}, len(p.items), func(i int) { s.writePlaylistItem(b, p.items[i]) })
	}
	if !s.dev {
		b.raw(`,"tracks":`)
		writePage(b, "/v1/playlists/"+p.id+"/tracks", nil, paging{limit: maxTracksLimit}, len(p.items), func(i int) { s.writePlaylistItem(b, p.items[i]) })
	}
	b.raw("}")
	return nil
}

// getPlaylist is GET /v1/playlists/{id}.
func (s *Server) getPlaylist(w http.ResponseWriter, r *http.Request, c caller) {
	var b jsonBuf
	s.mu.RLock()
	p := s.lookupPlaylistLocked(w, r, c.l)
	if p == nil {
		s.mu.RUnlock()
		return
	}
	err := s.writeFullPlaylistLocked(&b, p, c.l)
	s.mu.RUnlock()
	if err != nil {
		writeAPIError(w, http.StatusInternalServerError, "Server error")
		return
	}
	writeJSONBody(w, r, http.StatusOK, b.Bytes())
}

const maxBody = 1 << 20

func readJSONBody(r *http.Request, v any) error {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		return err
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		return errEmptyBody
	}
	return json.Unmarshal(body, v)
}

var errEmptyBody = errors.New("empty body")

func randomBase62ID() string {
	b := make([]byte, 22)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = base62[int(b[i])%len(base62)]
	}
	return string(b)
}

// createPlaylist is POST /v1/me/playlists.
func (s *Server) createPlaylist(w http.ResponseWriter, r *http.Request, c caller) {
	var req struct {
		Name          *string `json:"name"`
		Public        *bool   `json:"public"`
		Collaborative bool    `json:"collaborative"`
		Description   string  `json:"description"`
	}
	if err := readJSONBody(r, &req); err != nil {
		writeAPIError(w, http.StatusBadRequest, "Error parsing JSON.")
		return
	}
	if req.Name == nil {
		writeAPIError(w, http.StatusBadRequest, "Missing required field: name")
		return
	}
	public := req.Public == nil || *req.Public // Spotify's default is public
	if req.Collaborative && public {
		writeAPIError(w, http.StatusBadRequest, "Collaborative playlists can only be private.")
		return
	}
	need := scopeModifyPublic
	switch {
	case req.Collaborative:
		need = scopeModifyPublic | scopeModifyPrivate
	case !public:
		need = scopeModifyPrivate
	}
	if !c.scopes.has(need) {
		writeAPIError(w, http.StatusForbidden, msgInsufficientScope)
		return
	}
	p := &playlist{
		id: randomBase62ID(), name: *req.Name, description: req.Description,
		owner: user{c.l.id, c.l.displayName}, public: public, collaborative: req.Collaborative, version: 1,
	}
	var b jsonBuf
	s.mu.Lock()
	s.cat.playlists[p.id] = p
	c.l.library = append([]*playlist{p}, c.l.library...)
	err := s.writeFullPlaylistLocked(&b, p, c.l)
	s.mu.Unlock()
	if err != nil {
		writeAPIError(w, http.StatusInternalServerError, "Server error")
		return
	}
	w.Header().Set("Location", baseURL(r)+"/v1/playlists/"+p.id)
	writeJSONBody(w, r, http.StatusCreated, b.Bytes())
}

// addPlaylistItems serves POST /v1/playlists/{id}/items and, for
// extended-quota apps only, its removed older name /tracks (see
// getPlaylistItems).
func (s *Server) addPlaylistItems(legacy bool) apiHandler {
	return func(w http.ResponseWriter, r *http.Request, c caller) {
		if legacy && s.dev {
			writeAPIError(w, http.StatusForbidden, msgForbidden)
			return
		}
		var req struct {
			URIs     []string `json:"uris"`
			Position *int     `json:"position"`
		}
		q := r.URL.Query()
		if err := readJSONBody(r, &req); err != nil && !errors.Is(err, errEmptyBody) {
			writeAPIError(w, http.StatusBadRequest, "Error parsing JSON.")
			return
		}
		// As documented: uris in the query string win over the body.
		if v := q.Get("uris"); v != "" {
			req.URIs = strings.Split(v, ",")
		}
		if v := q.Get("position"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				writeAPIError(w, http.StatusBadRequest, "Invalid position")
				return
			}
			req.Position = &n
		}
		switch {
		case len(req.URIs) == 0:
			writeAPIError(w, http.StatusBadRequest, "No uris provided")
			return
		case len(req.URIs) > 100:
			writeAPIError(w, http.StatusBadRequest, "You can add a maximum of 100 tracks per request.")
			return
		}
		tracks := make([]*track, len(req.URIs))
		for i, u := range req.URIs {
			u = strings.TrimSpace(u)
			id, ok := strings.CutPrefix(u, "spotify:track:")
			if !ok || !isBase62ID(id) {
				writeAPIError(w, http.StatusBadRequest, "Invalid track uri: "+u)
				return
			}
			if tracks[i] = s.cat.trackByID[id]; tracks[i] == nil {
				writeAPIError(w, http.StatusBadRequest, "Payload contains a non-existing ID")
				return
			}
		}
		now := s.now().UTC().Truncate(time.Second)
		s.mu.Lock()
		defer s.mu.Unlock()
		p := s.lookupPlaylistLocked(w, r, c.l)
		if p == nil {
			return
		}
		if !p.editableBy(c.l.id) {
			writeAPIError(w, http.StatusForbidden, "You cannot add tracks to a playlist you don't own.")
			return
		}
		need := scopeModifyPublic
		if !p.public {
			need = scopeModifyPrivate
		}
		if !c.scopes.has(need) {
			writeAPIError(w, http.StatusForbidden, msgInsufficientScope)
			return
		}
		pos := len(p.items)
		if req.Position != nil {
			if *req.Position < 0 || *req.Position > len(p.items) {
				writeAPIError(w, http.StatusBadRequest, "Index out of bounds")
				return
			}
			pos = *req.Position
		}
		added := make([]playlistItem, len(tracks))
		for i, t := range tracks {
			added[i] = playlistItem{track: t, addedAt: now, addedBy: c.l.id}
		}
		// Build a new slice: readers holding the old one under RLock have
		// finished (we hold the write lock), but copying keeps earlier
		// slices handed out by value intact.
		items := make([]playlistItem, 0, len(p.items)+len(added))
		items = append(items, p.items[:pos]...)
		items = append(items, added...)
		items = append(items, p.items[pos:]...)
		p.items = items
		p.version++
		body, _ := marshal(map[string]string{"snapshot_id": snapshotID(p)})
		writeJSONBody(w, r, http.StatusCreated, body)
	}
}

// getArtist is GET /v1/artists/{id}.
func (s *Server) getArtist(w http.ResponseWriter, r *http.Request, c caller) {
	id := r.PathValue("id")
	if !isBase62ID(id) {
		writeAPIError(w, http.StatusBadRequest, msgInvalidID)
		return
	}
	a := s.cat.artistByID[id]
	if a == nil {
		writeAPIError(w, http.StatusNotFound, msgNotFound)
		return
	}
	writeJSONBody(w, r, http.StatusOK, a.full)
}

// getSeveralArtists is GET /v1/artists?ids=…, the batch lookup an app uses
// to fetch genres for many artists at once. openapi.yml marks it deprecated:
// Spotify removed batch lookups for Development-Mode apps and answers them
// 403 Forbidden, as it does for /playlists/{id}/tracks.
func (s *Server) getSeveralArtists(w http.ResponseWriter, r *http.Request, c caller) {
	if s.dev {
		writeAPIError(w, http.StatusForbidden, msgForbidden)
		return
	}
	raw := r.URL.Query().Get("ids")
	if raw == "" {
		writeAPIError(w, http.StatusBadRequest, "invalid id")
		return
	}
	ids := strings.Split(raw, ",")
	if len(ids) > 50 {
		writeAPIError(w, http.StatusBadRequest, "Too many ids requested")
		return
	}
	var b jsonBuf
	b.raw(`{"artists":[`)
	for i, id := range ids {
		if !isBase62ID(id) {
			writeAPIError(w, http.StatusBadRequest, msgInvalidID)
			return
		}
		if i > 0 {
			b.raw(",")
		}
		// An unknown id yields null in its place, as Spotify does.
		if a := s.cat.artistByID[id]; a != nil {
			b.frag(a.full)
		} else {
			b.raw("null")
		}
	}
	b.raw("]}")
	writeJSONBody(w, r, http.StatusOK, b.Bytes())
}
