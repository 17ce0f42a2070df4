package handlers

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/euterpe-dev/euterpe/history"
	"github.com/euterpe-dev/euterpe/internal/testclock"
	"github.com/euterpe-dev/euterpe/social"
	"github.com/euterpe-dev/euterpe/spotify"
)

// invite makes an invite as c and returns its link and token.
func (e *env) invite(t testing.TB, c *http.Client) (string, string) {
	t.Helper()
	status, body, res := postForm(t, c, e.appURL+"/friends/invites", nil)
	if status != http.StatusCreated || res.Header.Get("X-Robots-Tag") == "" {
		t.Fatalf("POST /friends/invites: %d %.300s", status, body)
	}
	return readyLink(t, body, "/friends/join/")
}

// accept accepts the invite as c and returns the compare page's path.
func (e *env) accept(t testing.TB, c *http.Client, token string) string {
	t.Helper()
	status, body, res := postForm(t, noRedirects(c), e.appURL+"/friends/join/"+token, nil)
	loc := res.Header.Get("Location")
	if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/friends/") {
		t.Fatalf("accept: %d %s %.300s", status, loc, body)
	}
	return loc
}

// friends makes a and b friends and returns the compare page's path.
func (e *env) friends(t testing.TB, a, b *http.Client) string {
	t.Helper()
	_, token := e.invite(t, a)
	return e.accept(t, b, token)
}

// topWeighted is a user's top 50 of kind over all time as History's JSON
// has it, as the affinity's input.
func topWeighted(t testing.TB, e *env, c *http.Client, k history.Kind) ([]social.Weighted, []string) {
	t.Helper()
	a := historyJSON(t, e, c, "period=all_time")
	var out []social.Weighted
	var names []string
	for _, it := range a.top(k).Items {
		out = append(out, social.Weighted{ID: it.ID, Plays: it.Plays})
		names = append(names, it.Name)
	}
	return out, names
}

