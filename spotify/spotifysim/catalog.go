package spotifysim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"
)

// Time ranges of the top endpoints, in the order Spotify documents them.
const (
	shortTerm = iota
	mediumTerm
	longTerm
	numRanges
)

var timeRangeNames = [numRanges]string{"short_term", "medium_term", "long_term"}

// parseTimeRange maps the query value to a range index.
func parseTimeRange(v string) (int, bool) {
	if v == "" {
		return mediumTerm, true // Spotify's documented default
	}
	for i, n := range timeRangeNames {
		if n == v {
			return i, true
		}
	}
	return 0, false
}

type artist struct {
	id, name   string
	scene      int
	style      int
	genres     []string
	popularity int
	followers  int
	albums     []*album
	tracks     []*track

	full   []byte // ArtistObject, rendered for the server's mode
	simple []byte // SimplifiedArtistObject
}

type album struct {
	id, name    string
	albumType   string // album, single, compilation
	releaseDate string
	precision   string // year, month, day
	label       string
	artists     []*artist
	tracks      []*track

	simple []byte // SimplifiedAlbumObject
}

type track struct {
	id, name    string
	album       *album
	artists     []*artist
	discNumber  int
	trackNumber int
	durationMS  int
	explicit    bool
	popularity  int
	isrc        string

	full []byte // TrackObject
}

// playContext is where a play started from; nil means no context, which
// Spotify reports as "context": null.
type playContext struct {
	kind string // album, playlist, artist
	id   string
}

type play struct {
	track    *track
	playedAt int64 // Unix milliseconds; when the track ended
	heardMS  int64 // how much of it was heard: a skip cuts it short
	context  *playContext
}

type user struct {
	id, displayName string
}

type playlistItem struct {
	track   *track
	addedAt time.Time
	addedBy string
}

// playlist is mutable (items are added, playlists created); it is guarded by
// Server.mu.
type playlist struct {
	id, name, description string
	owner                 user
	public, collaborative bool
	collaborators         map[string]bool
	followers             int
	items                 []playlistItem
	version               int
}

// listenerState is one demo listener with everything the Web API reports
// about them.
type listenerState struct {
	persona
	accountID string
	email     string
	followers int

	// topArtists and topTracks are the lists as the catalog draws them,
	// the base that the lists of each day move around (toplists.go):
	// topBase holds the artists with their base scores, fringe the artists
	// who enter a range's list only at times.
	topArtists [numRanges][]*artist
	topTracks  [numRanges][]*track
	topBase    [numRanges][]scoredArtist
	fringe     [numRanges][]scoredArtist

	// listenSeed and listenPlaylists are what the generated listening
	// history is made of (see history.go). The playlists are copied when the
	// catalog is built, so that playlists edited over the Web API do not
	// change plays already reported.
	listenSeed      uint64
	listenPlaylists []listenPlaylist

	// library is the listener's playlists, newest first; guarded by Server.mu.
	library []*playlist
}

type catalog struct {
	artists []*artist
	albums  []*album
	tracks  []*track

	artistByID map[string]*artist
	albumByID  map[string]*album
	trackByID  map[string]*track

	listeners    []*listenerState
	listenerByID map[string]*listenerState
	users        map[string]user
	// userRefs are pre-rendered PlaylistUserObjects (added_by) by user id.
	userRefs map[string][]byte
	// playlists grows when listeners create playlists; guarded by Server.mu.
	playlists map[string]*playlist
}

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// spotifyID returns a 22-character base62 id, the shape of Spotify's ids.
func spotifyID(r *rand.Rand) string {
	b := make([]byte, 22)
	for i := range b {
		b[i] = base62[r.IntN(len(base62))]
	}
	return string(b)
}

func isBase62ID(s string) bool {
	if len(s) != 22 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
			return false
		}
	}
	return true
}

func between(r *rand.Rand, lo, hi int) int { return lo + r.IntN(hi-lo+1) }

// editorial is the owner of Spotify's own playlists.
var editorial = user{id: "spotify", displayName: "Spotify"}

const artistsPerScene = 24

