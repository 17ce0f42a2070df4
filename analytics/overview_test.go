package analytics

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/euterpe-dev/euterpe/spotify"
)

func TestOverview(t *testing.T) {
	tracks := []spotify.Track{
		newTrack("1", onAlbum("A", "a"), by("x", "y"), released("1994-05", "month"), lasting(240_000), popular(60)),
		newTrack("2", onAlbum("A", "a"), by("x"), released("1997", "year"), lasting(180_000), popular(31)),
		newTrack("3", onAlbum("B", "b"), by("z"), released("2012-01-01", "day"), lasting(200_000)),
		newTrack("3", onAlbum("B", "b"), by("z"), released("2012-01-01", "day"), lasting(200_000)), // a repeat
		newTrack("4", onAlbum("", "loose"), by(""), released("0000", "year"), lasting(0)),
	}
	tracks[0].Explicit = true
	artists := []spotify.Artist{newArtist("x", "rock"), newArtist("z", "rock", "pop")}
	recent := []spotify.PlayHistory{{Track: newTrack("1", lasting(240_000))}, {Track: newTrack("2", lasting(90_000))}}

	got := Overview(tracks, artists, recent)
	if got.TrackCount != 4 || got.ArtistCount != 3 || got.AlbumCount != 2 || got.TopArtistCount != 2 {
		t.Errorf("counts: %+v", got)
	}
	if got.TotalMinutes != 10 || got.TotalDuration != "10 min" || got.ExplicitCount != 1 {
		t.Errorf("totals: %+v", got)
	}
	if got.TopDecade == nil || got.TopDecade.Decade != 1990 || got.TopDecade.Count != 2 {
		t.Errorf("TopDecade = %+v", got.TopDecade)
	}
	if got.AveragePopularity == nil || *got.AveragePopularity != 46 { // (60+31)/2 = 45.5
		t.Errorf("AveragePopularity = %v", got.AveragePopularity)
	}
	if !got.GenresAvailable || got.TopGenre == nil || *got.TopGenre != (GenreCount{"rock", 2}) {
		t.Errorf("TopGenre = %+v", got.TopGenre)
	}
	if got.TopSong != "Song 1" || got.TopArtist != "Artist x" || got.RecentPlays != 2 || got.RecentMinutes != 6 {
		t.Errorf("headline: %+v", got)
	}
}

func TestOverviewWithoutData(t *testing.T) {
	tests := []struct {
		name    string
		tracks  []spotify.Track
		artists []spotify.Artist
	}{
		{"nothing", nil, nil},
		{"Development Mode", []spotify.Track{newTrack("1", released("0000", "year"))}, artistList("a")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Overview(tt.tracks, tt.artists, nil)
			if got.AveragePopularity != nil || got.TopGenre != nil || got.GenresAvailable || got.TopDecade != nil {
				t.Errorf("withheld data shown as data: %+v", got)
			}
			out, err := json.Marshal(got)
			if err != nil {
				t.Fatal(err)
			}
			for _, key := range []string{`"average_popularity":null`, `"top_genre":null`, `"top_decade":null`} {
				if !strings.Contains(string(out), key) {
					t.Errorf("JSON %s lacks %s", out, key)
				}
			}
		})
	}
}

// sameValue fails the test when got is not exactly want: reflect.DeepEqual
// tells a nil slice from an empty one, so it also checks that results meant
// for JSON come out as [] rather than null.
func sameValue[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s =\n\t%#v\nwant\n\t%#v", what, got, want)
	}
}

