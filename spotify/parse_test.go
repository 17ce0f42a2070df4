package spotify

import (
	"errors"
	"strings"
	"testing"
)

func TestParseTimeRange(t *testing.T) {
	tests := []struct {
		in        string
		want      TimeRange
		wantLabel string
		wantErr   bool
	}{
		{"short_term", ShortTerm, "Last 4 weeks", false},
		{"medium_term", MediumTerm, "Last 6 months", false},
		{"long_term", LongTerm, "Last year", false},
		{"", "", "", true},
		{"Short_Term", "", "", true},
		{"forever", "", "", true},
		{"short_term ", "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseTimeRange(tt.in)
			if tt.wantErr {
				if !errors.Is(err, ErrUnknownTimeRange) {
					t.Fatalf("err = %v, want ErrUnknownTimeRange", err)
				}
				for _, r := range TimeRanges() {
					if !strings.Contains(err.Error(), string(r)) {
						t.Errorf("error %q does not name %s", err, r)
					}
				}
				return
			}
			if err != nil || got != tt.want || got.Label() != tt.wantLabel {
				t.Errorf("ParseTimeRange(%q) = %q (%q), %v", tt.in, got, got.Label(), err)
			}
		})
	}
}

func TestTimeRangesIsACopy(t *testing.T) {
	rs := TimeRanges()
	rs[0] = "changed"
	if TimeRanges()[0] != ShortTerm {
		t.Fatal("TimeRanges shares its slice between callers")
	}
}

func TestParseReleaseDate(t *testing.T) {
	tests := []struct {
		date, precision string
		want            ReleaseDate
		wantErr         bool
	}{
		{"1981-12-15", "day", ReleaseDate{1981, 12, 15, PrecisionDay}, false},
		{"1981-12", "month", ReleaseDate{1981, 12, 0, PrecisionMonth}, false},
		{"1981", "year", ReleaseDate{1981, 0, 0, PrecisionYear}, false},
		{"1981-12-15", "year", ReleaseDate{1981, 0, 0, PrecisionYear}, false},
		{"1981-12-15", "month", ReleaseDate{1981, 12, 0, PrecisionMonth}, false},
		{"1981-12", "day", ReleaseDate{1981, 12, 0, PrecisionMonth}, false},
		{"1981", "day", ReleaseDate{1981, 0, 0, PrecisionYear}, false},
		{"1981-12-15", "", ReleaseDate{1981, 12, 15, PrecisionDay}, false},
		{"1981-12-15", "DAY", ReleaseDate{1981, 12, 15, PrecisionDay}, false},
		{"1981-12-15", "fortnight", ReleaseDate{1981, 12, 15, PrecisionDay}, false},
		{"2000-02-29", "day", ReleaseDate{2000, 2, 29, PrecisionDay}, false},
		{"2001-02-29", "day", ReleaseDate{2001, 2, 0, PrecisionMonth}, false},
		{"1999-13-01", "day", ReleaseDate{1999, 0, 0, PrecisionYear}, false},
		{"1999-00", "month", ReleaseDate{1999, 0, 0, PrecisionYear}, false},
		{"1999-1", "month", ReleaseDate{1999, 0, 0, PrecisionYear}, false},
		{"1999-01-1", "day", ReleaseDate{1999, 1, 0, PrecisionMonth}, false},
		{"1999-01-011", "day", ReleaseDate{1999, 1, 0, PrecisionMonth}, false},
		{"1999-", "", ReleaseDate{1999, 0, 0, PrecisionYear}, false},
		{"0001", "year", ReleaseDate{1, 0, 0, PrecisionYear}, false},
		{"0000", "year", ReleaseDate{}, true},
		{"0000-00-00", "day", ReleaseDate{}, true},
		{"", "", ReleaseDate{}, true},
		{"", "day", ReleaseDate{}, true},
		{"198", "year", ReleaseDate{}, true},
		{"19812", "year", ReleaseDate{}, true},
		{"-198", "year", ReleaseDate{}, true},
		{"abcd", "year", ReleaseDate{}, true},
		{"１９８１", "year", ReleaseDate{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.date+"/"+tt.precision, func(t *testing.T) {
			got, err := ParseReleaseDate(tt.date, tt.precision)
			if tt.wantErr {
				if !errors.Is(err, ErrNoReleaseYear) || got != (ReleaseDate{}) {
					t.Fatalf("= %+v, %v; want ErrNoReleaseYear", got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("= %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

func TestReleaseDateStringAndDecade(t *testing.T) {
	tests := []struct {
		d          ReleaseDate
		want       string
		wantDecade int
	}{
		{ReleaseDate{1981, 12, 5, PrecisionDay}, "1981-12-05", 1980},
		{ReleaseDate{2009, 3, 0, PrecisionMonth}, "2009-03", 2000},
		{ReleaseDate{2010, 0, 0, PrecisionYear}, "2010", 2010},
		{ReleaseDate{7, 0, 0, PrecisionYear}, "0007", 0},
	}
	for _, tt := range tests {
		if got := tt.d.String(); got != tt.want || tt.d.Decade() != tt.wantDecade {
			t.Errorf("%+v: String() = %q, Decade() = %d; want %q, %d", tt.d, got, tt.d.Decade(), tt.want, tt.wantDecade)
		}
	}
}

func intp(n int) *int { return &n }

func TestImageURL(t *testing.T) {
	tests := []struct {
		name   string
		images []Image
		want   string
	}{
		{"nil", nil, ""},
		{"the 300 px one", []Image{{"big", intp(640), intp(640)}, {"mid", intp(300), intp(300)}, {"small", intp(64), intp(64)}}, "mid"},
		{"no 300, largest", []Image{{"small", intp(64), intp(64)}, {"big", intp(640), intp(640)}}, "big"},
		{"largest even when listed last", []Image{{"a", intp(160), intp(160)}, {"b", intp(320), intp(320)}}, "b"},
		{"unknown sizes, first", []Image{{"first", nil, nil}, {"second", nil, nil}}, "first"},
		{"known size beats unknown", []Image{{"unknown", nil, nil}, {"tiny", intp(1), intp(1)}}, "tiny"},
		{"300 wide wins whatever its height", []Image{{"short", intp(300), intp(100)}, {"tall", intp(600), intp(700)}, {"wide", intp(600), intp(200)}}, "short"},
		{"equal width no 300, taller", []Image{{"wide", intp(600), intp(200)}, {"tall", intp(600), intp(700)}}, "tall"},
		{"empty URL skipped", []Image{{"", intp(300), intp(300)}, {"ok", intp(64), intp(64)}}, "ok"},
		{"only empty URLs", []Image{{"", intp(300), intp(300)}}, ""},
		{"negative size treated as unknown", []Image{{"neg", intp(-5), nil}, {"ok", intp(10), nil}}, "ok"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ImageURL(tt.images, 300); got != tt.want {
				t.Errorf("ImageURL = %q, want %q", got, tt.want)
			}
		})
	}
}
