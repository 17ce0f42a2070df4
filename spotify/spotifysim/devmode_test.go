package spotifysim

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
)

// paths lists every member path of a JSON value, arrays collapsed to [],
// mapped to the values found there (rendered to strings).
func paths(v any, prefix string, out map[string][]string) {
	switch v := v.(type) {
	case map[string]any:
		for k, child := range v {
			p := strings.TrimPrefix(prefix+"."+k, ".")
			b, _ := json.Marshal(child)
			out[p] = append(out[p], string(b))
			paths(child, p, out)
		}
	case []any:
		for _, child := range v {
			paths(child, prefix+"[]", out)
		}
	}
}

// removedRoots is the set of paths in ext but not in dev whose parent is in
// both: the fields development mode dropped.
func removedRoots(ext, dev map[string][]string) []string {
	var out []string
	for p := range ext {
		if _, ok := dev[p]; ok {
			continue
		}
		parent := p[:max(0, strings.LastIndexAny(p, "."))]
		parent = strings.TrimSuffix(parent, "[]")
		if _, gone := ext[parent]; gone && parent != "" {
			if _, kept := dev[parent]; !kept {
				continue
			}
		}
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// TestDevelopmentModeStripsExactlyTheRemovedFields compares each response of
// a development-mode simulator with the same seed in extended mode: the
// listed fields, and nothing else, must disappear; every other value must be
// identical.
func TestDevelopmentModeStripsExactlyTheRemovedFields(t *testing.T) {
	ext := newEnv(t, nil)
	dev := newEnv(t, func(c *Config) { c.Mode = ModeDevelopment })
	trackFields := func(p string) []string {
		return []string{p + ".album.available_markets", p + ".available_markets", p + ".popularity", p + ".preview_url"}
	}
	big := ""
	for _, p := range ext.sim.cat.listenerByID["walt"].library {
		if p.owner.id == "walt" && len(p.items) > 100 {
			big = p.id
		}
	}
	artistID := ext.sim.cat.listenerByID["walt"].topArtists[longTerm][0].id
	tests := []struct {
		target  string
		removed []string
	}{
		{"/v1/me", []string{"country", "email", "explicit_content", "followers", "product"}},
		{"/v1/me/top/tracks?limit=50", trackFields("items[]")},
		{"/v1/me/top/artists?limit=50&time_range=long_term", []string{"items[].followers", "items[].genres", "items[].popularity"}},
		{"/v1/artists/" + artistID, []string{"followers", "genres", "popularity"}},
		{"/v1/me/player/recently-played?limit=50", trackFields("items[].track")},
		{"/v1/me/playlists?limit=50", []string{"items[].tracks"}},
		{"/v1/playlists/" + big + "/items?limit=50", append(trackFields("items[].item"), "items[].track")},
		{"/v1/playlists/" + big, append(append(trackFields("items.items[].item"), "items.items[].track"), "tracks")},
	}
	extTok := ext.login(t, "walt", allScopes...).AccessToken
	devTok := dev.login(t, "walt", allScopes...).AccessToken
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			re, rd := ext.call(t, "GET", tt.target, extTok, nil), dev.call(t, "GET", tt.target, devTok, nil)
			if re.status != 200 || rd.status != 200 {
				t.Fatalf("status extended %d, development %d", re.status, rd.status)
			}
			// Same catalog, different ports: compare with one base URL.
			bodyE := strings.ReplaceAll(string(re.body), ext.ts.URL, "BASE")
			bodyD := strings.ReplaceAll(string(rd.body), dev.ts.URL, "BASE")
			var ve, vd any
			_ = json.Unmarshal([]byte(bodyE), &ve)
			_ = json.Unmarshal([]byte(bodyD), &vd)
			pe, pd := map[string][]string{}, map[string][]string{}
			paths(ve, "", pe)
			paths(vd, "", pd)
			want := slices.Sorted(slices.Values(tt.removed))
			if got := removedRoots(pe, pd); !slices.Equal(got, want) {
				t.Errorf("removed %v\nwant    %v", got, want)
			}
			for p, vals := range pd {
				if _, ok := pe[p]; !ok {
					t.Errorf("development mode adds %s", p)
					continue
				}
				// Containers differ by their stripped members; compare leaves.
				if len(vals) > 0 && !strings.HasPrefix(vals[0], "{") && !strings.HasPrefix(vals[0], "[") && !reflect.DeepEqual(vals, pe[p]) {
					t.Errorf("%s differs: %.80v vs %.80v", p, fmt.Sprint(vals), fmt.Sprint(pe[p]))
				}
			}
		})
	}
	// The removed endpoints answer as Spotify answers Development-Mode apps.
	for _, target := range []string{"/v1/playlists/" + big + "/tracks", "/v1/artists?ids=" + artistID} {
		wantAPIError(t, dev.call(t, "GET", target, devTok, nil), 403, msgForbidden)
		if r := ext.call(t, "GET", target, extTok, nil); r.status != 200 {
			t.Errorf("extended mode %s: %d", target, r.status)
		}
	}
	wantAPIError(t, dev.call(t, "POST", "/v1/playlists/"+big+"/tracks", devTok, strings.NewReader(`{"uris":[]}`)), 403, msgForbidden)
}

// Without the scopes, extended mode hides email and the private fields too.
func TestProfileFieldsFollowScopes(t *testing.T) {
	e := newEnv(t, nil)
	tests := []struct {
		scopes []string
		want   []string
	}{
		{nil, nil},
		{[]string{"user-read-email"}, []string{"email"}},
		{[]string{"user-read-private"}, []string{"country", "explicit_content", "product"}},
		{[]string{"user-read-private", "user-read-email"}, []string{"country", "email", "explicit_content", "product"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.scopes, "+"), func(t *testing.T) {
			var me map[string]any
			e.call(t, "GET", "/v1/me", e.login(t, "kiko", tt.scopes...).AccessToken, nil).decode(t, &me)
			var got []string
			for _, k := range []string{"country", "email", "explicit_content", "product"} {
				if _, ok := me[k]; ok {
					got = append(got, k)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("scope-gated fields %v, want %v", got, tt.want)
			}
			if me["id"] != "kiko" || me["followers"] == nil {
				t.Errorf("profile lacks id or followers: %v", me)
			}
		})
	}
}
