package spotifysim

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// specPaths: the team's reference document in shared/ beside the checkout
// when it is there (CI lays it out so), else the copy kept in testdata so a
// clone tests on its own. make check fails when the two differ.
var specPaths = []string{"../../../shared/spotify/openapi.yml", "testdata/openapi.yml"}

// loadSpec loads the OpenAPI document and applies, explicitly, the places
// where the simulator follows Spotify against the document.
func loadSpec(t *testing.T, mode Mode) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	specPath := specPaths[len(specPaths)-1]
	for _, p := range specPaths {
		if _, err := os.Stat(p); err == nil {
			specPath = p
			break
		}
	}
	doc, err := loader.LoadFromFile(specPath)
	if err != nil {
		t.Fatalf("load %s: %v", specPath, err)
	}
	schemas := doc.Components.Schemas
	prop := func(schema, name string) *openapi3.Schema {
		s := schemas[schema]
		if s == nil || s.Value.Properties[name] == nil {
			t.Fatalf("openapi.yml has no %s.%s; the deviations below need revisiting", schema, name)
		}
		return s.Value.Properties[name].Value
	}
	// Deviation 1 (listed in the document's README): Spotify sends
	// "context": null for a play that did not start from an album, playlist
	// or artist page; the document does not mark it nullable.
	prop("PlayHistoryObject", "context").Nullable = true
	// Deviation 2: on the last page of a cursor-paged list Spotify sends
	// "next": null (the field's own description says "null if none") and,
	// when there are no items, "cursors": null; the schema lacks nullable.
	prop("CursorPagingObject", "next").Nullable = true
	prop("CursorPagingObject", "cursors").Nullable = true
	// Not a deviation: the document's discriminator on "type" gives no
	// mapping, and OpenAPI's implicit mapping would look for schemas named
	// "track" and "episode". Spell out what the document means, so the
	// validator checks a track against TrackObject only (it is also what
	// keeps this test fast).
	for _, name := range []string{"item", "track"} {
		d := prop("PlaylistTrackObject", name).Discriminator
		if d == nil || d.PropertyName != "type" {
			t.Fatalf("PlaylistTrackObject.%s has no discriminator on type", name)
		}
		d.Mapping = map[string]openapi3.MappingRef{
			"track":   {Ref: "#/components/schemas/TrackObject"},
			"episode": {Ref: "#/components/schemas/EpisodeObject"},
		}
	}
	if mode == ModeDevelopment {
		// Deviation 3: AlbumBase lists available_markets as required and, in
		// the same breath, deprecated, i.e. removed for Development-Mode
		// apps; Spotify does remove it, so the requirement cannot hold.
		base := schemas["AlbumBase"].Value
		if !slices.Contains(base.Required, "available_markets") {
			t.Fatal("AlbumBase no longer requires available_markets; drop deviation 3")
		}
		base.Required = slices.DeleteFunc(slices.Clone(base.Required), func(s string) bool { return s == "available_markets" })
	}
	return doc
}

// matchPath finds the document's path template for a request path (without
// the /v1 server prefix), preferring literal segments over parameters.
func matchPath(doc *openapi3.T, path string) (tmpl string, params map[string]string) {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	best := -1
	for p := range doc.Paths.Map() {
		ps := strings.Split(strings.Trim(p, "/"), "/")
		if len(ps) != len(segs) {
			continue
		}
		literal, ok := 0, true
		pp := map[string]string{}
		for i, s := range ps {
			switch {
			case strings.HasPrefix(s, "{"):
				pp[strings.Trim(s, "{}")] = segs[i]
			case s == segs[i]:
				literal++
			default:
				ok = false
			}
		}
		if ok && literal > best {
			best, tmpl, params = literal, p, pp
		}
	}
	return tmpl, params
}

// schemaProps gathers the properties a schema declares, through allOf.
func schemaProps(s *openapi3.Schema, into map[string]*openapi3.Schema) {
	if s == nil {
		return
	}
	for k, v := range s.Properties {
		if v != nil && into[k] == nil {
			into[k] = v.Value
		}
	}
	for _, a := range s.AllOf {
		schemaProps(a.Value, into)
	}
}

