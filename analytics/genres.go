package analytics

import (
	"cmp"
	"slices"

	"github.com/euterpe-dev/euterpe/spotify"
)

// TopGenresLimit is how many genres a genre chart shows.
const TopGenresLimit = 10

// GenreCount is a bar of a genre chart.
type GenreCount struct {
	Genre string `json:"genre"`
	Count int    `json:"count"`
}

// GenresReport is the genre chart of the top artists.
type GenresReport struct {
	// GenresAvailable is false when Spotify sent no genres field for any
	// artist (Development Mode): the chart must say Spotify withholds genres
	// from this app, not that the user has none.
	GenresAvailable bool `json:"genres_available"`
	// Genres are the TopGenresLimit genres carried by most artists, most
	// first, then alphabetically.
	Genres            []GenreCount `json:"genres"`
	ArtistCount       int          `json:"artist_count"`
	ArtistsWithGenres int          `json:"artists_with_genres"`
}

// GenreBreakdown counts, for each genre, how many of the top artists carry
// it.
func GenreBreakdown(artists []spotify.Artist) GenresReport {
	report := GenresReport{Genres: []GenreCount{}}
	counts := make(map[string]int)
	r := newRanker(len(artists))
	for i := range artists {
		a := &artists[i]
		if r.rank(a.ID) == 0 {
			continue
		}
		report.ArtistCount++
		report.GenresAvailable = report.GenresAvailable || a.GenresKnown()
		if len(a.Genres) > 0 {
			report.ArtistsWithGenres++
		}
		for j, g := range a.Genres {
			if g != "" && !slices.Contains(a.Genres[:j], g) {
				counts[g]++
			}
		}
	}
	report.Genres = topGenres(counts, TopGenresLimit)
	return report
}

// topGenres sorts genre counts, most first and then by name so that the
// chart is the same on every load, and keeps the first limit.
func topGenres(counts map[string]int, limit int) []GenreCount {
	all := make([]GenreCount, 0, len(counts))
	for g, n := range counts {
		all = append(all, GenreCount{Genre: g, Count: n})
	}
	sortGenres(all)
	return all[:min(len(all), limit)]
}

func sortGenres(gs []GenreCount) {
	slices.SortFunc(gs, func(a, b GenreCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Genre, b.Genre))
	})
}

// The seasons of SeasonalVariety, in the order the panel shows them.
const (
	Winter        = "Winter"
	Spring        = "Spring"
	Summer        = "Summer"
	Autumn        = "Autumn"
	UnknownSeason = "Unknown season"
)

// SeasonGenres is one season of the seasonal-variety panel.
type SeasonGenres struct {
	Season string `json:"season"`
	Months string `json:"months"` // "Dec–Feb"; "" for the unknown season
	// TrackCount counts the season's top tracks, TracksWithGenres those
	// for which at least one genre is known.
	TrackCount       int          `json:"track_count"`
	TracksWithGenres int          `json:"tracks_with_genres"`
	Genres           []GenreCount `json:"genres"` // top TopGenresLimit
}

// SeasonsReport is the seasonal-variety panel.
type SeasonsReport struct {
	// GenresAvailable is false when no top artist came with a genres field
	// (Development Mode); the track counts per season are still real.
	GenresAvailable bool `json:"genres_available"`
	// Seasons always holds Winter, Spring, Summer, Autumn and Unknown
	// season, in that order, empty ones included, so the chart keeps its
	// shape.
	Seasons     []SeasonGenres `json:"seasons"`
	TotalTracks int            `json:"total_tracks"`
}

// SeasonalVariety groups the top tracks by the season of their album's release
// month and counts their genres per season.
//
// Seasons are meteorological and northern-hemisphere, as in the earlier
// version: Winter is December to February, Spring March to May, Summer June to
// August, Autumn September to November. A track whose release date has no
// month (year precision, or no usable date at all) counts under "Unknown
// season" instead of vanishing from the totals.
//
// A track's genres are the union of the genres of its credited artists,
// taken from the given top artists by id: the genres Spotify already sent, not
// one /artists call per artist. Each genre counts once per track, however many
// of its artists carry it. Artists who are not among the top artists add no
// genres.
func SeasonalVariety(tracks []spotify.Track, artists []spotify.Artist) SeasonsReport {
	genresOf := make(map[string][]string, len(artists))
	available := false
	for i := range artists {
		a := &artists[i]
		if a.GenresKnown() {
			available = true
			if a.ID != "" && len(a.Genres) > 0 {
				if _, dup := genresOf[a.ID]; !dup {
					genresOf[a.ID] = a.Genres
				}
			}
		}
	}

	seasons := []SeasonGenres{
		{Season: Winter, Months: "Dec–Feb"},
		{Season: Spring, Months: "Mar–May"},
		{Season: Summer, Months: "Jun–Aug"},
		{Season: Autumn, Months: "Sep–Nov"},
		{Season: UnknownSeason},
	}
	// One map for all seasons: genre → index into perSeason, a row of counts.
	genreIndex := make(map[string]int)
	var perSeason [][seasonCount]int
	var genreNames []string
	var trackGenres []string // scratch, reused for every track
	total := 0
	r := newRanker(len(tracks))
	for i := range tracks {
		t := &tracks[i]
		if r.rank(t.ID) == 0 {
			continue
		}
		total++
		s := seasonOf(t.Album)
		seasons[s].TrackCount++

		trackGenres = trackGenres[:0]
		for _, a := range t.Artists {
			for _, g := range genresOf[a.ID] {
				if g != "" && !slices.Contains(trackGenres, g) {
					trackGenres = append(trackGenres, g)
				}
			}
		}
		if len(trackGenres) == 0 {
			continue
		}
		seasons[s].TracksWithGenres++
		for _, g := range trackGenres {
			at, ok := genreIndex[g]
			if !ok {
				at = len(genreNames)
				genreIndex[g] = at
				genreNames = append(genreNames, g)
				perSeason = append(perSeason, [seasonCount]int{})
			}
			perSeason[at][s]++
		}
	}

	scratch := make([]GenreCount, 0, len(genreNames))
	// The five top lists share one array: one allocation instead of five.
	kept := make([]GenreCount, 0, seasonCount*min(len(genreNames), TopGenresLimit))
	for s := range seasons {
		scratch = scratch[:0]
		for at, g := range genreNames {
			if n := perSeason[at][s]; n > 0 {
				scratch = append(scratch, GenreCount{Genre: g, Count: n})
			}
		}
		sortGenres(scratch)
		start := len(kept)
		kept = append(kept, scratch[:min(len(scratch), TopGenresLimit)]...)
		seasons[s].Genres = kept[start:len(kept):len(kept)]
	}
	return SeasonsReport{GenresAvailable: available, Seasons: seasons, TotalTracks: total}
}

// seasonCount counts the unknown season along with the four real ones.
const seasonCount = 5

// seasonOf maps a release month to its index in SeasonsReport.Seasons:
// December, January and February are 0 (Winter), March to May 1, and so on;
// 4 when the month is unknown.
func seasonOf(album spotify.SimplifiedAlbum) int {
	d, err := album.Released()
	if err != nil || d.Month == 0 {
		return seasonCount - 1
	}
	return d.Month % 12 / 3
}