// No data at all, nil or empty, gives empty results: slices that are [] in
// the JSON, zero counts, nil where a figure cannot be computed.
func TestEmptyInputsGiveEmptyResults(t *testing.T) {
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	emptySeasons := []SeasonGenres{
		{Season: Winter, Months: "Dec–Feb", Genres: []GenreCount{}},
		{Season: Spring, Months: "Mar–May", Genres: []GenreCount{}},
		{Season: Summer, Months: "Jun–Aug", Genres: []GenreCount{}},
		{Season: Autumn, Months: "Sep–Nov", Genres: []GenreCount{}},
		{Season: UnknownSeason, Genres: []GenreCount{}},
	}
	for _, tracks := range [][]spotify.Track{nil, {}} {
		for _, artists := range [][]spotify.Artist{nil, {}} {
			for _, recent := range [][]spotify.PlayHistory{nil, {}} {
				name := fmt.Sprintf("tracks %s, artists %s, recent %s", nilOrEmpty(tracks == nil), nilOrEmpty(artists == nil), nilOrEmpty(recent == nil))
				t.Run(name, func(t *testing.T) {
					sameValue(t, "TopSongs", TopSongs(tracks), []Song{})
					sameValue(t, "TopArtists", TopArtists(artists), []ArtistRow{})
					sameValue(t, "TopAlbums", TopAlbums(tracks), []AlbumRow{})
					sameValue(t, "HiddenGems", HiddenGems(tracks), HiddenGemsReport{Songs: []Song{}})
					sameValue(t, "TopPlaylists", TopPlaylists("me", tracks, nil), []PlaylistRow{})
					sameValue(t, "TopPlaylists with playlists", TopPlaylists("me", tracks, []spotify.PlaylistWithItems{
						playlist("p", "me", "t1"),
					}), []PlaylistRow{})
					sameValue(t, "TimelessArtists", TimelessArtists(artists, artists, artists), []ArtistStanding{})
					sameValue(t, "FallingOffArtists", FallingOffArtists(artists, artists, artists), []ArtistStanding{})
					sameValue(t, "ReleaseYearTrends", ReleaseYearTrends(tracks), ReleaseYearsReport{Years: []YearCount{}, Decades: []DecadeCount{}})
					sameValue(t, "SeasonalVariety", SeasonalVariety(tracks, artists), SeasonsReport{Seasons: emptySeasons})
					sameValue(t, "GenreBreakdown", GenreBreakdown(artists), GenresReport{Genres: []GenreCount{}})
					sameValue(t, "RecentlyPlayed", RecentlyPlayed(recent, now), []RecentPlay{})
					sameValue(t, "Overview", Overview(tracks, artists, recent), OverviewReport{TotalDuration: "0 min"})
				})
			}
		}
	}
}

func nilOrEmpty(isNil bool) string {
	if isNil {
		return "nil"
	}
	return "empty"
}