func schemaItems(s *openapi3.Schema) *openapi3.Schema {
	if s == nil {
		return nil
	}
	if s.Items != nil {
		return s.Items.Value
	}
	for _, a := range s.AllOf {
		if it := schemaItems(a.Value); it != nil {
			return it
		}
	}
	return nil
}

// undeclared reports JSON members the schema does not declare, and, when
// dev is set, declared members that the document marks deprecated. The
// document never sets additionalProperties: false, so a misspelt field would
// otherwise pass; and "deprecated" is exactly what Development-Mode apps no
// longer receive.
func undeclared(s *openapi3.Schema, v any, path string, dev bool, out *[]string) {
	if s == nil {
		return
	}
	if len(s.OneOf) > 0 {
		// TrackObject | EpisodeObject: judge by the variant that fits best.
		var best []string
		for i, o := range s.OneOf {
			var got []string
			undeclared(o.Value, v, path, dev, &got)
			if i == 0 || len(got) < len(best) {
				best = got
			}
		}
		*out = append(*out, best...)
		return
	}
	switch v := v.(type) {
	case map[string]any:
		props := map[string]*openapi3.Schema{}
		schemaProps(s, props)
		if len(props) == 0 {
			return // a free-form object
		}
		for k, child := range v {
			p, ok := props[k]
			switch {
			case !ok:
				*out = append(*out, path+"."+k+" (not in the document)")
			case dev && p.Deprecated:
				*out = append(*out, path+"."+k+" (deprecated, yet sent in development mode)")
			default:
				undeclared(p, child, path+"."+k, dev, out)
			}
		}
	case []any:
		it := schemaItems(s)
		for i, child := range v {
			undeclared(it, child, fmt.Sprintf("%s[%d]", path, i), dev, out)
		}
	}
}

// conformance validates every Web API response against the document.
type conformance struct {
	t       *testing.T
	e       *testEnv
	doc     *openapi3.T
	mode    Mode
	covered map[string]map[int]int // "GET /v1/playlists/{id}/items" -> status -> count
	queue   []string
	seen    map[string]bool

	seenArtists map[string]bool
	last        any // the decoded body of the last checked response
}

// check sends a request, validates the answer and returns it.
func (c *conformance) check(method, target, token string, body any) apiResponse {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	r := c.e.call(c.t, method, target, token, rd)
	u, _ := url.Parse(strings.TrimPrefix(target, c.e.ts.URL))
	// Which simulator route answered? That is what coverage is about.
	req, _ := http.NewRequest(method, c.e.ts.URL+u.Path, nil)
	_, pattern := c.e.sim.mux.Handler(req)
	if c.covered[pattern] == nil {
		c.covered[pattern] = map[int]int{}
	}
	c.covered[pattern][r.status]++

	tmpl, params := matchPath(c.doc, strings.TrimPrefix(u.Path, "/v1"))
	if tmpl == "" {
		c.t.Fatalf("%s %s: no path in openapi.yml matches", method, target)
	}
	op := c.doc.Paths.Find(tmpl).GetOperation(method)
	if op == nil {
		c.t.Fatalf("%s %s: openapi.yml has no %s %s", method, target, method, tmpl)
	}
	var schema *openapi3.Schema
	if ref := op.Responses.Status(r.status); ref != nil {
		in := &openapi3filter.ResponseValidationInput{
			RequestValidationInput: &openapi3filter.RequestValidationInput{
				Request:    req,
				PathParams: params,
				Route:      &routers.Route{Spec: c.doc, Path: tmpl, PathItem: c.doc.Paths.Find(tmpl), Method: method, Operation: op},
			},
			Status:  r.status,
			Header:  r.header,
			Body:    io.NopCloser(bytes.NewReader(r.body)),
			Options: &openapi3filter.Options{IncludeResponseStatus: true},
		}
		if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
			c.t.Errorf("%s %s (%s mode): %d response does not match openapi.yml: %v\nbody: %.600s", method, target, c.mode, r.status, err, r.body)
		}
		if mt := ref.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil {
			schema = mt.Schema.Value
		}
	} else {
		// The document lists only 401/403/429 for most operations, yet
		// Spotify answers bad parameters with 400 and unknown ids with 404,
		// in the shape of components/responses BadRequest and NotFound.
		name := map[int]string{400: "BadRequest", 404: "NotFound"}[r.status]
		if name == "" {
			c.t.Errorf("%s %s: status %d is neither documented nor a shared 400/404", method, target, r.status)
			return r
		}
		schema = c.doc.Components.Responses[name].Value.Content.Get("application/json").Schema.Value
		var v any
		if err := json.Unmarshal(r.body, &v); err != nil {
			c.t.Errorf("%s %s: %d body is not JSON: %s", method, target, r.status, r.body)
			return r
		}
		if err := schema.VisitJSON(v); err != nil {
			c.t.Errorf("%s %s: %d body does not match %s: %v", method, target, r.status, name, err)
		}
	}
	c.last = nil
	if schema != nil && len(r.body) > 0 {
		var v any
		if err := json.Unmarshal(r.body, &v); err == nil {
			c.last = v
			var extra []string
			undeclared(schema, v, "$", c.mode == ModeDevelopment, &extra)
			if len(extra) > 0 {
				sort.Strings(extra)
				c.t.Errorf("%s %s (%s mode): %d fields beyond the document, e.g. %v", method, target, c.mode, len(extra), extra[:min(5, len(extra))])
			}
		}
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		c.t.Errorf("%s %s: Content-Type %q", method, target, ct)
	}
	return r
}

