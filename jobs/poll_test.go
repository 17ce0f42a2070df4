package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/euterpe-dev/euterpe/auth"
	"github.com/euterpe-dev/euterpe/db"
	"github.com/euterpe-dev/euterpe/history"
	"github.com/euterpe-dev/euterpe/internal/testclock"
	"github.com/euterpe-dev/euterpe/internal/testenv"
	"github.com/euterpe-dev/euterpe/spotify/spotifysim"
	"github.com/euterpe-dev/euterpe/upstream"
)

// testClock is the time the simulator and the app share in these tests:
// it moves only when a test moves it.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Real(d time.Duration) time.Duration { return d }

func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.After(c.t) {
		c.t = t
	}
}

// pollEnv is the app's background side against the simulator, with the
// poll worker called directly so each test decides when polls happen.
type pollEnv struct {
	*testenv.Env
	clock  *testClock
	auth   *auth.Service
	budget *upstream.Budget
	runner *Runner
	worker *pollWorker
}

func newPollEnv(t *testing.T, perWindow int) *pollEnv {
	t.Helper()
	clk := &testClock{t: testclock.Start().UTC()}
	env := testenv.New(t, func(c *spotifysim.Config) { c.Now = clk.Now })
	e := &pollEnv{Env: env, clock: clk}
	e.budget = upstream.NewBudget(env.Log, env.Pool, perWindow, clk.Now)
	httpClient := &http.Client{Timeout: 10 * time.Second, Transport: e.budget.Meter(http.DefaultTransport, env.Config.Spotify.APIURL)}
	e.auth = auth.New(auth.Options{Log: env.Log, Pool: env.Pool, Config: env.Config, HTTP: httpClient, Now: clk.Now,
		OnLogin: func(ctx context.Context, tx pgx.Tx, userID uuid.UUID) error {
			return e.runner.EnrollTx(ctx, tx, userID)
		}})
	deps := Deps{Log: env.Log, Pool: env.Pool, Auth: e.auth, Store: history.NewStore(env.Pool), Budget: e.budget, Clock: clk}
	r, err := New(deps) // Concurrency 0: inserts jobs, works none
	if err != nil {
		t.Fatal(err)
	}
	e.runner = r
	e.worker = &pollWorker{deps: deps}
	return e
}

func (e *pollEnv) poll(t *testing.T, userID uuid.UUID) {
	t.Helper()
	job := &river.Job[pollArgs]{JobRow: &rivertype.JobRow{}, Args: pollArgs{UserID: userID}}
	if err := e.worker.Work(context.Background(), job); err != nil {
		t.Fatalf("poll: %v", err)
	}
}

func (e *pollEnv) state(t *testing.T, userID uuid.UUID) db.GetPollStateRow {
	t.Helper()
	st, err := db.New(e.Pool).GetPollState(context.Background(), userID)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func (e *pollEnv) recentCalls() int64 {
	return e.Sim.Stats().Requests["GET /v1/me/player/recently-played"]
}

func (e *pollEnv) control(t *testing.T, method, path, body string) {
	t.Helper()
	req, _ := http.NewRequest(method, e.SimURL+path, strings.NewReader(body))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode >= 300 {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, b)
	}
}