// Items with their fields missing or out of range are shown for what they
// are: an item without an id is still listed where it can be shown but never
// matched across lists, a missing or malformed date is an unknown date, a
// negative length counts as zero, and a missing figure stays nil.
func TestItemsWithMissingFields(t *testing.T) {
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	tracks := []spotify.Track{
		{}, // nothing at all, not even a duration
		{Album: spotify.SimplifiedAlbum{Images: []spotify.Image{{}}, ReleaseDate: "x"}, Artists: []spotify.SimplifiedArtist{{}}},
		{ID: "t", DurationMS: -1, Popularity: intp(-3)},
	}
	artists := []spotify.Artist{
		{},                            // no genres field: Development Mode
		{Genres: []string{""}},        // a genre list holding only an empty name
		{ID: "a", Genres: []string{}}, // genres sent, none known
	}

	blank := Song{Rank: 1, Duration: "0:00"}
	withoutID := Song{Rank: 2, Duration: "0:00"} // an image without a URL and a nameless artist show as nothing
	withID := Song{Rank: 3, ID: "t", Popularity: intp(-3), DurationMS: -1, Duration: "0:00"}
	sameValue(t, "TopSongs", TopSongs(tracks), []Song{blank, withoutID, withID})
	// Only the track with a popularity is a candidate; Spotify's scale is
	// 0–100 and the analytics pass an out-of-range value through rather
	// than invent one.
	sameValue(t, "HiddenGems", HiddenGems(tracks), HiddenGemsReport{Available: true, Songs: []Song{withID}, WithoutPopularity: 2})
	// An album with neither id nor name cannot be grouped.
	sameValue(t, "TopAlbums", TopAlbums(tracks), []AlbumRow{})

	noGenres := ArtistRow{Rank: 1}
	emptyGenre := ArtistRow{Rank: 2, Genres: []string{""}, GenresKnown: true}
	a := ArtistRow{Rank: 3, ID: "a", Genres: []string{}, GenresKnown: true}
	sameValue(t, "TopArtists", TopArtists(artists), []ArtistRow{noGenres, emptyGenre, a})

	// Artists without an id keep their places in the ranks but match
	// nothing: "a" is third in every range.
	a.Rank = 1
	sameValue(t, "TimelessArtists", TimelessArtists(artists, artists, artists), []ArtistStanding{
		{ArtistRow: a, ShortTermRank: 3, MediumTermRank: 3, LongTermRank: 3, AverageRank: 3},
	})
	sameValue(t, "FallingOffArtists, still played", FallingOffArtists(artists, nil, artists), []ArtistStanding{})
	sameValue(t, "FallingOffArtists, gone", FallingOffArtists(nil, nil, artists), []ArtistStanding{{ArtistRow: a, LongTermRank: 3}})

	// No playlist owner matches "me" but the one that says so; a track id
	// "" never matches a top track, and "t" counts once however often it
	// is listed. Without a size from Spotify, the ids are counted.
	playlists := []spotify.PlaylistWithItems{
		{},
		{TrackIDs: []string{"", "t"}},
		{Playlist: spotify.SimplifiedPlaylist{Owner: spotify.PlaylistOwner{ID: "me"}}, TrackIDs: []string{""}},
		{Playlist: spotify.SimplifiedPlaylist{Owner: spotify.PlaylistOwner{ID: "me"}}, TrackIDs: []string{"", "t", "t"}},
	}
	sameValue(t, "TopPlaylists", TopPlaylists("me", tracks, playlists), []PlaylistRow{
		{Rank: 1, TopSongsCount: 1, TotalItems: 3, TopSongs: []PlaylistTopSong{{Rank: 3, ID: "t"}}},
	})
	sameValue(t, "TopPlaylists for no user", TopPlaylists("", tracks, playlists), []PlaylistRow{})

	sameValue(t, "ReleaseYearTrends", ReleaseYearTrends(tracks), ReleaseYearsReport{
		Years: []YearCount{}, Decades: []DecadeCount{}, UnknownDate: 3,
	})
	// Genres are available (two artists came with the field), but none is
	// carried by a track's credited artist, and no date has a month.
	sameValue(t, "SeasonalVariety", SeasonalVariety(tracks, artists), SeasonsReport{
		GenresAvailable: true,
		TotalTracks:     3,
		Seasons: []SeasonGenres{
			{Season: Winter, Months: "Dec–Feb", Genres: []GenreCount{}},
			{Season: Spring, Months: "Mar–May", Genres: []GenreCount{}},
			{Season: Summer, Months: "Jun–Aug", Genres: []GenreCount{}},
			{Season: Autumn, Months: "Sep–Nov", Genres: []GenreCount{}},
			{Season: UnknownSeason, TrackCount: 3, Genres: []GenreCount{}},
		},
	})
	// The empty genre name is never a bar. ArtistsWithGenres counts the
	// artist whose list holds only "", as it counts any non-empty list.
	sameValue(t, "GenreBreakdown", GenreBreakdown(artists), GenresReport{
		GenresAvailable: true, Genres: []GenreCount{}, ArtistCount: 3, ArtistsWithGenres: 1,
	})

	// Two plays of no track at the zero instant are one play, with no
	// "when" to show.
	sameValue(t, "RecentlyPlayed", RecentlyPlayed([]spotify.PlayHistory{{}, {}}, now), []RecentPlay{{Duration: "0:00"}})

	avg := -3
	sameValue(t, "Overview", Overview(tracks, artists, []spotify.PlayHistory{{}, {Track: spotify.Track{DurationMS: -60_000}}}), OverviewReport{
		TrackCount:        3, // the first has no name, so neither has the top song
		TotalDuration:     "0 min",
		AveragePopularity: &avg,
		TopArtistCount:    3,
		GenresAvailable:   true,
		RecentPlays:       2,
	})
}

// Listening time is rounded to the nearest minute, half a minute up, and
// zero or negative lengths add nothing.
func TestOverviewMinutes(t *testing.T) {
	tests := []struct {
		ms          []int
		wantMinutes int
		wantText    string
	}{
		{[]int{0}, 0, "0 min"},
		{[]int{-120_000, 29_999}, 0, "0 min"},
		{[]int{30_000}, 1, "1 min"},
		{[]int{-1, 89_999}, 1, "1 min"},
		{[]int{1_800_000, 1_800_000}, 60, "1 h"},
	}
	for _, tt := range tests {
		tracks := make([]spotify.Track, len(tt.ms))
		recent := make([]spotify.PlayHistory, len(tt.ms))
		for i, ms := range tt.ms {
			tracks[i] = newTrack(fmt.Sprint(i), lasting(ms))
			recent[i].Track = tracks[i]
		}
		got := Overview(tracks, nil, recent)
		if got.TotalMinutes != tt.wantMinutes || got.TotalDuration != tt.wantText || got.RecentMinutes != tt.wantMinutes {
			t.Errorf("durations %v: TotalMinutes %d (%q), RecentMinutes %d; want %d (%q)",
				tt.ms, got.TotalMinutes, got.TotalDuration, got.RecentMinutes, tt.wantMinutes, tt.wantText)
		}
	}
}