// crawl follows every link to a served Web API route found in a response:
// next pages, playlist items, artists. That is what makes the walk cover
// whatever the simulator serves rather than a chosen sample.
func (c *conformance) crawl(token string) {
	for len(c.queue) > 0 {
		target := c.queue[0]
		c.queue = c.queue[1:]
		r := c.check("GET", target, token, nil)
		u, _ := url.Parse(target)
		switch {
		case r.status == 200:
		case r.status == 403 && (strings.HasSuffix(u.Path, "/items") || strings.HasSuffix(u.Path, "/tracks") || u.Path == "/v1/artists"):
			// Items of a playlist the listener neither owns nor
			// collaborates on, or an endpoint removed in development mode.
			continue
		default:
			c.t.Errorf("link %s answered %d: %s", target, r.status, r.body)
			continue
		}
		c.enqueueLinks(c.last, "")
	}
}

// seenKey identifies a page by path and offset, whatever its limit: a
// playlist's items are reachable both from items.href (20 a page) and from
// the page embedded in the playlist object (100 a page), and walking both
// would validate every item twice. Full walks are TestPagingWalks' job.
func seenKey(target string) string {
	u, err := url.Parse(target)
	if err != nil {
		return target
	}
	q := u.Query()
	q.Del("limit")
	if q.Get("offset") == "0" {
		q.Del("offset")
	}
	return u.Path + "?" + q.Encode()
}

func (c *conformance) enqueue(target string) {
	seen, key := c.seen, seenKey(target)
	if strings.Contains(target, "/v1/artists/") {
		// An artist reads the same for every listener: walk it once.
		seen = c.seenArtists
	}
	if !seen[key] {
		seen[key] = true
		c.queue = append(c.queue, target)
	}
}

func (c *conformance) enqueueLinks(v any, key string) {
	switch v := v.(type) {
	case map[string]any:
		for k, child := range v {
			c.enqueueLinks(child, k)
		}
	case []any:
		for _, child := range v {
			c.enqueueLinks(child, key)
		}
	case string:
		// previous links lead back to pages already walked.
		if key == "previous" || !strings.HasPrefix(v, c.e.ts.URL+"/v1/") {
			return
		}
		u, err := url.Parse(v)
		if err != nil {
			c.t.Errorf("unparseable link %q", v)
			return
		}
		req, _ := http.NewRequest("GET", u.String(), nil)
		if _, pattern := c.e.sim.mux.Handler(req); pattern != "/v1/" {
			c.enqueue(v)
		}
	}
}

