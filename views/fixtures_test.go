package views

import (
	"fmt"
	"time"

	"github.com/euterpe-dev/euterpe/analytics"
	"github.com/euterpe-dev/euterpe/spotify"
)

// Realistic view models for the tests and the sample page. Images point at
// sampleImage, which the sample-page writer turns into files.

func sampleImage(kind string, i int) string {
	return fmt.Sprintf("https://i.scdn.co/image/%s-%02d", kind, i)
}

func intPtr(n int) *int { return &n }

var sampleTrackNames = []string{
	"Midnight City", "Dreams", "Motion Sickness", "Oblivion", "Seventeen Going Under",
	"A Really Long Song Title That Keeps Going (Extended Club Mix) [feat. Somebody Famous]",
	"Heat Waves", "Pink + White", "Nights", "Blinding Lights", "Kyoto", "Retrograde",
	"Supercut", "Ribs", "Electric Feel", "Chamber of Reflection", "Cherry-coloured Funk",
	"Sofia", "Apocalypse", "Holocene", "Tadow", "Good Days", "Liability", "Bags",
	"Two Weeks", "Alaska", "Ivy", "The Less I Know the Better", "Everybody Wants to Rule the World",
	"Lost in Yesterday", "Poison Arrow", "Solar Power", "Silk Chiffon", "Bad Habit",
}

var sampleArtistNames = []string{
	"M83", "Fleetwood Mac", "Phoebe Bridgers", "Grimes", "Sam Fender", "Caribou", "Glass Animals",
	"Frank Ocean", "The Weeknd", "Lorde", "Tame Impala", "MGMT", "Mac DeMarco", "Cocteau Twins",
	"Clairo", "Cigarettes After Sex", "Bon Iver", "SZA", "Steve Lacy", "Grizzly Bear",
	"Maggie Rogers", "Mitski", "Tears for Fears", "ABC", "Big Thief", "Muna", "Alvvays",
	"Beach House", "Japanese Breakfast", "Arctic Monkeys", "Wet Leg", "Fontaines D.C.",
}

var sampleGenres = [][]string{
	{"indie pop", "synthpop"}, {"soft rock", "classic rock"}, {"indie folk", "sad girl"},
	{"art pop", "electropop"}, {"indie rock"}, {"electronica", "indietronica"},
	{"indie pop", "neo-psychedelic"}, {"r&b", "alternative r&b"}, {"pop", "canadian pop"},
	{"art pop", "nz pop"}, {"neo-psychedelic", "psychedelic rock"}, {"indietronica"},
	{"slacker rock", "indie rock"}, {"dream pop", "ethereal wave"}, {"bedroom pop"},
	{"dream pop", "shoegaze"}, {"indie folk", "chamber pop"}, {"r&b"}, {"alternative r&b"},
	{"indie rock", "chamber pop"},
}

func sampleSongs(n int, withPopularity bool) []analytics.Song {
	songs := make([]analytics.Song, 0, n)
	for i := range n {
		s := analytics.Song{
			Rank:       i + 1,
			ID:         fmt.Sprintf("track%02d", i),
			Name:       sampleTrackNames[i%len(sampleTrackNames)],
			Artists:    sampleArtistNames[i%len(sampleArtistNames)],
			Album:      "Album " + sampleTrackNames[(i*7)%len(sampleTrackNames)],
			AlbumImage: sampleImage("album", i%24),
			DurationMS: 150_000 + i*4_321,
			Explicit:   i%5 == 2,
			SpotifyURL: "https://open.spotify.com/track/track" + fmt.Sprint(i),
		}
		s.Duration = fmt.Sprintf("%d:%02d", s.DurationMS/60000, s.DurationMS/1000%60)
		if i%4 == 1 {
			s.Artists += ", " + sampleArtistNames[(i+3)%len(sampleArtistNames)]
		}
		if withPopularity {
			s.Popularity = intPtr(90 - (i*37)%80)
		}
		if i == 8 {
			s.AlbumImage = "" // an album without art
		}
		songs = append(songs, s)
	}
	return songs
}

func sampleArtists(n int, withGenres bool) []analytics.ArtistRow {
	rows := make([]analytics.ArtistRow, 0, n)
	for i := range n {
		a := analytics.ArtistRow{
			Rank:        i + 1,
			ID:          fmt.Sprintf("artist%02d", i),
			Name:        sampleArtistNames[i%len(sampleArtistNames)],
			ArtistImage: sampleImage("artist", i%24),
			SpotifyURL:  "https://open.spotify.com/artist/a" + fmt.Sprint(i),
		}
		if withGenres {
			a.Genres = sampleGenres[i%len(sampleGenres)]
			a.GenresKnown = true
			if i%9 == 4 {
				a.Genres = []string{} // known, unclassified
			}
		}
		rows = append(rows, a)
	}
	return rows
}

