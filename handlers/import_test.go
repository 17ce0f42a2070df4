package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/euterpe-dev/euterpe/imports"
)

// upload posts files to /history/import as a browser's form does, without
// following the redirect.
func upload(t *testing.T, c *http.Client, appURL string, files map[string][]byte) (int, string, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for name, data := range files {
		fw, err := mw.CreateFormFile("files", name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(data)
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, appURL+"/history/import", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := noRedirects(c).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Location"), string(b)
}

var importPath = regexp.MustCompile(`^/history/imports/([0-9a-f-]{36})$`)

func importID(t *testing.T, location string) uuid.UUID {
	t.Helper()
	m := importPath.FindStringSubmatch(location)
	if m == nil {
		t.Fatalf("redirected to %q, not an import's page", location)
	}
	return uuid.MustParse(m[1])
}

// extendedRows is a Streaming_History_Audio file of n plays of one track,
// ten minutes apart.
func extendedRows(n int) []byte {
	var b strings.Builder
	b.WriteString("[")
	start := time.Date(2024, 6, 1, 8, 0, 0, 0, time.UTC)
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"ts":%q,"ms_played":200000,"master_metadata_track_name":"Harvest Moon","master_metadata_album_artist_name":"Neil Young","master_metadata_album_album_name":"Harvest Moon","spotify_track_uri":"spotify:track:5rVU1YwJ1SfhxKj1WhnUKp"}`,
			start.Add(time.Duration(i)*10*time.Minute).Format(time.RFC3339))
	}
	b.WriteString("]")
	return []byte(b.String())
}

// TestImportFromUploadToResult walks the pages of one import: the upload
// answers at once with the import's page; its progress part is an htmx
// partial; once the job ran, the page says what was added and the list has
// it; another user cannot see it; deleting it takes its plays away.
func TestImportFromUploadToResult(t *testing.T) {
	e := newEnv(t, envOptions{})
	c := e.login(t, "walt")
	ctx := context.Background()

	status, body, _ := get(t, c, e.appURL+"/history/import")
	if status != 200 || !strings.Contains(string(body), `name="files"`) || !strings.Contains(string(body), "Import a demo export") {
		t.Fatalf("import page: %d", status)
	}
	code, loc, _ := upload(t, c, e.appURL, map[string][]byte{"Streaming_History_Audio_2024.json": extendedRows(30)})
	if code != http.StatusSeeOther {
		t.Fatalf("upload answered %d", code)
	}
	id := importID(t, loc)
	status, body, _ = get(t, c, e.appURL+loc)
	if status != 200 || !strings.Contains(string(body), "Streaming_History_Audio_2024.json") {
		t.Fatalf("import page before the job: %d %s", status, body)
	}
	// While one waits, another cannot start.
	if code, _, page := upload(t, c, e.appURL, map[string][]byte{"b.json": extendedRows(1)}); code != http.StatusConflict ||
		!strings.Contains(page, "already running") {
		t.Errorf("a second upload answered %d", code)
	}

	if err := e.importer.Run(ctx, id); err != nil {
		t.Fatal(err)
	}
	status, body, _ = get(t, c, e.appURL+loc+"?progress=1", "HX-Request", "true")
	if status != 200 || strings.Contains(string(body), "<html") || !strings.Contains(string(body), "<dd class=\"stat-value\">30</dd>") ||
		!strings.Contains(string(body), "1 Jun 2024") {
		t.Errorf("progress partial after the job: %d %s", status, body)
	}
	status, body, _ = get(t, c, e.appURL+"/history/imports")
	if status != 200 || !strings.Contains(string(body), loc) || !strings.Contains(string(body), "30 plays added") {
		t.Errorf("the list of imports: %d", status)
	}
	if n := e.count(t, "SELECT count(*) FROM euterpe.plays WHERE import_id = $1", id); n != 30 {
		t.Fatalf("%d plays stored", n)
	}

	// Someone else's import is not found, nor is a malformed id.
	other := e.login(t, "ines")
	for _, path := range []string{loc, loc + "?progress=1", "/history/imports/not-an-id"} {
		if status, _, _ := get(t, other, e.appURL+path); status != http.StatusNotFound {
			t.Errorf("GET %s by another user: %d", path, status)
		}
	}
	res, err := noRedirects(other).PostForm(e.appURL+loc+"/delete", nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound || e.count(t, "SELECT count(*) FROM euterpe.plays") != 30 {
		t.Errorf("another user's delete: %d", res.StatusCode)
	}

	res, err = noRedirects(c).PostForm(e.appURL+loc+"/delete", nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete answered %d", res.StatusCode)
	}
	if err := e.importer.RunDelete(ctx, id); err != nil {
		t.Fatal(err)
	}
	if n := e.count(t, "SELECT count(*) FROM euterpe.plays"); n != 0 {
		t.Errorf("%d plays left after deleting the import", n)
	}
	if status, _, _ := get(t, c, e.appURL+loc); status != http.StatusNotFound {
		t.Errorf("a deleted import's page: %d", status)
	}
}

// TestImportRefusesWhatIsNotAnExport: each bad upload gets its own message
// and status on the upload page, and leaves no import behind.
func TestImportRefusesWhatIsNotAnExport(t *testing.T) {
	e := newEnv(t, envOptions{})
	c := e.login(t, "amara")
	for _, tc := range []struct {
		name   string
		files  map[string][]byte
		status int
		says   string
	}{
		{"a picture", map[string][]byte{"cover.png": {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}}, 400, "neither a zip nor a JSON file"},
		{"no file", map[string][]byte{}, 400, "Nothing was uploaded"},
	} {
		code, _, page := upload(t, c, e.appURL, tc.files)
		if code != tc.status || !strings.Contains(page, tc.says) {
			t.Errorf("%s: %d, want %d saying %q", tc.name, code, tc.status, tc.says)
		}
	}
	// Not multipart at all.
	res, err := noRedirects(c).Post(e.appURL+"/history/import", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 400 || !strings.Contains(string(page), "Choose the zip") {
		t.Errorf("a JSON body: %d", res.StatusCode)
	}
	if n := e.count(t, "SELECT count(*) FROM euterpe.imports"); n != 0 {
		t.Errorf("%d imports after bad uploads", n)
	}

	// A file that breaks off mid-way is stored, and its import fails with a
	// message naming the file and the place; nothing of it stays.
	broken := extendedRows(5)
	broken = broken[:len(broken)-40]
	code, loc, _ := upload(t, c, e.appURL, map[string][]byte{"Streaming_History_Audio_2024_1.json": broken})
	if code != http.StatusSeeOther {
		t.Fatalf("upload of a truncated file: %d", code)
	}
	if err := e.importer.Run(context.Background(), importID(t, loc)); err != nil {
		t.Fatal(err)
	}
	_, body, _ := get(t, c, e.appURL+loc)
	if !strings.Contains(string(body), "Streaming_History_Audio_2024_1.json") || !strings.Contains(string(body), "failed") {
		t.Errorf("a failed import's page does not say which file failed: %s", body)
	}
	mustContainNone(t, "a failed import's page", string(body), e.secrets...)
	if n := e.count(t, "SELECT count(*) FROM euterpe.plays"); n != 0 {
		t.Errorf("%d plays from a failed import", n)
	}
}

// TestDemoImportAsksTheSimulator: in demo mode the page offers exports the
// simulated Spotify writes for the signed-in listener, in both formats.
func TestDemoImportAsksTheSimulator(t *testing.T) {
	e := newEnv(t, envOptions{})
	c := e.login(t, "amara")
	res, err := noRedirects(c).PostForm(e.appURL+"/history/import/demo", url.Values{"format": {"account"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("demo import answered %d", res.StatusCode)
	}
	id := importID(t, res.Header.Get("Location"))
	if err := e.importer.Run(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	var plays, unmatched int
	var name string
	if err := e.pool.QueryRow(context.Background(), "SELECT plays_added, unmatched, upload_name FROM euterpe.imports WHERE id = $1", id).
		Scan(&plays, &unmatched, &name); err != nil {
		t.Fatal(err)
	}
	// Account data names tracks without ids: none of amara's were polled.
	if plays == 0 || unmatched != plays || !strings.Contains(name, "demo") {
		t.Errorf("demo account data: %d plays, %d unmatched, named %q", plays, unmatched, name)
	}
}

// TestUploadInPiecesOverHTTP is the page script's protocol: begin, pieces,
// done, each a short request answering JSON; someone else's upload is not
// found; the done answer leads to the import's page.
func TestUploadInPiecesOverHTTP(t *testing.T) {
	e := newEnv(t, envOptions{})
	c := e.login(t, "walt")
	call := func(c *http.Client, method, path string, body []byte) (int, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest(method, e.appURL+path, bytes.NewReader(body))
		res, err := noRedirects(c).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out map[string]any
		if res.StatusCode != http.StatusNoContent {
			if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Fatalf("%s %s answered %d %s", method, path, res.StatusCode, ct)
			}
			json.NewDecoder(res.Body).Decode(&out)
		}
		return res.StatusCode, out
	}
	status, up := call(c, "POST", "/history/import/uploads", nil)
	if status != http.StatusCreated || up["piece_bytes"] != float64(imports.UploadPiece) {
		t.Fatalf("begin: %d %v", status, up)
	}
	base := "/history/import/uploads/" + up["id"].(string)
	if status, _ := call(c, "PUT", base+"/files/0/pieces/0?name=Streaming_History_Audio_2024.json", extendedRows(12)); status != http.StatusNoContent {
		t.Fatalf("piece: %d", status)
	}
	other := e.login(t, "ines")
	if status, body := call(other, "PUT", base+"/files/1/pieces/0?name=x.json", extendedRows(1)); status != http.StatusNotFound || body["error"] == nil {
		t.Errorf("another user's piece: %d %v", status, body)
	}
	for path, want := range map[string]int{
		base + "/files/x/pieces/0":                           http.StatusNotFound,
		base + "/files/0/pieces/9999":                        http.StatusBadRequest,
		"/history/import/uploads/not-an-id/files/0/pieces/0": http.StatusNotFound,
	} {
		if status, body := call(c, "PUT", path, extendedRows(1)); status != want || body["error"] == nil {
			t.Errorf("PUT %s: %d %v, want %d", path, status, body, want)
		}
	}
	if status, body := call(c, "PUT", base+"/files/0/pieces/1", make([]byte, imports.UploadPiece+1)); status != http.StatusRequestEntityTooLarge {
		t.Errorf("an oversized piece: %d %v", status, body)
	}
	if status, body := call(c, "POST", "/history/import/uploads", nil); status != http.StatusCreated {
		t.Errorf("beginning again replaces the unfinished upload: %d %v", status, body)
	} else {
		base = "/history/import/uploads/" + body["id"].(string)
	}
	call(c, "PUT", base+"/files/0/pieces/0?name=Streaming_History_Audio_2024.json", extendedRows(12))
	status, done := call(c, "POST", base+"/done", nil)
	if status != http.StatusOK || !strings.HasPrefix(done["url"].(string), "/history/imports/") {
		t.Fatalf("done: %d %v", status, done)
	}
	if err := e.importer.Run(context.Background(), importID(t, done["url"].(string))); err != nil {
		t.Fatal(err)
	}
	if n := e.count(t, "SELECT count(*) FROM euterpe.plays"); n != 12 {
		t.Errorf("%d plays imported, want 12", n)
	}
}
