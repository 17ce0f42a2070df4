package analytics

import (
	"fmt"
	"testing"
	"time"

	"github.com/euterpe-dev/euterpe/spotify"
)

// The benchmarks run each analytic over one user's realistic input: 50 top
// tracks, 50 top artists per range, 50 recent plays, 20 own playlists.

func BenchmarkTopSongs(b *testing.B) {
	tracks := realisticTracks()
	b.ReportAllocs()
	for b.Loop() {
		TopSongs(tracks)
	}
}

func BenchmarkTopArtists(b *testing.B) {
	artists := realisticArtists(0)
	b.ReportAllocs()
	for b.Loop() {
		TopArtists(artists)
	}
}

func BenchmarkTopAlbums(b *testing.B) {
	tracks := realisticTracks()
	b.ReportAllocs()
	for b.Loop() {
		TopAlbums(tracks)
	}
}

func BenchmarkHiddenGems(b *testing.B) {
	tracks := realisticTracks()
	b.ReportAllocs()
	for b.Loop() {
		HiddenGems(tracks)
	}
}

func BenchmarkTopPlaylists(b *testing.B) {
	tracks := realisticTracks()
	playlists := make([]spotify.PlaylistWithItems, 20)
	for i := range playlists {
		ids := make([]string, 0, 100)
		for j := range 100 {
			ids = append(ids, fmt.Sprintf("tr%02d", (i*13+j*7)%150)) // about a third are top tracks
		}
		playlists[i] = playlist(fmt.Sprintf("p%02d", i), "me", ids...)
	}
	b.ReportAllocs()
	for b.Loop() {
		TopPlaylists("me", tracks, playlists)
	}
}

func BenchmarkTimelessArtists(b *testing.B) {
	short, medium, long := realisticArtists(0), realisticArtists(5), realisticArtists(10)
	b.ReportAllocs()
	for b.Loop() {
		TimelessArtists(short, medium, long)
	}
}

func BenchmarkFallingOffArtists(b *testing.B) {
	short, medium, long := realisticArtists(0), realisticArtists(5), realisticArtists(10)
	b.ReportAllocs()
	for b.Loop() {
		FallingOffArtists(short, medium, long)
	}
}

func BenchmarkReleaseYearTrends(b *testing.B) {
	tracks := realisticTracks()
	b.ReportAllocs()
	for b.Loop() {
		ReleaseYearTrends(tracks)
	}
}

func BenchmarkSeasonalVariety(b *testing.B) {
	tracks, artists := realisticTracks(), realisticArtists(0)
	b.ReportAllocs()
	for b.Loop() {
		SeasonalVariety(tracks, artists)
	}
}

func BenchmarkGenreBreakdown(b *testing.B) {
	artists := realisticArtists(0)
	b.ReportAllocs()
	for b.Loop() {
		GenreBreakdown(artists)
	}
}

func BenchmarkRecentlyPlayed(b *testing.B) {
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	plays := realisticPlays(now)
	b.ReportAllocs()
	for b.Loop() {
		RecentlyPlayed(plays, now)
	}
}

func BenchmarkOverview(b *testing.B) {
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	tracks, artists, plays := realisticTracks(), realisticArtists(0), realisticPlays(now)
	b.ReportAllocs()
	for b.Loop() {
		Overview(tracks, artists, plays)
	}
}

// The Development-Mode shape (no popularity, no genres) takes the early
// exits; benchmark it too so a regression there shows.
func BenchmarkSeasonalVarietyDevelopmentMode(b *testing.B) {
	tracks := realisticTracks()
	artists := make([]spotify.Artist, 50)
	for i := range artists {
		artists[i] = devArtist(fmt.Sprintf("ar%02d", i))
	}
	b.ReportAllocs()
	for b.Loop() {
		SeasonalVariety(tracks, artists)
	}
}