// truePlays are the listener's plays in (from, to] according to the
// simulator, as "track id @ played_at ms".
func (e *pollEnv) truePlays(t *testing.T, listener string, from, to time.Time) []string {
	t.Helper()
	q := url.Values{"listener": {listener}, "after": {fmt.Sprint(from.UnixMilli())}, "before": {fmt.Sprint(to.UnixMilli())}}
	res, err := http.Get(e.SimURL + "/_sim/history?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body struct {
		Items []struct {
			Track struct {
				ID string `json:"id"`
			} `json:"track"`
			PlayedAt time.Time `json:"played_at"`
		} `json:"items"`
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, it := range body.Items {
		out = append(out, fmt.Sprintf("%s@%d", it.Track.ID, it.PlayedAt.UnixMilli()))
	}
	return out // oldest first
}

// sorted is a copy of plays in string order, for comparing sets.
func sorted(plays []string) []string {
	s := slices.Clone(plays)
	slices.Sort(s)
	return s
}

// storedPlays are the plays stored for userID in (from, to], in the same
// form.
func (e *pollEnv) storedPlays(t *testing.T, userID uuid.UUID, from, to time.Time) []string {
	t.Helper()
	rows, err := e.Pool.Query(context.Background(), `SELECT t.spotify_id || '@' || (extract(epoch FROM p.played_at) * 1000)::bigint
		FROM euterpe.plays p JOIN euterpe.tracks t ON t.id = p.track_id
		WHERE p.user_id = $1 AND p.played_at > $2 AND p.played_at <= $3`, userID, from, to)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

func TestPollStoresNewPlaysAndMovesTheCursor(t *testing.T) {
	e := newPollEnv(t, 100)
	start := e.clock.Now()
	in := e.Login(t, e.auth, "dex") // never stops: the window is always full
	e.poll(t, in.UserID)
	st := e.state(t, in.UserID)
	if st.Polls != 1 || st.LastNewPlays != recentWindow || st.AfterMs == nil || !st.NextPollAt.After(start) {
		t.Fatalf("after the first poll: %+v", st)
	}
	// The first poll finds the last 50 plays: the window, exactly.
	window := e.truePlays(t, "dex", start.Add(-6*time.Hour), start)
	if got := e.storedPlays(t, in.UserID, start.Add(-6*time.Hour), start); !slices.Equal(got, sorted(window[len(window)-recentWindow:])) {
		t.Fatalf("first poll stored %d plays, not the last 50 of %d", len(got), len(window))
	}
	// Polling again before it is due calls nobody.
	calls := e.recentCalls()
	e.poll(t, in.UserID)
	if e.recentCalls() != calls {
		t.Fatal("a poll before the user was due called Spotify")
	}
	// When due, the next poll reads only what came after the cursor.
	e.clock.Set(st.NextPollAt)
	e.poll(t, in.UserID)
	st2 := e.state(t, in.UserID)
	if st2.Polls != 2 || *st2.AfterMs <= *st.AfterMs || st2.GapAt != nil {
		t.Fatalf("after the second poll: %+v (gap %v)", st2, st2.GapAt)
	}
	lastPolled := e.clock.Now()
	want := sorted(e.truePlays(t, "dex", time.UnixMilli(*st.AfterMs), lastPolled))
	got := e.storedPlays(t, in.UserID, time.UnixMilli(*st.AfterMs), lastPolled)
	if len(want) == 0 || !slices.Equal(got, want) {
		t.Fatalf("second poll: stored %d plays, Spotify has %d since the cursor", len(got), len(want))
	}
}

// TestPollingADayLosesNothing drives the real poller through a simulated
// day for every demo listener — each poll when its schedule says — and
// compares what was stored with what each listener played.
func TestPollingADayLosesNothing(t *testing.T) {
	e := newPollEnv(t, 1000)
	start := e.clock.Now()
	users := map[string]uuid.UUID{}
	for _, l := range e.Sim.Listeners() {
		users[l.ID] = e.Login(t, e.auth, l.ID).UserID
	}
	end := start.Add(24 * time.Hour)
	polls := map[string]int{}
	calls0 := e.recentCalls()
	for {
		// The next user due, as the dispatcher would find them.
		var next time.Time
		var who string
		for id, u := range users {
			if at := e.state(t, u).NextPollAt; who == "" || at.Before(next) {
				next, who = at, id
			}
		}
		if next.After(end) {
			break
		}
		e.clock.Set(next)
		e.poll(t, users[who])
		polls[who]++
	}
	e.clock.Set(end)
	calls := e.recentCalls() - calls0
	for id, u := range users {
		st := e.state(t, u)
		// Everything played from the first poll (whose window reaches
		// back further) to the last is stored.
		from, to := start, *st.LastPolledAt
		want := sorted(e.truePlays(t, id, from, to))
		got := e.storedPlays(t, u, from, to)
		lost := 0
		for _, p := range want {
			if _, found := slices.BinarySearch(got, p); !found {
				lost++
			}
		}
		t.Logf("%s: %d polls, %d plays in the day, %d lost", id, polls[id], len(want), lost)
		if lost > 0 || st.GapAt != nil {
			t.Errorf("%s lost %d of %d plays (gap at %v)", id, lost, len(want), st.GapAt)
		}
		if polls[id] > 30 {
			t.Errorf("%s was polled %d times in a day, want at most 30", id, polls[id])
		}
		if len(got) != len(want) {
			t.Errorf("%s: %d stored, %d played: something was stored twice or invented", id, len(got), len(want))
		}
	}
	if int(calls) != sum(polls) {
		t.Errorf("%d recently-played calls for %d polls", calls, sum(polls))
	}
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

func TestRateLimitPausesEveryUsersPolls(t *testing.T) {
	e := newPollEnv(t, 100)
	a := e.Login(t, e.auth, "ines").UserID
	b := e.Login(t, e.auth, "walt").UserID
	e.control(t, "POST", "/_sim/faults", `{"status":429,"retry_after":7200,"count":1,"path_prefix":"/v1/me/player/recently-played"}`)
	e.poll(t, a)
	now := e.clock.Now()
	if st := e.state(t, a); st.Polls != 0 || !st.NextPollAt.Equal(now.Add(2*time.Hour)) {
		t.Fatalf("after a 429 the user is due at %s, want %s", st.NextPollAt, now.Add(2*time.Hour))
	}
	// The other user is not polled either: the pause is the app's.
	calls := e.recentCalls()
	e.poll(t, b)
	if e.recentCalls() != calls {
		t.Fatal("another user was polled during the pause")
	}
	if st := e.state(t, b); !st.NextPollAt.Equal(now.Add(2 * time.Hour)) {
		t.Fatalf("the other user is due at %s, want the end of the pause", st.NextPollAt)
	}
	// A process that starts later sees the pause too (it is in the database).
	fresh := upstream.NewBudget(e.Log, e.Pool, 100, e.clock.Now)
	if until, err := fresh.PausedUntil(context.Background()); err != nil || !until.Equal(now.Add(2*time.Hour)) {
		t.Fatalf("a new process sees the pause until %s (%v)", until, err)
	}
	e.clock.Set(now.Add(2 * time.Hour))
	e.poll(t, b)
	if st := e.state(t, b); st.Polls != 1 {
		t.Fatalf("after the pause the poll did not run: %+v", st)
	}
}

func TestBackgroundWaitsForPeople(t *testing.T) {
	e := newPollEnv(t, 10)
	u := e.Login(t, e.auth, "amara").UserID
	// People's requests spent the bucket down to its last two calls: the
	// poll waits, and Spotify is not called.
	e.budget.Spent(8)
	if err := e.budget.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	calls := e.recentCalls()
	e.poll(t, u)
	st := e.state(t, u)
	if e.recentCalls() != calls || st.Polls != 0 || !st.NextPollAt.After(e.clock.Now()) {
		t.Fatalf("the poll did not wait for the budget: %+v", st)
	}
	// The bucket refills with time; then the poll goes ahead.
	e.clock.Set(st.NextPollAt)
	e.poll(t, u)
	if st := e.state(t, u); st.Polls != 1 {
		t.Fatalf("after the refill the poll did not run: %+v", st)
	}
}

func TestRevokedGrantStopsPollingUntilTheNextLogin(t *testing.T) {
	e := newPollEnv(t, 100)
	u := e.Login(t, e.auth, "kiko").UserID
	e.poll(t, u)
	e.clock.Set(e.state(t, u).NextPollAt.Add(2 * time.Hour)) // the access token has expired too
	e.control(t, "POST", "/_sim/revoke?listener=kiko", "")
	e.poll(t, u)
	st := e.state(t, u)
	if st.StoppedAt == nil || st.StoppedReason == nil || *st.StoppedReason != stoppedGrantEnded {
		t.Fatalf("after a revoked grant: %+v", st)
	}
	stopped := *st.StoppedAt
	// Stopped users are not handed out.
	users, err := db.New(e.Pool).ClaimDuePolls(context.Background(), db.ClaimDuePollsParams{AtTime: e.clock.Now().Add(48 * time.Hour), RedispatchSeconds: 1, MaxUsers: 10})
	if err != nil || len(users) != 0 {
		t.Fatalf("dispatched %v while stopped (%v)", users, err)
	}
	// Logging in again resumes polling at once, and remembers the gap.
	e.clock.Set(e.clock.Now().Add(time.Hour))
	e.Login(t, e.auth, "kiko")
	st = e.state(t, u)
	if st.StoppedAt != nil || st.InterruptedAt == nil || !st.InterruptedAt.Equal(stopped) || st.ResumedAt == nil {
		t.Fatalf("after logging in again: %+v", st)
	}
	e.poll(t, u)
	if st := e.state(t, u); st.Polls != 2 {
		t.Fatalf("polling did not resume: %+v", st)
	}
}

// TestOnePollAtATimePerUser: while one poll holds a user, another (from any
// process) skips them without calling Spotify; a poll whose transaction dies
// (its worker was killed) leaves the user due, from the same cursor.
func TestOnePollAtATimePerUser(t *testing.T) {
	e := newPollEnv(t, 100)
	u := e.Login(t, e.auth, "ines").UserID
	ctx := context.Background()
	tx, err := e.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.New(tx).LockDuePoll(ctx, db.LockDuePollParams{UserID: u, AtTime: e.clock.Now()}); err != nil {
		t.Fatal(err)
	}
	calls := e.recentCalls()
	e.poll(t, u)
	if e.recentCalls() != calls {
		t.Fatal("a second poll ran while the first held the user")
	}
	// The first poll's process dies: its transaction goes with it.
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if st := e.state(t, u); st.Polls != 0 || st.AfterMs != nil {
		t.Fatalf("a dead poll left %+v", st)
	}
	e.poll(t, u)
	if st := e.state(t, u); st.Polls != 1 || e.recentCalls() != calls+1 {
		t.Fatalf("the user was not polled after the dead poll: %+v", st)
	}
}

func TestDispatchHandsOutEachDueUserOnce(t *testing.T) {
	e := newPollEnv(t, 100)
	var users []uuid.UUID
	for _, id := range []string{"ines", "walt", "kiko"} {
		users = append(users, e.Login(t, e.auth, id).UserID)
	}
	ctx := context.Background()
	claim := func() []uuid.UUID {
		got, err := db.New(e.Pool).ClaimDuePolls(ctx, db.ClaimDuePollsParams{AtTime: e.clock.Now(), RedispatchSeconds: 3600, MaxUsers: 10})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	var mu sync.Mutex
	seen := map[uuid.UUID]int{}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for _, u := range claim() {
				mu.Lock()
				seen[u]++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(seen) != len(users) {
		t.Fatalf("dispatched %d users, want %d", len(seen), len(users))
	}
	for u, n := range seen {
		if n != 1 {
			t.Errorf("user %s dispatched %d times", u, n)
		}
	}
	if again := claim(); len(again) != 0 {
		t.Fatalf("redispatched %d users within the throttle", len(again))
	}
}