// An invite opens for anyone with the link; accepted by a signed-in user it
// makes a friendship and is spent (a second person finds it gone; its own
// sender cannot spend it); both friends see the compare page, with the same
// score, which is the formula's over their History; either can end it, and
// then neither sees the other.
func TestFriendInviteAcceptCompareEnd(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	ines := e.historyUser(t, "ines", 20)
	walt := e.historyUser(t, "walt", 20)
	dex := e.login(t, "dex")
	link, token := e.invite(t, ines.c)
	if link != e.appURL+"/friends/join/"+token || !social.ValidToken(token) {
		t.Fatalf("invite link %q", link)
	}

	status, body, res := get(t, e.anonymous(t), link)
	d := doc(t, body)
	if status != http.StatusOK || !strings.Contains(d.Find("h1").Text(), "Inès Moreau invites you") ||
		d.Find(`a[href="/friends/join/`+token+`/login"]`).Length() != 1 || res.Header.Get("X-Robots-Tag") == "" {
		t.Fatalf("the invite, anonymously: %d %.300s", status, body)
	}
	_, body, _ = get(t, ines.c, link)
	if !strings.Contains(string(body), "This is your own invite") {
		t.Error("the sender's own view of the invite")
	}
	if status, _, _ := postForm(t, ines.c, link, nil); status != http.StatusConflict {
		t.Errorf("the sender accepting: %d", status)
	}
	if n := e.count(t, `SELECT count(*) FROM euterpe.friend_invites`); n != 1 {
		t.Fatalf("the sender's own attempt spent the invite (%d left)", n)
	}
	_, body, _ = get(t, walt.c, link)
	if doc(t, body).Find(`form[action="/friends/join/`+token+`"] button`).Length() != 1 {
		t.Fatal("no Accept button for a signed-in visitor")
	}
	page := e.accept(t, walt.c, token)
	if status, _, _ := postForm(t, dex, link, nil); status != http.StatusNotFound {
		t.Errorf("a second person accepting a spent invite: %d", status)
	}
	if n := e.count(t, `SELECT count(*) FROM euterpe.friend_invites`); n != 0 {
		t.Errorf("%d invites left after one was accepted", n)
	}
	if status, _, _ := get(t, dex, link); status != http.StatusNotFound {
		t.Errorf("a spent invite's page: %d", status)
	}

	// Both see the same score, the formula's over their top 50s.
	wa, _ := topWeighted(t, e, walt.c, history.Artists)
	ia, inesArtists := topWeighted(t, e, ines.c, history.Artists)
	wt, _ := topWeighted(t, e, walt.c, history.Tracks)
	it, _ := topWeighted(t, e, ines.c, history.Tracks)
	want := social.AffinityOf(wa, ia, wt, it)
	scores := map[string]string{}
	for who, c := range map[string]*http.Client{"walt": walt.c, "ines": ines.c} {
		status, body, _ := get(t, c, e.appURL+page+"?period=all_time")
		if status != http.StatusOK {
			t.Fatalf("%s's compare page: %d %.300s", who, status, body)
		}
		d := doc(t, body)
		scores[who] = strings.TrimSpace(d.Find(".social-score-value strong").Text())
		if n := d.Find(".social-clock").Length(); n != 2 {
			t.Errorf("%s sees %d clocks", who, n)
		}
		if n := d.Find(".social-clock svg rect").Length(); n != 2*7*24 {
			t.Errorf("%s's clocks have %d cells", who, n)
		}
		if who == "walt" {
			if h1 := d.Find("h1").Text(); h1 != "You and Inès Moreau" {
				t.Errorf("walt's heading %q", h1)
			}
			// Every common artist is in both top lists; what only Inès
			// loves is in hers.
			for _, name := range texts(d.Find("#common-artists .track-title")) {
				if !slices.Contains(inesArtists, name) {
					t.Errorf("common artist %q is not in Inès's top", name)
				}
			}
			for _, name := range texts(d.Find("#only-theirs-artists .track-title")) {
				if !slices.Contains(inesArtists, name) {
					t.Errorf("%q is not Inès's", name)
				}
			}
			mustContainNone(t, "the compare page", string(body), "ines@", "/history/artists/")
		}
	}
	if scores["walt"] != strconv.Itoa(want.Score) || scores["ines"] != scores["walt"] {
		t.Errorf("scores %v, the formula says %d (%+v)", scores, want.Score, want)
	}
	_, body, _ = get(t, ines.c, e.appURL+"/friends")
	if got := texts(doc(t, body).Find(".social-friends a")); !slices.Equal(got, []string{"Walt Brennan"}) {
		t.Errorf("Inès's friends %q", got)
	}

	// Walt ends it: neither sees the other.
	status, _, res = postForm(t, noRedirects(walt.c), e.appURL+page+"/end", nil)
	if status != http.StatusSeeOther || res.Header.Get("Location") != "/friends?notice=ended" {
		t.Fatalf("end: %d %s", status, res.Header.Get("Location"))
	}
	for who, c := range map[string]*http.Client{"walt": walt.c, "ines": ines.c} {
		if status, body, _ := get(t, c, e.appURL+page); status != http.StatusNotFound || strings.Contains(string(body), "Brennan") && who == "ines" {
			t.Errorf("%s after the end: %d", who, status)
		}
	}
}

// A signed-out visitor logs in from the invite and comes back to it.
func TestInviteLoginComesBack(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	ines := e.login(t, "ines")
	_, token := e.invite(t, ines)
	b := e.browser(t)
	page, err := b.Get(e.appURL + "/friends/join/" + token + "/login")
	if err != nil {
		t.Fatal(err)
	}
	res := consent(t, b, page, "walt", "accept")
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Request.URL.Path != "/friends/join/"+token {
		t.Fatalf("after the login: %d at %s", res.StatusCode, res.Request.URL)
	}
	e.accept(t, b, token)

	// An expired invite does not work, and its login is not started.
	_, token = e.invite(t, ines)
	if _, err := e.pool.Exec(context.Background(), `UPDATE euterpe.friend_invites SET expires_at = $1`, testclock.Now().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"", "/login"} {
		if status, _, _ := get(t, e.anonymous(t), e.appURL+"/friends/join/"+token+path); status != http.StatusNotFound {
			t.Errorf("expired invite%s: %d", path, status)
		}
	}
	if status, _, _ := postForm(t, e.login(t, "dex"), e.appURL+"/friends/join/"+token, nil); status != http.StatusNotFound {
		t.Errorf("accepting an expired invite: %d", status)
	}
}

