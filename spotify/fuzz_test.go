package spotify

import (
	"encoding/json"
	"testing"
)

// FuzzParseReleaseDate checks the parser never panics and that what it accepts
// is a real date that reads back the same. Seeds beyond these live in
// testdata/fuzz/FuzzParseReleaseDate.
func FuzzParseReleaseDate(f *testing.F) {
	f.Add("1981-12-15", "day")
	f.Add("1981-12", "month")
	f.Add("1981", "year")
	f.Add("0000", "year")
	f.Add("", "")
	f.Fuzz(func(t *testing.T, date, precision string) {
		d, err := ParseReleaseDate(date, precision)
		if err != nil {
			if d != (ReleaseDate{}) {
				t.Fatalf("error %v came with a date %+v", err, d)
			}
			return
		}
		if d.Year < 1 || d.Year > 9999 || d.Month < 0 || d.Month > 12 || d.Day < 0 || d.Day > 31 {
			t.Fatalf("out of range: %+v", d)
		}
		if (d.Month == 0) != (d.Precision == PrecisionYear) || (d.Day == 0) != (d.Precision != PrecisionDay) {
			t.Fatalf("parts disagree with precision: %+v", d)
		}
		again, err := ParseReleaseDate(d.String(), string(d.Precision))
		if err != nil || again != d {
			t.Fatalf("%+v formats as %q, which reads back as %+v, %v", d, d.String(), again, err)
		}
	})
}

// FuzzDecodeTrack feeds arbitrary bytes to the decoders Euterpe runs on every
// Spotify response: they may refuse the input but must not panic, and whatever
// they accept must survive an encode and decode unchanged in the fields the
// analytics read.
func FuzzDecodeTrack(f *testing.F) {
	f.Add([]byte(fullTrackPage))
	f.Add([]byte(`{"items":[{"id":"t","popularity":null,"album":{"images":[{"url":"u","width":null,"height":null}]}}]}`))
	f.Add([]byte(`{"items":[null,{"album":null,"artists":null}],"next":null}`))
	f.Add([]byte(`{"items":[{"item":null,"track":{"id":"x","type":"episode"}}]}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var page Page[Track]
		if err := json.Unmarshal(data, &page); err == nil {
			for _, tr := range page.Items {
				_ = ImageURL(tr.Album.Images, 300)
				_, _ = tr.Album.Released()
			}
			out, err := json.Marshal(page)
			if err != nil {
				t.Fatalf("cannot re-encode a decoded page: %v", err)
			}
			var again Page[Track]
			if err := json.Unmarshal(out, &again); err != nil {
				t.Fatalf("cannot decode our own encoding %s: %v", out, err)
			}
			if len(again.Items) != len(page.Items) {
				t.Fatalf("item count changed: %d → %d", len(page.Items), len(again.Items))
			}
			for i := range page.Items {
				a, b := page.Items[i], again.Items[i]
				if a.ID != b.ID || (a.Popularity == nil) != (b.Popularity == nil) || a.Album.ID != b.Album.ID {
					t.Fatalf("item %d changed in a round trip: %+v → %+v", i, a, b)
				}
			}
		}
		var items Page[PlaylistItem]
		if err := json.Unmarshal(data, &items); err == nil {
			for _, it := range items.Items {
				_, _ = it.PlayableTrack()
			}
		}
		var artists Page[Artist]
		if err := json.Unmarshal(data, &artists); err == nil {
			for _, a := range artists.Items {
				_ = a.GenresKnown()
			}
		}
	})
}
