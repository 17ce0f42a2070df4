package spotifysim

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
)

func TestImages(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.login(t, "ines", allScopes...).AccessToken
	var page struct {
		Items []struct {
			Album struct {
				Images []struct {
					URL    string `json:"url"`
					Height int    `json:"height"`
					Width  int    `json:"width"`
				} `json:"images"`
			} `json:"album"`
		} `json:"items"`
	}
	e.call(t, "GET", "/v1/me/top/tracks?limit=1", tok, nil).decode(t, &page)
	imgs := page.Items[0].Album.Images
	if len(imgs) != 3 || imgs[0].Width != 640 || imgs[1].Width != 300 || imgs[2].Width != 64 {
		t.Fatalf("album images = %+v, want 640, 300, 64", imgs)
	}
	// The URL is absolute and points back at this server, so a browser can
	// load it.
	if !strings.HasPrefix(imgs[0].URL, e.ts.URL+"/image/album/") {
		t.Fatalf("image URL %s does not point at the simulator", imgs[0].URL)
	}
	r := e.call(t, "GET", imgs[0].URL, "", nil)
	if r.status != 200 || r.header.Get("Content-Type") != "image/svg+xml" || !bytes.HasPrefix(r.body, []byte("<svg")) {
		t.Fatalf("image: %d %s %.40s", r.status, r.header.Get("Content-Type"), r.body)
	}
	if !strings.Contains(r.header.Get("Cache-Control"), "immutable") || r.header.Get("ETag") == "" {
		t.Errorf("image is not cacheable: %v", r.header)
	}
	if again := e.call(t, "GET", imgs[0].URL, "", nil); !bytes.Equal(again.body, r.body) {
		t.Error("the same image rendered twice differs")
	}
	req, _ := http.NewRequest("GET", imgs[0].URL, nil)
	req.Header.Set("If-None-Match", r.header.Get("ETag"))
	resp, err := e.ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotModified {
		t.Errorf("conditional GET: %d, want 304", resp.StatusCode)
	}
	for _, bad := range []string{"/image/album/0000000000000000000000/640", strings.TrimSuffix(imgs[0].URL, "640") + "641", "/image/sound/x/64"} {
		if r := e.call(t, "GET", bad, "", nil); r.status != 404 {
			t.Errorf("%s: %d, want 404", bad, r.status)
		}
	}
	// Names end up in the SVG; they must not be able to inject markup.
	r = e.call(t, "POST", "/v1/me/playlists", tok, strings.NewReader(`{"name":"<script>alert(1)</script>","public":false}`))
	var created struct {
		Images []struct{ URL string } `json:"images"`
		ID     string                 `json:"id"`
	}
	r.decode(t, &created)
	e.call(t, "POST", "/v1/playlists/"+created.ID+"/items", tok, strings.NewReader(`{"uris":["spotify:track:`+e.sim.cat.tracks[0].id+`"]}`))
	if svg := e.call(t, "GET", "/image/playlist/"+created.ID+"/640", "", nil); svg.status != 200 || bytes.Contains(svg.body, []byte("<script")) {
		t.Errorf("playlist image: %d, contains <script: %v", svg.status, bytes.Contains(svg.body, []byte("<script")))
	}
}

func TestHostHeaderIsNotReflectedUnsafely(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.login(t, "ines", allScopes...).AccessToken
	req, _ := http.NewRequest("GET", e.ts.URL+"/v1/me", nil)
	req.Host = `evil"host`
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := e.ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	// Go's server rejects such a Host outright; either way nothing breaks
	// out of a JSON string.
	if resp.StatusCode == 200 {
		t.Log("server accepted the Host header; baseURL must have sanitised it")
	}
	if validHost(`evil"host`) || !validHost("127.0.0.1:8080") || !validHost("[::1]:9000") {
		t.Error("validHost misjudges")
	}
}
