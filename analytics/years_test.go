package analytics

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/euterpe-dev/euterpe/spotify"
)

func TestReleaseYearTrends(t *testing.T) {
	on := func(id, date, precision string) spotify.Track { return newTrack(id, released(date, precision)) }
	tests := []struct {
		name        string
		tracks      []spotify.Track
		wantYears   string
		wantDecades string
		wantRange   string
		wantPeak    string
		wantKnown   int
		wantUnknown int
	}{
		{"nil", nil, "[]", "[]", "<nil>", "<nil>", 0, 0},
		{"every precision counts", []spotify.Track{
			on("a", "1999-12-31", "day"), on("b", "1999-06", "month"), on("c", "1999", "year"), on("d", "2003", "year"),
		}, "[{1999 3} {2003 1}]", "[{1990 1990s 3} {2000 2000s 1}]", "&{1999 2003}", "&{1999 3}", 4, 0},
		{"unknown dates counted apart", []spotify.Track{
			on("a", "0000", "year"), on("b", "", ""), on("c", "garbage", "day"), on("d", "2010-02-30", "day"),
		}, "[{2010 1}]", "[{2010 2010s 1}]", "&{2010 2010}", "&{2010 1}", 1, 3},
		{"only unknown dates", []spotify.Track{on("a", "0000", "year")}, "[]", "[]", "<nil>", "<nil>", 0, 1},
		{"peak tie goes to the later year", []spotify.Track{
			on("a", "1975", "year"), on("b", "1975", "year"), on("c", "2021", "year"), on("d", "2021", "year"), on("e", "1990", "year"),
		}, "[{1975 2} {1990 1} {2021 2}]", "[{1970 1970s 2} {1980 1980s 0} {1990 1990s 1} {2000 2000s 0} {2010 2010s 0} {2020 2020s 2}]",
			"&{1975 2021}", "&{2021 2}", 5, 0},
		{"a repeated track counts once", []spotify.Track{on("a", "2001", "year"), on("a", "2001", "year")},
			"[{2001 1}]", "[{2000 2000s 1}]", "&{2001 2001}", "&{2001 1}", 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ReleaseYearTrends(tt.tracks)
			if g := fmt.Sprint(got.Years); g != tt.wantYears {
				t.Errorf("Years = %s, want %s", g, tt.wantYears)
			}
			if g := fmt.Sprint(got.Decades); g != tt.wantDecades {
				t.Errorf("Decades = %s, want %s", g, tt.wantDecades)
			}
			if g := fmt.Sprint(got.Range); g != tt.wantRange {
				t.Errorf("Range = %s, want %s", g, tt.wantRange)
			}
			if g := fmt.Sprint(got.Peak); g != tt.wantPeak {
				t.Errorf("Peak = %s, want %s", g, tt.wantPeak)
			}
			if got.TotalTracks != tt.wantKnown || got.UnknownDate != tt.wantUnknown {
				t.Errorf("TotalTracks, UnknownDate = %d, %d; want %d, %d", got.TotalTracks, got.UnknownDate, tt.wantKnown, tt.wantUnknown)
			}
		})
	}
}

func TestReleaseYearTrendsJSON(t *testing.T) {
	out, err := json.Marshal(ReleaseYearTrends(nil))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"data":[],"decades":[],"total_tracks":0,"unknown_date":0,"year_range":null,"peak_year":null}`
	if string(out) != want {
		t.Errorf("empty report = %s, want %s", out, want)
	}
}