func sampleAlbums() []analytics.AlbumRow {
	rows := make([]analytics.AlbumRow, 0, 10)
	for i := range 10 {
		rows = append(rows, analytics.AlbumRow{
			Rank:       i + 1,
			ID:         fmt.Sprintf("album%02d", i),
			Name:       []string{"Hurry Up, We're Dreaming", "Rumours", "Punisher", "Visions", "Currents", "Blonde", "Melodrama", "Our Love", "Teen Dream", "Jubilee"}[i],
			Artists:    sampleArtistNames[i],
			AlbumImage: sampleImage("album", i),
			TrackCount: max(6-i/2, 1),
			BestRank:   i*3 + 1,
			SpotifyURL: "https://open.spotify.com/album/x" + fmt.Sprint(i),
		})
	}
	return rows
}

func sampleHiddenGems() analytics.HiddenGemsReport {
	songs := sampleSongs(40, true)
	gems := make([]analytics.Song, 0, len(songs))
	for p := 0; p <= 100; p++ {
		for _, s := range songs {
			if *s.Popularity == p {
				gems = append(gems, s)
			}
		}
	}
	return analytics.HiddenGemsReport{Available: true, Songs: gems, WithoutPopularity: 3}
}

func samplePlaylists() []analytics.PlaylistRow {
	names := []string{"late night drives", "Sunday reset ☕", "gym but make it indie", "2024 wrapped (mine)", "songs for the bus"}
	rows := make([]analytics.PlaylistRow, 0, len(names))
	for i, n := range names {
		r := analytics.PlaylistRow{
			Rank: i + 1, ID: fmt.Sprintf("pl%d", i), Name: n, PlaylistImage: sampleImage("playlist", i),
			TopSongsCount: 9 - i*2, TotalItems: 40 + i*37,
			SpotifyURL: "https://open.spotify.com/playlist/p" + fmt.Sprint(i),
		}
		for j := range r.TopSongsCount {
			r.TopSongs = append(r.TopSongs, analytics.PlaylistTopSong{Rank: j*2 + 1, ID: fmt.Sprint(j), Name: sampleTrackNames[j*2], Artists: sampleArtistNames[j*2]})
		}
		rows = append(rows, r)
	}
	return rows
}

func sampleTimeless() []analytics.ArtistStanding {
	artists := sampleArtists(6, true)
	out := make([]analytics.ArtistStanding, 0, len(artists))
	for i, a := range artists {
		out = append(out, analytics.ArtistStanding{ArtistRow: a, ShortTermRank: i*2 + 1, MediumTermRank: i + 2, LongTermRank: i*3 + 1, AverageRank: float64(i*6+4) / 3})
	}
	return out
}

func sampleFallingOff() []analytics.ArtistStanding {
	artists := sampleArtists(30, true)[20:26]
	out := make([]analytics.ArtistStanding, 0, len(artists))
	for i, a := range artists {
		a.Rank = i + 1
		out = append(out, analytics.ArtistStanding{ArtistRow: a, LongTermRank: 7 + i*5})
	}
	return out
}

func sampleYears() analytics.ReleaseYearsReport {
	counts := map[int]int{1977: 2, 1985: 1, 1987: 1, 1999: 1, 2007: 2, 2011: 3, 2012: 2, 2015: 4, 2016: 3, 2017: 2, 2018: 3, 2019: 4, 2020: 5, 2021: 4, 2022: 6, 2023: 5, 2024: 2}
	r := analytics.ReleaseYearsReport{UnknownDate: 2}
	for y := 1970; y <= 2025; y++ {
		if n := counts[y]; n > 0 {
			r.Years = append(r.Years, analytics.YearCount{Year: y, Count: n})
			r.TotalTracks += n
		}
	}
	for d := 1970; d <= 2020; d += 10 {
		c := 0
		for y, n := range counts {
			if y/10*10 == d {
				c += n
			}
		}
		r.Decades = append(r.Decades, analytics.DecadeCount{Decade: d, Label: fmt.Sprintf("%ds", d), Count: c})
	}
	r.Range = &analytics.YearRange{Min: 1977, Max: 2024}
	r.Peak = &analytics.YearCount{Year: 2022, Count: 6}
	return r
}

