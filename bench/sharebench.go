package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/euterpe-dev/euterpe/bench/stack"
	"github.com/euterpe-dev/euterpe/config"
	"github.com/euterpe-dev/euterpe/social"
)

// Issue 14's measure: a share link's public page under a warm load, against
// the owner's own dashboard page in the same run, and the Spotify calls
// made meanwhile.

const (
	secShare section = secSimulatedDay + 2

	shareListener = "ines"
	shareYears    = 3  // of the listener's history, imported before the link is made
	shareClients  = 64 // connections, as wrk -c64
)

func (b *bench) sharePhase(ctx context.Context) error {
	dbURL, _, err := b.throwawayDatabase(ctx)
	if err != nil {
		return err
	}
	sim, app, _, err := b.startStack(dbURL, 0, nil)
	if err != nil {
		return err
	}
	owner, err := stack.Login(ctx, app.URL, shareListener)
	if err != nil {
		return err
	}
	if err := waitFirstPolls(ctx, dbURL, 1); err != nil {
		return err
	}
	// A history to share: the simulator's export of the listener's last
	// years, through the import page's upload.
	dir := filepath.Join(b.tmp, "share")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	exp, err := writeExport(ctx, sim, shareListener, shareYears, 0, dir)
	if err != nil {
		return err
	}
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	imported, err := importOnce(ctx, conn, owner, exp.path, nil)
	if err != nil {
		return err
	}
	b.progress("share: %s imported %d plays (%d listens) in %s", shareListener, imported.added, exp.rows, imported.took.Round(time.Millisecond))

	kind := social.ShareHistory
	var panels []string
	for _, p := range kind.Panels() {
		panels = append(panels, p.ID)
	}
	token, err := makeShare(ctx, owner, url.Values{"kind": {string(kind)}, "period": {"all_time"}, "panel": panels,
		"expires": {"never"}, "show_name": {"yes"}})
	if err != nil {
		return err
	}
	sharePath := "/s/" + token
	// Warm: each page once, and whatever the sign-in set off is let end.
	for _, r := range []stack.Request{{Path: sharePath}, {Path: "/", Session: owner.Session}} {
		res := stack.Load{BaseURL: app.URL, Clients: 1, Duration: 200 * time.Millisecond, Requests: []stack.Request{r}}.Run(ctx)
		if res.Count() == 0 || res.Errors() > 0 {
			return fmt.Errorf("bench: warming %s: %s", r.Path, res.FirstErr)
		}
	}
	if err := waitQuiet(ctx, sim, 500*time.Millisecond, 15*time.Second); err != nil {
		return err
	}

	before, err := sim.Stats(ctx)
	if err != nil {
		return err
	}
	shared := b.measure(ctx, app, "share", shareClients, []stack.Request{{Path: sharePath}})
	between, err := sim.Stats(ctx)
	if err != nil {
		return err
	}
	own := b.measure(ctx, app, "dashboard", shareClients, []stack.Request{{Path: "/", Session: owner.Session}})
	after, err := sim.Stats(ctx)
	if err != nil {
		return err
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	for _, r := range []struct {
		name string
		res  measured
	}{{sharePath, shared}, {"/", own}} {
		if r.res.Count() == 0 || r.res.Errors() > 0 {
			return fmt.Errorf("bench: %s under load: %d errors of %d (statuses %v; first: %s)", r.name, r.res.Errors(), r.res.Count(), r.res.Statuses(), r.res.FirstErr)
		}
	}
	shareCalls := diffStats(before, between)
	ownCalls := diffStats(between, after)
	ratio := shared.PerSecond() / own.PerSecond()
	b.table.info(secShare, fmt.Sprintf("share page /s/{token} vs the owner's dashboard page /, warm, %d connections (%s's History, all time, %d panels, %s plays imported)",
		shareClients, shareListener, len(panels), thousands(int(imported.added))),
		fmt.Sprintf("%.0f %% (%.0f vs %.0f req/s); the per-link limit (RATE_LIMIT_PER_MINUTE, %d a minute by default) is raised in the bench's app, as for every user",
			100*ratio, shared.PerSecond(), own.PerSecond(), config.DefaultRateLimit))
	b.table.info(secShare, "  /s/{token} latency p50 / p99", shared.describe())
	b.table.info(secShare, "  / (the owner's page) latency p50 / p99", own.describe())
	desc := "none"
	if shareCalls.Total() > 0 {
		desc = describeCalls(shareCalls)
	}
	b.table.check(secShare, fmt.Sprintf("  Spotify calls during the share load (%s requests)", thousands(shared.Count())),
		fmt.Sprintf("%d (%s); during the dashboard load: %d", shareCalls.Total(), desc, ownCalls.Total()), "0", shareCalls.Total() == 0)
	return nil
}

// makeShare posts the form of /shares as the owner's browser does (a
// same-origin form: no Origin or Sec-Fetch-Site header says otherwise) and
// returns the new link's token, shown this once.
func makeShare(ctx context.Context, br *stack.Browser, form url.Values) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, br.AppURL+"/shares", strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := br.Client.Do(req)
	if err != nil {
		return "", fmt.Errorf("bench: POST /shares: %w", err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusCreated {
		return "", fmt.Errorf("bench: POST /shares: %d %.400s", res.StatusCode, body)
	}
	m := regexp.MustCompile(`/s/([A-Za-z0-9_-]{20,})`).FindSubmatch(body)
	if m == nil {
		return "", fmt.Errorf("bench: POST /shares: no link in the page: %.400s", body)
	}
	return string(m[1]), nil
}

// diffStats is what the simulator counted between two reads.
func diffStats(a, b stack.SimStats) stack.SimStats {
	d := stack.SimStats{Requests: map[string]int64{}}
	for k, v := range b.Requests {
		if n := v - a.Requests[k]; n > 0 {
			d.Requests[k] = n
		}
	}
	return d
}