func TestOpenAPIConformance(t *testing.T) {
	for _, mode := range []Mode{ModeExtended, ModeDevelopment} {
		t.Run(string(mode), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, func(c *Config) { c.Mode = mode })
			c := &conformance{t: t, e: e, doc: loadSpec(t, mode), mode: mode,
				covered: map[string]map[int]int{}, seen: map[string]bool{}, seenArtists: map[string]bool{}}
			var anyTrack, anyArtist, foreignPlaylist, ownPlaylist string
			var lastToken string
			for _, l := range e.sim.Listeners() {
				tok := e.login(t, l.ID, allScopes...).AccessToken
				lastToken = tok
				c.seen = map[string]bool{} // every listener sees the catalog through its own eyes
				for _, s := range []string{
					"/v1/me",
					"/v1/me/top/tracks", "/v1/me/top/artists",
					"/v1/me/player/recently-played",
					"/v1/me/player/recently-played?after=0&limit=7",
					"/v1/me/playlists",
				} {
					c.enqueue(e.ts.URL + s)
				}
				for _, tr := range timeRangeNames {
					c.enqueue(e.ts.URL + "/v1/me/top/tracks?limit=50&time_range=" + tr)
					c.enqueue(e.ts.URL + "/v1/me/top/artists?limit=50&time_range=" + tr)
				}
				c.crawl(tok)

				// The removed older forms are not linked in development
				// mode; ask for them anyway, they must answer as Spotify does.
				c.sim().mu.RLock()
				for _, p := range c.sim().cat.listenerByID[l.ID].library {
					if p.owner.id == l.ID && ownPlaylist == "" {
						ownPlaylist = p.id
					}
					if !p.editableBy(l.ID) && foreignPlaylist == "" {
						foreignPlaylist = p.id
					}
				}
				lib := c.sim().cat.listenerByID[l.ID].library
				c.sim().mu.RUnlock()
				for _, p := range lib[:2] {
					c.enqueue(e.ts.URL + "/v1/playlists/" + p.id + "/tracks")
				}
				top := c.sim().cat.listenerByID[l.ID].topTracks[longTerm]
				anyTrack = top[0].id
				var ids []string
				for _, a := range c.sim().cat.listenerByID[l.ID].topArtists[longTerm] {
					ids = append(ids, a.id)
				}
				anyArtist = ids[0]
				c.enqueue(e.ts.URL + "/v1/artists?ids=" + strings.Join(ids, ","))
				c.sim().mu.RLock()
				tr := c.sim().cat.trackByID[anyTrack]
				c.sim().mu.RUnlock()
				c.enqueue(e.ts.URL + "/v1/search?" + url.Values{"q": {`track:"` + tr.name + `" artist:"` + tr.artists[0].name + `"`},
					"type": {"track"}, "limit": {"10"}}.Encode())
				c.enqueue(e.ts.URL + "/v1/search?" + url.Values{"q": {tr.artists[0].name}, "type": {"album,artist,track,show"}}.Encode())
				c.crawl(tok)

				// Writes.
				r := c.check("POST", "/v1/me/playlists", tok, map[string]any{"name": "Made by the conformance test", "public": false})
				var created struct{ ID string }
				r.decode(t, &created)
				if r.status != 201 || created.ID == "" {
					t.Fatalf("create playlist: %d %s", r.status, r.body)
				}
				c.check("POST", "/v1/playlists/"+created.ID+"/items", tok, map[string]any{"uris": []string{"spotify:track:" + anyTrack}})
				c.check("POST", "/v1/playlists/"+created.ID+"/tracks?uris=spotify:track:"+anyTrack, tok, nil)
				c.enqueue(e.ts.URL + "/v1/playlists/" + created.ID)
				c.enqueue(e.ts.URL + "/v1/playlists/" + created.ID + "/items")
				c.crawl(tok)
			}

			// Errors, on every route: no token, and a rate limit.
			tok := lastToken
			routes := e.sim.apiRoutes()
			sort.Strings(routes)
			for _, rt := range routes {
				method, path, _ := strings.Cut(rt, " ")
				path = strings.ReplaceAll(path, "{id}", ownPlaylist)
				if strings.HasPrefix(rt, "GET /v1/artists/") {
					path = "/v1/artists/" + anyArtist
				}
				c.check(method, path, "", nil)
				if r := e.call(t, "POST", "/_sim/faults", "", strings.NewReader(`{"status":429,"retry_after":7,"count":1,"path_prefix":"`+path+`"}`)); r.status != 201 {
					t.Fatalf("add fault: %d %s", r.status, r.body)
				}
				r := c.check(method, path, tok, nil)
				if r.status != 429 || r.header.Get("Retry-After") != "7" {
					t.Errorf("%s: fault answered %d, Retry-After %q", rt, r.status, r.header.Get("Retry-After"))
				}
			}
			e.call(t, "DELETE", "/_sim/faults", "", nil)

			noScopes := e.login(t, "dex").AccessToken
			for _, tc := range []struct {
				method, target, token string
				body                  any
				status                int
			}{
				{"GET", "/v1/me/top/tracks?time_range=forever", tok, nil, 400},
				{"GET", "/v1/me/top/tracks?limit=0", tok, nil, 400},
				{"GET", "/v1/me/top/artists?limit=51", tok, nil, 400},
				{"GET", "/v1/me/top/artists?offset=-1", tok, nil, 400},
				{"GET", "/v1/me/player/recently-played?limit=51", tok, nil, 400},
				{"GET", "/v1/me/player/recently-played?after=1&before=2", tok, nil, 400},
				{"GET", "/v1/me/playlists?limit=0", tok, nil, 400},
				{"GET", "/v1/playlists/" + ownPlaylist + "/items?limit=51", tok, nil, 400},
				{"GET", "/v1/artists/not-a-spotify-id", tok, nil, 400},
				{"GET", "/v1/search?type=track", tok, nil, 400},
				{"GET", "/v1/search?q=x&type=song", tok, nil, 400},
				{"GET", "/v1/search?q=x&type=track&limit=11", tok, nil, 400},
				{"GET", "/v1/search?q=x&type=track&offset=1001", tok, nil, 400},
				{"GET", "/v1/artists/0000000000000000000000", tok, nil, 404},
				{"GET", "/v1/playlists/0000000000000000000000", tok, nil, 404},
				{"GET", "/v1/playlists/0000000000000000000000/items", tok, nil, 404},
				{"POST", "/v1/playlists/0000000000000000000000/items", tok, map[string]any{"uris": []string{"spotify:track:" + anyTrack}}, 404},
				{"POST", "/v1/playlists/" + ownPlaylist + "/items", tok, map[string]any{"uris": []string{"spotify:track:0000000000000000000000"}}, 400},
				{"POST", "/v1/me/playlists", tok, map[string]any{"public": true}, 400},
				{"GET", "/v1/me/top/tracks", noScopes, nil, 403},
				{"GET", "/v1/me/top/artists", noScopes, nil, 403},
				{"GET", "/v1/me/player/recently-played", noScopes, nil, 403},
				{"GET", "/v1/me/playlists", noScopes, nil, 403},
				{"GET", "/v1/playlists/" + ownPlaylist + "/items", noScopes, nil, 403},
				{"POST", "/v1/me/playlists", noScopes, map[string]any{"name": "x"}, 403},
				{"GET", "/v1/me", "BQunknown", nil, 401},
			} {
				if r := c.check(tc.method, tc.target, tc.token, tc.body); r.status != tc.status {
					t.Errorf("%s %s: status %d, want %d: %s", tc.method, tc.target, r.status, tc.status, r.body)
				}
			}
			if foreignPlaylist != "" {
				c.check("POST", "/v1/playlists/"+foreignPlaylist+"/items", tok, map[string]any{"uris": []string{"spotify:track:" + anyTrack}})
			}
			e.clock.Advance(e.cfg.TokenTTL)
			if r := c.check("GET", "/v1/me", tok, nil); r.status != 401 {
				t.Errorf("expired token: %d", r.status)
			}

			// Every Web API route must have been walked, with a success
			// (or, for the routes removed in development mode, a 403).
			total := 0
			for _, rt := range routes {
				st := c.covered[rt]
				total += len(st)
				ok := st[200]+st[201] > 0
				if mode == ModeDevelopment && (strings.HasSuffix(rt, "/playlists/{id}/tracks") || rt == "GET /v1/artists") {
					ok = st[403] > 0 && st[200]+st[201] == 0
				}
				if !ok {
					t.Errorf("route %s not walked to a success (statuses %v)", rt, st)
				}
			}
			seenStatus := map[int]bool{}
			requests := 0
			for _, st := range c.covered {
				for s, n := range st {
					seenStatus[s] = true
					requests += n
				}
			}
			for _, s := range []int{200, 201, 400, 401, 403, 404, 429} {
				if !seenStatus[s] {
					t.Errorf("no %d response was validated", s)
				}
			}
			t.Logf("%s mode: validated %d responses over %d routes", mode, requests, len(routes))
		})
	}
}

func (c *conformance) sim() *Server { return c.e.sim }