func sampleSeasons(withGenres bool) analytics.SeasonsReport {
	s := analytics.SeasonsReport{GenresAvailable: withGenres, TotalTracks: 48}
	for i, name := range []string{analytics.Winter, analytics.Spring, analytics.Summer, analytics.Autumn, analytics.UnknownSeason} {
		months := []string{"Dec–Feb", "Mar–May", "Jun–Aug", "Sep–Nov", ""}[i]
		n := []int{9, 14, 11, 10, 4}[i]
		sg := analytics.SeasonGenres{Season: name, Months: months, TrackCount: n, Genres: []analytics.GenreCount{}}
		if withGenres {
			sg.TracksWithGenres = n - 1
			for j, g := range sampleGenres[i*3 : i*3+3] {
				sg.Genres = append(sg.Genres, analytics.GenreCount{Genre: g[0], Count: 6 - j*2})
			}
		}
		s.Seasons = append(s.Seasons, sg)
	}
	return s
}

func sampleGenresReport() analytics.GenresReport {
	return analytics.GenresReport{
		GenresAvailable: true, ArtistCount: 50, ArtistsWithGenres: 44,
		Genres: []analytics.GenreCount{
			{Genre: "indie pop", Count: 14}, {Genre: "art pop", Count: 11}, {Genre: "dream pop", Count: 9},
			{Genre: "indie rock", Count: 8}, {Genre: "alternative r&b", Count: 6}, {Genre: "neo-psychedelic", Count: 5},
			{Genre: "indietronica", Count: 5}, {Genre: "chamber pop", Count: 4}, {Genre: "bedroom pop", Count: 3},
			{Genre: "a genre with a remarkably long and unbreakable name", Count: 2},
		},
	}
}

var sampleNow = time.Date(2026, 3, 14, 18, 30, 0, 0, time.UTC)

func samplePlays(n int) []analytics.RecentPlay {
	plays := make([]analytics.RecentPlay, 0, n)
	songs := sampleSongs(n, false)
	whens := []string{"just now", "4 minutes ago", "12 minutes ago", "1 hour ago", "3 hours ago", "yesterday", "2 days ago", "Mar 3"}
	contexts := []string{"playlist", "album", "", "artist", "collection"}
	for i, s := range songs {
		plays = append(plays, analytics.RecentPlay{
			PlayedAt: sampleNow.Add(-time.Duration(i*i) * 7 * time.Minute), When: whens[min(i, len(whens)-1)],
			ID: s.ID, Name: s.Name, Artists: s.Artists, Album: s.Album, AlbumImage: s.AlbumImage,
			Duration: s.Duration, ContextType: contexts[i%len(contexts)], SpotifyURL: s.SpotifyURL,
		})
	}
	return plays
}

func sampleOverview() analytics.OverviewReport {
	return analytics.OverviewReport{
		TrackCount: 50, ArtistCount: 38, AlbumCount: 44, TopArtistCount: 50,
		TotalMinutes: 205, TotalDuration: "3 h 25 min", ExplicitCount: 9,
		TopDecade:         &analytics.DecadeCount{Decade: 2020, Label: "2020s", Count: 22},
		AveragePopularity: intPtr(61),
		TopGenre:          &analytics.GenreCount{Genre: "indie pop", Count: 14},
		GenresAvailable:   true,
		TopSong:           "Midnight City", TopArtist: "M83",
		RecentPlays: 50, RecentMinutes: 183,
	}
}

// samplePanels are the dashboard's panels as the dashboard package places
// them: id, heading and whether they span both columns, in page order.
var samplePanels = []struct {
	id, title string
	ranged    bool
	wide      bool
}{
	{"overview", "Overview", true, true},
	{"top-songs", "Top songs", true, false},
	{"top-artists", "Top artists", true, false},
	{"top-albums", "Top albums", true, true},
	{"release-years", "Release years", true, false},
	{"genres", "Genres", true, false},
	{"seasons", "Seasons", true, true},
	{"hidden-gems", "Hidden gems", true, false},
	{"recently-played", "Recently played", false, false},
	{"timeless-artists", "Timeless artists", false, false},
	{"falling-off", "Falling off", false, false},
	{"top-playlists", "Playlists with your top songs", false, true},
}

// ref is the sample panel id as a page places it in the short-term range.
func ref(id string) PanelRef {
	for _, p := range sampleDashboard(spotify.ShortTerm).Panels {
		if p.ID == id {
			return p
		}
	}
	panic("no sample panel " + id)
}

// sampleDashboard is the dashboard page's data for range r.
func sampleDashboard(r spotify.TimeRange) DashboardData {
	d := DashboardData{Range: r}
	for _, tr := range spotify.TimeRanges() {
		d.Ranges = append(d.Ranges, Link{Label: tr.Label(), URL: "/?range=" + string(tr), Current: tr == r})
	}
	for _, p := range samplePanels {
		u := "/panels/" + p.id
		if p.ranged {
			u += "?range=" + string(r)
		}
		d.Panels = append(d.Panels, PanelRef{ID: p.id, Title: p.title, URL: u, Wide: p.wide})
	}
	return d
}