// generateCatalog builds the whole catalog from the seed. anchor (the server's
// start time) only positions the playlist additions, as they would be for a
// real account. The listening history does not depend on it: it is generated
// day by day from the seed alone (history.go).
func generateCatalog(seed int64, anchor time.Time) *catalog {
	r := rand.New(rand.NewPCG(uint64(seed), 0x45757465727065)) // "Euterpe"
	c := &catalog{
		artistByID:   map[string]*artist{},
		albumByID:    map[string]*album{},
		trackByID:    map[string]*track{},
		listenerByID: map[string]*listenerState{},
		users:        map[string]user{editorial.id: editorial},
		playlists:    map[string]*playlist{},
	}
	sc := scenes()
	byScene := make([][]*artist, len(sc))
	usedNames := map[string]bool{}
	for si, s := range sc {
		for i := range artistsPerScene {
			st := i % len(s.styles)
			name := s.styles[st].artistName(r)
			for usedNames[name] {
				name = s.styles[st].artistName(r)
			}
			usedNames[name] = true
			a := &artist{id: spotifyID(r), name: name, scene: si, style: st}
			// Popularity and followers are skewed low inside each scene, as
			// real catalogs are: a few stars, a long tail.
			skew := math.Pow(r.Float64(), 1.6)
			a.popularity = s.minPopularity + int(skew*float64(s.maxPopularity-s.minPopularity))
			a.followers = int(float64(s.minFollowers) * math.Pow(float64(s.maxFollowers)/float64(s.minFollowers), skew))
			g := slices.Clone(s.styles[st].genres)
			r.Shuffle(len(g), func(i, j int) { g[i], g[j] = g[j], g[i] })
			a.genres = g[:between(r, 1, 3)]
			byScene[si] = append(byScene[si], a)
			c.artists = append(c.artists, a)
			c.artistByID[a.id] = a
		}
	}
	for _, a := range c.artists {
		s := sc[a.scene]
		nAlbums := between(r, 1, 3)
		nSingles := r.IntN(3)
		for i := range nAlbums + nSingles {
			kind := "album"
			n := between(r, 5, 10)
			switch {
			case i >= nAlbums:
				kind, n = "single", between(r, 1, 3)
			case a.scene == 1 && i == nAlbums-1 && r.IntN(3) == 0:
				kind, n = "compilation", between(r, 8, 12)
			}
			c.addAlbum(r, s, a, kind, n, byScene[a.scene])
		}
	}
	c.ensurePrecisions()
	for _, p := range personas() {
		c.addListener(r, p, byScene)
	}
	c.addPlaylists(r, anchor)
	for _, l := range c.listeners {
		l.listenSeed = listenSeed(seed, l.id)
		c.addFringe(l)
		for _, p := range l.library {
			lp := listenPlaylist{id: p.id}
			for _, it := range p.items {
				lp.tracks = append(lp.tracks, it.track)
			}
			l.listenPlaylists = append(l.listenPlaylists, lp)
		}
	}
	return c
}

