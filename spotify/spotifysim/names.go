package spotifysim

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// scene is one taste cluster of the generated catalog: the era and how
// obscure its artists are, and one or more styles (genres and naming).
// Listeners are built from scenes, so their tastes differ in genre, era and
// popularity at once.
type scene struct {
	name           string
	fromYear       int
	toYear         int
	minPopularity  int
	maxPopularity  int
	minFollowers   int
	maxFollowers   int
	explicitChance float64
	labels         []string
	styles         []style
}

// style keeps an artist's genres and names coherent: a jazz trio plays hard
// bop, not baroque.
type style struct {
	genres     []string
	artistName func(r *rand.Rand) string
	albumName  func(r *rand.Rand) string
	trackName  func(r *rand.Rand) string
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

var (
	// These are read-only word lists, not mutable state.
	adjectives = []string{"Quiet", "Golden", "Paper", "Hollow", "Velvet", "Silver", "Northern", "Pale", "Electric",
		"Slow", "Midnight", "Gentle", "Wild", "Borrowed", "Faded", "Crimson", "Static", "Amber", "Lonely", "Bright",
		"Distant", "Sunken", "Restless", "Tender", "Broken", "Lucky", "Sleepy", "Neon", "Secret", "Winter"}
	nouns = []string{"Harbor", "Orchard", "Lantern", "Meridian", "Garden", "River", "Signal", "Window", "Engine",
		"Mirror", "Canyon", "Comet", "Parade", "Satellite", "Feather", "Highway", "Ocean", "Tower", "Echo", "Season",
		"Kingdom", "Postcard", "Thunder", "Island", "Horizon", "Ember", "Station", "Cathedral", "Meadow", "Wire"}
	firstNames = []string{"Ada", "Miles", "Nina", "Theo", "Iris", "Jonah", "Clara", "Felix", "Maya", "Oscar", "Lena",
		"Ruben", "Sofia", "Elliot", "Hazel", "Marcus", "Yara", "Duncan", "Celeste", "Idris", "Beatrix", "Caleb",
		"Noor", "Amos", "Greta", "Levi", "Imani", "Soren", "Vera", "Dexter"}
	lastNames = []string{"Whitfield", "Marlowe", "Okafor", "Lindqvist", "Ferrante", "Castellanos", "Holloway",
		"Achterberg", "Nakamura", "Delacroix", "Brennan", "Ivanova", "Sorensen", "Abernathy", "Kowalski", "Mbeki",
		"Rosales", "Hartigan", "Vasquez", "Petrov", "Calloway", "Duarte", "Eriksen", "Fairbanks", "Gallagher"}
	places = []string{"Vienna", "Leipzig", "Prague", "Lisbon", "Oslo", "Budapest", "Bologna", "Salzburg", "Bergen", "Kraków"}
	verbs  = []string{"Running", "Falling", "Waiting", "Dancing", "Drifting", "Burning", "Dreaming", "Calling",
		"Chasing", "Holding", "Breaking", "Floating", "Turning", "Leaving", "Shining"}
	keys      = []string{"C Major", "D Minor", "E-flat Major", "F Major", "G Minor", "A Major", "B-flat Major", "C-sharp Minor"}
	forms     = []string{"Sonata", "Partita", "Nocturne", "Étude", "Prelude", "Suite", "Concerto", "Fantasia", "Sinfonia"}
	movements = []string{"I. Allegro", "II. Adagio", "III. Presto", "I. Andante", "II. Largo", "III. Rondo", "II. Scherzo", "IV. Finale"}
)

func plural(n string) string {
	if strings.HasSuffix(n, "o") {
		return n + "es"
	}
	return n + "s"
}

func titleWords(r *rand.Rand) string {
	switch r.IntN(6) {
	case 0:
		return pick(r, adjectives) + " " + pick(r, nouns)
	case 1:
		return pick(r, nouns) + " of " + plural(pick(r, nouns))
	case 2:
		return pick(r, verbs) + " " + plural(pick(r, nouns))
	case 3:
		return pick(r, nouns)
	case 4:
		return "The " + pick(r, adjectives) + " " + pick(r, nouns)
	default:
		return pick(r, verbs) + " to the " + pick(r, nouns)
	}
}

func classicalTrack(r *rand.Rand) string {
	return fmt.Sprintf("%s No. %d in %s: %s", pick(r, forms), 1+r.IntN(9), pick(r, keys), pick(r, movements))
}

func scenes() []scene {
	return []scene{
		{
			name:     "indie",
			fromYear: 2008, toYear: 2025, minPopularity: 1, maxPopularity: 28,
			minFollowers: 60, maxFollowers: 9000, explicitChance: 0.05,
			labels: []string{"Self-released", "Tiny Room Records", "Cassette Club", "Moth Wing Tapes"},
			styles: []style{{
				genres: []string{"bedroom pop", "slowcore", "lo-fi indie", "shoegaze", "dream pop", "chamber folk"},
				artistName: func(r *rand.Rand) string {
					switch r.IntN(3) {
					case 0:
						return strings.ToLower(pick(r, adjectives) + " " + pick(r, nouns) + " club")
					case 1:
						return pick(r, adjectives) + " " + plural(pick(r, nouns))
					default:
						return "the " + strings.ToLower(pick(r, nouns)+" "+plural(pick(r, nouns)))
					}
				},
				albumName: func(r *rand.Rand) string { return strings.ToLower(titleWords(r)) },
				trackName: func(r *rand.Rand) string { return strings.ToLower(titleWords(r)) },
			}},
		},
		{
			name:     "70s rock",
			fromYear: 1966, toYear: 1982, minPopularity: 38, maxPopularity: 86,
			minFollowers: 150_000, maxFollowers: 9_000_000, explicitChance: 0,
			labels: []string{"Harvest Moon Records", "Atlas Sound", "Columbine", "Island Fever"},
			styles: []style{{
				genres: []string{"classic rock", "hard rock", "prog rock", "glam rock", "southern rock", "blues rock"},
				artistName: func(r *rand.Rand) string {
					switch r.IntN(3) {
					case 0:
						return "The " + plural(pick(r, nouns))
					case 1:
						return pick(r, adjectives) + " " + pick(r, nouns)
					default:
						return pick(r, firstNames) + " " + pick(r, lastNames) + " Band"
					}
				},
				albumName: titleWords,
				trackName: func(r *rand.Rand) string {
					if r.IntN(5) == 0 {
						return titleWords(r) + " - Remastered"
					}
					return titleWords(r)
				},
			}},
		},
		{
			name:     "pop",
			fromYear: 2019, toYear: 2025, minPopularity: 62, maxPopularity: 97,
			minFollowers: 800_000, maxFollowers: 60_000_000, explicitChance: 0.3,
			labels: []string{"Prism Records", "Glasshouse Music", "Bright Lights Entertainment"},
			styles: []style{{
				genres: []string{"pop", "dance pop", "electropop", "viral pop", "synth-pop"},
				artistName: func(r *rand.Rand) string {
					switch r.IntN(3) {
					case 0:
						return pick(r, firstNames) + " " + pick(r, lastNames)
					case 1:
						return pick(r, firstNames) + " " + pick(r, []string{"Blue", "Moon", "Rae", "Vale", "Sky", "Lux", "Nova"})
					default:
						return strings.ToUpper(pick(r, firstNames))
					}
				},
				albumName: titleWords,
				trackName: func(r *rand.Rand) string {
					if r.IntN(6) == 0 {
						return titleWords(r) + " (feat. " + pick(r, firstNames) + ")"
					}
					return titleWords(r)
				},
			}},
		},
		{
			name:     "jazz & classical",
			fromYear: 1955, toYear: 1975, minPopularity: 14, maxPopularity: 58,
			minFollowers: 8_000, maxFollowers: 900_000, explicitChance: 0,
			labels: []string{"Blue Room", "Deutsche Klang", "Verve & Vine", "Archiv Nova"},
			styles: []style{
				{
					genres: []string{"hard bop", "cool jazz", "bebop", "modal jazz"},
					artistName: func(r *rand.Rand) string {
						switch r.IntN(3) {
						case 0:
							return pick(r, firstNames) + " " + pick(r, lastNames) + " Quartet"
						case 1:
							return pick(r, firstNames) + " " + pick(r, lastNames) + " Trio"
						default:
							return pick(r, firstNames) + " " + pick(r, lastNames)
						}
					},
					albumName: titleWords,
					trackName: titleWords,
				},
				{
					genres: []string{"baroque", "classical", "early romantic era", "classical performance"},
					artistName: func(r *rand.Rand) string {
						if r.IntN(2) == 0 {
							return pick(r, places) + " Chamber Soloists"
						}
						return pick(r, firstNames) + " " + pick(r, lastNames)
					},
					albumName: func(r *rand.Rand) string {
						return fmt.Sprintf("%ss, Op. %d", pick(r, forms), 10+r.IntN(90))
					},
					trackName: classicalTrack,
				},
			},
		},
		{
			name:     "hip-hop & electronic",
			fromYear: 1993, toYear: 2025, minPopularity: 30, maxPopularity: 88,
			minFollowers: 20_000, maxFollowers: 12_000_000, explicitChance: 0.6,
			labels: []string{"Concrete Beats", "Warehouse 9", "Low Frequency Recordings", "Night Bus"},
			styles: []style{
				{
					genres: []string{"hip hop", "boom bap", "trap", "conscious hip hop"},
					artistName: func(r *rand.Rand) string {
						if r.IntN(2) == 0 {
							return pick(r, []string{"Lil ", "MC ", "Young ", "Big "}) + pick(r, nouns)
						}
						return strings.ToUpper(pick(r, adjectives)) + " " + strings.ToUpper(pick(r, nouns))
					},
					albumName: titleWords,
					trackName: titleWords,
				},
				{
					genres: []string{"uk garage", "deep house", "techno", "drum and bass"},
					artistName: func(r *rand.Rand) string {
						if r.IntN(2) == 0 {
							return pick(r, nouns) + pick(r, []string{"shift", "wave", "state", "tek", "form"})
						}
						return pick(r, nouns) + " & " + pick(r, nouns)
					},
					albumName: func(r *rand.Rand) string {
						if r.IntN(3) == 0 {
							return pick(r, nouns) + " EP"
						}
						return titleWords(r)
					},
					trackName: func(r *rand.Rand) string {
						if r.IntN(4) == 0 {
							return titleWords(r) + " - " + pick(r, []string{"Extended Mix", "Dub", "Radio Edit", "VIP"})
						}
						return titleWords(r)
					},
				},
			},
		},
	}
}

// persona is one fixed demo listener. Ids and names do not depend on the
// seed so that docs and tests can name them; what they listen to does.
type persona struct {
	id, displayName, taste string
	primary, secondary     int // scene indexes
	country, product       string
	// sessionHours are the UTC hours at which listening sessions start; each
	// is skipped one day in five.
	sessionHours []int
	// tracksPerSession bounds the plays of one session (or, for a nonstop
	// listener, of one context before he moves on to another).
	tracksPerSession [2]int
	// nonstop listens around the clock, one track straight after another,
	// instead of in sessions: the listener whose recently-played window
	// turns over every few hours, which an app must poll often enough to
	// keep up with.
	nonstop bool
	// skipOneIn is how rarely a track is skipped: one play in skipOneIn.
	skipOneIn int
	// skipWithinMS is how soon a skip comes: within this much of a track's
	// start (never before 30 s, Spotify's minimum for a play). Zero is
	// anywhere in the track.
	skipWithinMS int
}

func personas() []persona {
	return []persona{
		{id: "ines", displayName: "Inès Moreau", taste: "Obscure indie: bedroom pop, slowcore, shoegaze",
			primary: 0, secondary: 3, country: "FR", product: "premium", sessionHours: []int{7, 22}, tracksPerSession: [2]int{6, 16}, skipOneIn: 8},
		{id: "walt", displayName: "Walt Brennan", taste: "70s rock: classic, prog and southern rock",
			primary: 1, secondary: 3, country: "US", product: "premium", sessionHours: []int{13, 19}, tracksPerSession: [2]int{8, 14}, skipOneIn: 8},
		{id: "kiko", displayName: "Kiko Tanaka", taste: "Current pop: dance pop, electropop, viral hits",
			primary: 2, secondary: 4, country: "JP", product: "free", sessionHours: []int{0, 8, 11}, tracksPerSession: [2]int{4, 12}, skipOneIn: 8},
		{id: "amara", displayName: "Amara Okafor", taste: "Jazz and classical: hard bop, baroque, romantic era",
			primary: 3, secondary: 1, country: "GB", product: "premium", sessionHours: []int{9, 20}, tracksPerSession: [2]int{5, 10}, skipOneIn: 8},
		{id: "dex", displayName: "Dex Calloway", taste: "Hip-hop and electronic: boom bap, trap, house, techno",
			primary: 4, secondary: 2, country: "DE", product: "premium", tracksPerSession: [2]int{8, 20}, nonstop: true, skipOneIn: 3, skipWithinMS: 75_000},
	}
}