// An address that keeps asking for invites that do not work is stopped
// after 30 in a minute, on every invite path; a working invite still opens
// for it.
func TestInviteMissesPerAddress(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	ines := e.login(t, "ines")
	_, token := e.invite(t, ines)
	anon := e.anonymous(t)
	for i := range 30 {
		path := []string{"", "/login"}[i%2]
		if status, _, _ := get(t, anon, e.appURL+"/friends/join/"+social.NewToken()+path); status != http.StatusNotFound {
			t.Fatalf("unknown invite %d: %d", i+1, status)
		}
	}
	walt := noRedirects(e.login(t, "walt"))
	for _, try := range []func() (int, *http.Response){
		func() (int, *http.Response) {
			status, _, res := get(t, anon, e.appURL+"/friends/join/"+social.NewToken())
			return status, res
		},
		func() (int, *http.Response) {
			status, _, res := get(t, anon, e.appURL+"/friends/join/"+social.NewToken()+"/login")
			return status, res
		},
		func() (int, *http.Response) {
			status, _, res := postForm(t, walt, e.appURL+"/friends/join/"+social.NewToken(), nil)
			return status, res
		},
	} {
		if status, res := try(); status != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
			t.Errorf("an unknown invite past 30 misses: %d, Retry-After %q", status, res.Header.Get("Retry-After"))
		}
	}
	if status, body, _ := get(t, anon, e.appURL+"/friends/join/"+token); status != http.StatusOK {
		t.Errorf("a working invite after the misses: %d %.200s", status, body)
	}
	e.accept(t, walt, token)
}

// Of several people accepting one invite at once, exactly one becomes the
// sender's friend.
func TestInviteIsSingleUseUnderRace(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	ines := e.login(t, "ines")
	var others []*http.Client
	for _, l := range []string{"walt", "kiko", "amara", "dex"} {
		others = append(others, noRedirects(e.login(t, l)))
	}
	for round := range 3 {
		if _, err := e.pool.Exec(context.Background(), `DELETE FROM euterpe.friendships`); err != nil {
			t.Fatal(err)
		}
		_, token := e.invite(t, ines)
		var wg sync.WaitGroup
		statuses := make([]int, len(others))
		for i, c := range others {
			wg.Go(func() {
				statuses[i], _, _ = postForm(t, c, e.appURL+"/friends/join/"+token, nil)
			})
		}
		wg.Wait()
		slices.Sort(statuses)
		if !slices.Equal(statuses, []int{http.StatusSeeOther, http.StatusNotFound, http.StatusNotFound, http.StatusNotFound}) {
			t.Errorf("round %d: %v", round, statuses)
		}
		if n := e.count(t, `SELECT count(*) FROM euterpe.friendships`); n != 1 {
			t.Errorf("round %d: %d friendships", round, n)
		}
	}
}

// The affinity through the whole stack, on plays made by hand: Inès plays
// tracks 1 and 2 twice each, Walt tracks 1 and 3 twice each (each track
// its own artist). Artists and tracks overlap by .5 each: 100 × (.7 × .5 +
// .3 × .5) = 50.
func TestAffinityOfHandmadePlays(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	ines, walt := e.login(t, "ines"), e.login(t, "walt")
	page := e.friends(t, ines, walt)
	at := testclock.Now().Add(-48 * time.Hour)
	for who, tracks := range map[string][]int{"ines": {1, 2}, "walt": {1, 3}} {
		var plays []history.Play
		for i, n := range tracks {
			for j := range 2 {
				tr := handmadeTrack(n)
				plays = append(plays, history.Play{Track: tr, PlayedAt: at.Add(time.Duration(10*i+5*j) * time.Minute), MSPlayed: -1})
			}
		}
		e.record(t, e.userID(t, who), history.SourcePoll, plays)
	}
	_, body, _ := get(t, ines, e.appURL+page+"?period=last_365_days")
	d := doc(t, body)
	if got := strings.TrimSpace(d.Find(".social-score-value strong").Text()); got != "50" {
		t.Errorf("score %q, want 50", got)
	}
	if got := texts(d.Find("#common-tracks .track-title")); !slices.Equal(got, []string{"Handmade Track 1"}) {
		t.Errorf("common tracks %q", got)
	}
	if got := texts(d.Find("#only-mine-tracks .track-title")); !slices.Equal(got, []string{"Handmade Track 2"}) {
		t.Errorf("only Inès's %q", got)
	}
	if got := texts(d.Find("#only-theirs-tracks .track-title")); !slices.Equal(got, []string{"Handmade Track 3"}) {
		t.Errorf("only Walt's %q", got)
	}
	// A range before any play: nothing to compare, said so.
	_, body, _ = get(t, ines, e.appURL+page+"?from=2020-01-01&to=2020-12-31")
	if got := doc(t, body).Find(".social-score-words").Text(); got != (social.Affinity{}).Words() {
		t.Errorf("an empty range says %q", got)
	}
	if status, _, _ := get(t, ines, e.appURL+page+"?period=forever"); status != http.StatusBadRequest {
		t.Errorf("a bad period: %d", status)
	}
}