func (c *catalog) addAlbum(r *rand.Rand, s scene, a *artist, kind string, n int, peers []*artist) {
	st := s.styles[a.style]
	al := &album{id: spotifyID(r), albumType: kind, artists: []*artist{a}, label: pick(r, s.labels)}
	switch kind {
	case "compilation":
		al.name = pick(r, []string{"Greatest Hits", "The Very Best of " + a.name, "Anthology", "Gold"})
	case "single":
		al.name = ""
	default:
		al.name = st.albumName(r)
	}
	year := between(r, s.fromYear, s.toYear)
	if kind == "compilation" {
		year = between(r, 1990, 2015)
	}
	month, day := between(r, 1, 12), between(r, 1, 28)
	// Older releases are more often known only to the year or month, as on
	// Spotify.
	roll := r.Float64()
	yearOnly, monthOnly := 0.08, 0.12
	if year < 1980 {
		yearOnly, monthOnly = 0.4, 0.25
	}
	switch {
	case roll < yearOnly:
		al.precision, al.releaseDate = "year", fmt.Sprintf("%04d", year)
	case roll < yearOnly+monthOnly:
		al.precision, al.releaseDate = "month", fmt.Sprintf("%04d-%02d", year, month)
	default:
		al.precision, al.releaseDate = "day", fmt.Sprintf("%04d-%02d-%02d", year, month, day)
	}
	discs := 1
	if n >= 8 && (a.scene == 1 || a.scene == 3) && r.IntN(4) == 0 {
		discs = 2
	}
	perDisc := (n + discs - 1) / discs
	for i := range n {
		t := &track{
			id:          spotifyID(r),
			name:        st.trackName(r),
			album:       al,
			artists:     []*artist{a},
			discNumber:  1 + i/perDisc,
			trackNumber: 1 + i%perDisc,
			explicit:    r.Float64() < s.explicitChance,
			popularity:  max(0, min(100, a.popularity+between(r, -15, 10))),
			isrc:        fmt.Sprintf("%s%c%c%c%02d%05d", pick(r, []string{"US", "GB", "DE", "FR", "SE", "JP"}), 'A'+r.IntN(26), 'A'+r.IntN(26), 'A'+r.IntN(26), year%100, r.IntN(100000)),
		}
		t.durationMS = durationFor(r, a.scene)
		// Features are common in pop and hip-hop; they make multi-artist
		// tracks that an analytics app has to handle.
		if (a.scene == 2 || a.scene == 4) && r.IntN(5) == 0 {
			if f := pick(r, peers); f != a && f.style == a.style {
				t.artists = append(t.artists, f)
				f.tracks = append(f.tracks, t)
			}
		}
		if kind == "single" && i == 0 {
			al.name = t.name
		}
		al.tracks = append(al.tracks, t)
		a.tracks = append(a.tracks, t)
		c.tracks = append(c.tracks, t)
		c.trackByID[t.id] = t
	}
	a.albums = append(a.albums, al)
	c.albums = append(c.albums, al)
	c.albumByID[al.id] = al
}

func durationFor(r *rand.Rand, sceneIdx int) int {
	secs := map[int][2]int{0: {140, 290}, 1: {170, 560}, 2: {130, 225}, 3: {200, 760}, 4: {140, 420}}[sceneIdx]
	return between(r, secs[0], secs[1])*1000 + r.IntN(1000)
}

// ensurePrecisions makes sure every release_date_precision occurs, whatever
// the seed, so clients meet "1997", "1997-03" and "1997-03-14".
func (c *catalog) ensurePrecisions() {
	have := map[string]bool{}
	for _, al := range c.albums {
		have[al.precision] = true
	}
	forced := 0
	for _, p := range []string{"year", "month", "day"} {
		if have[p] {
			continue
		}
		al := c.albums[forced]
		forced++
		year := al.releaseDate[:4]
		switch p {
		case "year":
			al.releaseDate = year
		case "month":
			al.releaseDate = year + "-06"
		case "day":
			al.releaseDate = year + "-06-15"
		}
		al.precision = p
	}
}

func shuffled(r *rand.Rand, as []*artist) []*artist {
	out := slices.Clone(as)
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// addListener derives a listener's top lists. The groups overlap on purpose:
// "core" artists are in all three ranges, "longOnly" only in long_term, and
// "shortOnly" only in short_term, so that every listener has answers to
// "always loved", "old favourites" and "new discoveries".
func (c *catalog) addListener(r *rand.Rand, p persona, byScene [][]*artist) {
	l := &listenerState{persona: p, accountID: spotifyID(r)[:10]}
	l.email = p.id + "@example.com"
	l.followers = between(r, 0, 250)
	primary := shuffled(r, byScene[p.primary])
	secondary := shuffled(r, byScene[p.secondary])
	var others []*artist
	for si, as := range byScene {
		if si != p.primary && si != p.secondary {
			others = append(others, as...)
		}
	}
	others = shuffled(r, others)
	take := func(src *[]*artist, n int) []*artist {
		out := (*src)[:n]
		*src = (*src)[n:]
		return out
	}
	cat := func(parts ...[]*artist) []*artist { return slices.Concat(parts...) }
	core := cat(take(&primary, 9), take(&secondary, 1))
	longOnly := cat(take(&primary, 8), take(&secondary, 4), take(&others, 2))
	midLong := cat(take(&primary, 3), take(&secondary, 3), take(&others, 2))
	midOnly := cat(take(&primary, 1), take(&secondary, 3), take(&others, 2))
	midShort := cat(take(&primary, 3), take(&secondary, 2), take(&others, 1))
	shortOnly := cat(take(&secondary, 5), take(&others, 3))

	type weighted struct {
		groups []([]*artist)
		weight []float64
	}
	ranges := [numRanges]weighted{
		shortTerm:  {[][]*artist{core, midShort, shortOnly}, []float64{2.5, 2.0, 1.8}},
		mediumTerm: {[][]*artist{core, midLong, midOnly, midShort}, []float64{2.6, 2.0, 1.6, 1.4}},
		longTerm:   {[][]*artist{core, longOnly, midLong}, []float64{2.7, 2.2, 1.2}},
	}
	for tr, w := range ranges {
		type scored struct {
			a *artist
			s float64
		}
		var list []scored
		for gi, g := range w.groups {
			for _, a := range g {
				list = append(list, scored{a, w.weight[gi] + 1.6*r.Float64()})
			}
		}
		slices.SortStableFunc(list, func(x, y scored) int {
			switch {
			case x.s > y.s:
				return -1
			case x.s < y.s:
				return 1
			}
			return 0
		})
		for _, s := range list {
			l.topArtists[tr] = append(l.topArtists[tr], s.a)
			l.topBase[tr] = append(l.topBase[tr], scoredArtist{a: s.a, base: s.s})
		}
		// Top tracks follow the artists: several tracks of the favourites,
		// one of the rest, capped at 50 as Spotify caps its top lists.
		seen := map[*track]bool{}
		for rank, a := range l.topArtists[tr] {
			n := 1
			switch {
			case rank < 6:
				n = 3
			case rank < 16:
				n = 2
			}
			ts := slices.Clone(a.tracks)
			r.Shuffle(len(ts), func(i, j int) { ts[i], ts[j] = ts[j], ts[i] })
			for _, t := range ts[:min(n, len(ts))] {
				if !seen[t] && len(l.topTracks[tr]) < 50 {
					seen[t] = true
					l.topTracks[tr] = append(l.topTracks[tr], t)
				}
			}
		}
		// Interleave so a top-tracks page is not artist-by-artist.
		tt := l.topTracks[tr]
		for i := len(tt) - 1; i > 0; i-- {
			if j := i - r.IntN(min(i, 4)+1); j != i {
				tt[i], tt[j] = tt[j], tt[i]
			}
		}
	}
	c.listeners = append(c.listeners, l)
	c.listenerByID[l.id] = l
	c.users[l.id] = user{id: l.id, displayName: l.displayName}
}

// listenerPool is every track by an artist in any of l's top lists.
func listenerPool(l *listenerState) []*track {
	seen := map[*track]bool{}
	var out []*track
	for tr := range numRanges {
		for _, a := range l.topArtists[tr] {
			for _, t := range a.tracks {
				if !seen[t] {
					seen[t] = true
					out = append(out, t)
				}
			}
		}
	}
	return out
}

func (c *catalog) newPlaylist(r *rand.Rand, owner user, name, desc string, public bool) *playlist {
	p := &playlist{id: spotifyID(r), name: name, description: desc, owner: owner, public: public, version: 1}
	c.playlists[p.id] = p
	return p
}

func fill(r *rand.Rand, p *playlist, from []*track, n int, addedBy func() string, newest time.Time, spanDays int) {
	pool := slices.Clone(from)
	r.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
	n = min(n, len(pool))
	if n == 0 {
		return
	}
	start := newest.Add(-time.Duration(spanDays) * 24 * time.Hour)
	step := time.Duration(spanDays) * 24 * time.Hour / time.Duration(n)
	for i, t := range pool[:n] {
		at := start.Add(time.Duration(i)*step + time.Duration(r.IntN(3600))*time.Second).Truncate(time.Second)
		p.items = append(p.items, playlistItem{track: t, addedAt: at.UTC(), addedBy: addedBy()})
	}
}

// addPlaylists gives every listener owned playlists (one over 100 items, one
// empty) and followed ones (editorial, another listener's, a shared
// collaborative one), so that paging and the ownership rules of
// /playlists/{id}/items are all exercised.
func (c *catalog) addPlaylists(r *rand.Rand, anchor time.Time) {
	sc := scenes()
	dayBefore := anchor.Add(-24 * time.Hour)
	shared := c.newPlaylist(r, user{c.listeners[0].id, c.listeners[0].displayName}, "Road Trip Mixtape",
		"Everyone adds three songs. No skipping.", false)
	shared.collaborative = true
	shared.collaborators = map[string]bool{}
	for _, l := range c.listeners {
		shared.collaborators[l.id] = true
		lid := l.id
		fill(r, shared, listenerPool(l), 6, func() string { return lid }, dayBefore, 40)
	}
	slices.SortFunc(shared.items, func(a, b playlistItem) int { return a.addedAt.Compare(b.addedAt) })

	var publicOwned []*playlist
	for _, l := range c.listeners {
		me := user{l.id, l.displayName}
		self := func() string { return me.id }
		pool := listenerPool(l)
		big := c.newPlaylist(r, me, "Everything, forever", "The long list. Still growing.", true)
		fill(r, big, pool, between(r, 130, 230), self, dayBefore, 900)
		var owned []*playlist
		owned = append(owned, big)
		for range between(r, 2, 3) {
			p := c.newPlaylist(r, me, titleWords(r), "", r.IntN(2) == 0)
			fill(r, p, pool, between(r, 12, 60), self, dayBefore.Add(-time.Duration(r.IntN(200))*24*time.Hour), 120)
			owned = append(owned, p)
		}
		owned = append(owned, c.newPlaylist(r, me, "drafts", "", false))
		if l.primary == 1 || r.IntN(2) == 0 {
			publicOwned = append(publicOwned, big)
		}

		var followed []*playlist
		genre := pick(r, sc[l.primary].styles[0].genres)
		ess := c.newPlaylist(r, editorial, titleCase(genre)+" Essentials",
			"The essential tracks of "+genre+". Cover: "+l.topArtists[longTerm][0].name, true)
		ess.followers = between(r, 50_000, 2_000_000)
		var sceneTracks []*track
		for _, t := range c.tracks {
			if t.artists[0].scene == l.primary {
				sceneTracks = append(sceneTracks, t)
			}
		}
		fill(r, ess, sceneTracks, between(r, 105, 160), func() string { return editorial.id }, dayBefore, 60)
		fav := l.topArtists[mediumTerm][0]
		this := c.newPlaylist(r, editorial, "This Is "+fav.name, "The essential tracks, all in one playlist.", true)
		this.followers = between(r, 1_000, 400_000)
		fill(r, this, fav.tracks, len(fav.tracks), func() string { return editorial.id }, dayBefore, 30)
		followed = append(followed, ess, this, shared)

		// Library order is newest first, mixing owned and followed.
		lib := slices.Concat(owned, followed)
		r.Shuffle(len(lib), func(i, j int) { lib[i], lib[j] = lib[j], lib[i] })
		l.library = lib
	}
	// Each listener also follows another listener's public playlist.
	for i, l := range c.listeners {
		if len(publicOwned) == 0 {
			break
		}
		p := publicOwned[(i+1)%len(publicOwned)]
		if p.owner.id == l.id {
			p = publicOwned[(i+2)%len(publicOwned)]
		}
		if p.owner.id != l.id {
			p.followers++
			l.library = append(l.library, p)
		}
	}
}

func titleCase(s string) string {
	b := []byte(s)
	up := true
	for i, ch := range b {
		if up && ch >= 'a' && ch <= 'z' {
			b[i] = ch - 'a' + 'A'
		}
		up = ch == ' ' || ch == '-'
	}
	return string(b)
}

func shuffledTracks(r *rand.Rand, ts []*track) []*track {
	out := slices.Clone(ts)
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}