// Three users, two of them friends: nothing of a friend reaches the third,
// whatever address they try; nobody touches anyone else's links, invites
// or friendships; share pages show what was chosen and nothing of anyone
// else; every state change refuses a cross-site request.
func TestSocialSecurityMatrix(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	users := map[string]*historyUser{}
	for _, l := range []string{"ines", "walt", "dex"} {
		users[l] = e.historyUser(t, l, 15)
	}
	ines, walt, dex := users["ines"], users["walt"], users["dex"]
	page := e.friends(t, ines.c, walt.c)
	_, inviteToken := e.invite(t, ines.c)
	names := map[string]string{"ines": "Inès Moreau", "walt": "Walt Brennan", "dex": "Dex Calloway"}
	// What each one's History holds that nobody else's page may show.
	topArtist := map[string]string{}
	for l, u := range users {
		a := historyJSON(t, e, u.c, "period=all_time").top(history.Artists).Items
		topArtist[l] = a[0].Name
	}

	// Each shares a History range showing only the clock, and a year
	// showing only the top songs, names shown.
	links := map[string][2]string{}
	for l, u := range users {
		clock, _ := e.makeShare(t, u.c, shareForm("history", []string{"clock"}, "period", "all_time"))
		songs, _ := e.makeShare(t, u.c, shareForm("year", []string{"top-songs"}, "year", thisYear()))
		links[l] = [2]string{clock, songs}
	}

	// Dex, not a friend, sees nothing of either.
	dexNoRedirect := noRedirects(dex.c)
	for _, try := range []struct {
		method, path string
	}{
		{"GET", page}, {"GET", page + "?period=all_time"}, {"POST", page + "/end"}, {"POST", page + "/blend"},
		{"GET", "/friends/" + "00000000-0000-0000-0000-000000000000"}, {"GET", "/friends/not-an-id"},
	} {
		var status int
		var body []byte
		if try.method == "GET" {
			status, body, _ = get(t, dexNoRedirect, e.appURL+try.path)
		} else {
			status, body, _ = postForm(t, dexNoRedirect, e.appURL+try.path, url.Values{"key": {social.RequestKey()}, "period": {"all_time"}})
		}
		if status != http.StatusNotFound {
			t.Errorf("dex %s %s: %d", try.method, try.path, status)
		}
		mustContainNone(t, "dex's "+try.path, string(body), names["ines"], names["walt"], topArtist["ines"], topArtist["walt"])
	}
	if n := e.count(t, `SELECT count(*) FROM euterpe.friendships`); n != 1 {
		t.Fatalf("dex ended the friendship of two others")
	}
	for l, u := range users {
		_, body, _ := get(t, u.c, e.appURL+"/friends")
		got := texts(doc(t, body).Find(".social-friends a"))
		want := map[string][]string{"ines": {names["walt"]}, "walt": {names["ines"]}, "dex": nil}[l]
		if !slices.Equal(got, want) {
			t.Errorf("%s's friends: %q, want %q", l, got, want)
		}
		if l == "dex" {
			mustContainNone(t, "dex's friends page", string(body), names["ines"], names["walt"])
		}
	}

	// Nobody revokes another's link or withdraws another's invite.
	var inesShare, inesInvite string
	if err := e.pool.QueryRow(context.Background(), `SELECT s.id FROM euterpe.shares s WHERE s.user_id = $1 LIMIT 1`, ines.id).Scan(&inesShare); err != nil {
		t.Fatal(err)
	}
	if err := e.pool.QueryRow(context.Background(), `SELECT id FROM euterpe.friend_invites`).Scan(&inesInvite); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/shares/" + inesShare + "/revoke", "/friends/invites/" + inesInvite + "/cancel", "/shares/x/revoke"} {
		if status, _, _ := postForm(t, dexNoRedirect, e.appURL+path, nil); status != http.StatusNotFound {
			t.Errorf("dex POST %s: %d", path, status)
		}
	}
	if n := e.count(t, `SELECT count(*) FROM euterpe.shares`); n != 6 {
		t.Errorf("%d links left of 6", n)
	}
	if n := e.count(t, `SELECT count(*) FROM euterpe.friend_invites`); n != 1 {
		t.Errorf("ines's invite was withdrawn by someone else")
	}

	// Share pages: what was chosen, the owner's name, nobody else's.
	anon := e.anonymous(t)
	for l := range users {
		for i, link := range links[l] {
			status, body, _ := get(t, anon, link)
			if status != http.StatusOK {
				t.Fatalf("%s's link %d: %d", l, i, status)
			}
			d := doc(t, body)
			if got := d.Find(".shared-by-name").Text(); got != "Shared by "+names[l] {
				t.Errorf("%s's link says %q", l, got)
			}
			for other, name := range names {
				if other != l {
					mustContainNone(t, l+"'s link", string(body), name, other+"@")
				}
			}
			mustContainNone(t, l+"'s link", string(body), `"`+l+`"`, users[l].id.String())
			if i == 0 { // the clock alone
				if d.Find(".social-clock").Length() != 1 || d.Find(".track, .year-top-item, .stat").Length() != 0 {
					t.Errorf("%s's clock link shows more than the clock", l)
				}
				mustContainNone(t, l+"'s clock link", string(body), topArtist[l])
			} else { // the year's top songs alone
				if d.Find("#year-songs-title").Length() != 1 || d.Find("#year-artists-title, #year-albums-title, .year-big, .chart--clock, #year-months-title").Length() != 0 {
					t.Errorf("%s's year link shows more than the top songs", l)
				}
			}
		}
	}

	// Signed out: the pages send to the login, an acceptance goes back to
	// the invite, unspent.
	for _, path := range []string{"/friends", "/shares", "/playlists", page} {
		if status, _, res := get(t, anon, e.appURL+path); status != http.StatusSeeOther || res.Header.Get("Location") != "/" {
			t.Errorf("anonymous GET %s: %d %s", path, status, res.Header.Get("Location"))
		}
	}
	if status, _, res := postForm(t, anon, e.appURL+"/friends/join/"+inviteToken, nil); status != http.StatusSeeOther ||
		res.Header.Get("Location") != "/friends/join/"+inviteToken {
		t.Errorf("anonymous accept: %d %s", status, res.Header.Get("Location"))
	}
	if n := e.count(t, `SELECT count(*) FROM euterpe.friend_invites`); n != 1 {
		t.Error("an anonymous POST spent the invite")
	}

	// Cross-site state changes are refused, and change nothing.
	for _, header := range [][2]string{{"Sec-Fetch-Site", "cross-site"}, {"Origin", "http://evil.example"}} {
		for _, try := range []struct {
			c    *http.Client
			path string
			form url.Values
		}{
			{ines.c, "/shares", shareForm("dashboard", []string{"top-songs"}, "range", "short_term")},
			{ines.c, "/shares/" + inesShare + "/revoke", nil},
			{ines.c, "/friends/invites", nil},
			{ines.c, "/friends/invites/" + inesInvite + "/cancel", nil},
			{dex.c, "/friends/join/" + inviteToken, nil},
			{walt.c, page + "/end", nil},
			{walt.c, page + "/blend", url.Values{"key": {social.RequestKey()}, "period": {"all_time"}}},
			{walt.c, "/playlists/top", url.Values{"key": {social.RequestKey()}, "range": {string(spotify.ShortTerm)}}},
		} {
			status, _, _ := postForm(t, noRedirects(try.c), e.appURL+try.path, try.form, header[0], header[1])
			if status != http.StatusForbidden {
				t.Errorf("%s: POST %s: %d, want 403", header, try.path, status)
			}
		}
	}
	for q, want := range map[string]int{
		`SELECT count(*) FROM euterpe.shares`:         6,
		`SELECT count(*) FROM euterpe.friend_invites`: 1,
		`SELECT count(*) FROM euterpe.friendships`:    1,
		`SELECT count(*) FROM euterpe.made_playlists`: 0,
		`SELECT count(*) FROM euterpe.login_states`:   0,
	} {
		if n := e.count(t, q); n != want {
			t.Errorf("after cross-site requests %s = %d, want %d", q, n, want)
		}
	}
}
