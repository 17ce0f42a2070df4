package history

import "testing"

func TestNameKey(t *testing.T) {
	same := [][2][2]string{
		{{"Jóga", "Björk"}, {"joga", "bjork"}},
		{{"Hey Jude - Remastered 2015", "The Beatles"}, {"Hey Jude", "the beatles"}},
		{{"Let It Be - 2009 Remaster", "The Beatles"}, {"Let It Be", "The Beatles"}},
		{{"Song (feat. Someone)", "Artist"}, {"Song", "Artist"}},
		{{"Song [with Other]", "Artist"}, {"song", "ARTIST"}},
		{{"Rock & Roll", "Led Zeppelin"}, {"Rock and Roll", "Led Zeppelin"}},
		{{"  Space   Song ", "Beach House"}, {"Space Song", "Beach-House"}},
		{{"Ｓｐａｃｅ", "Beach House"}, {"Space", "Beach House"}}, // full-width letters
	}
	for _, c := range same {
		if a, b := NameKey(c[0][0], c[0][1]), NameKey(c[1][0], c[1][1]); a != b {
			t.Errorf("%q by %q and %q by %q: keys %q and %q differ", c[0][0], c[0][1], c[1][0], c[1][1], a, b)
		}
	}
	different := [][2][2]string{
		{{"Hey Jude", "The Beatles"}, {"Hey Jude (Live)", "The Beatles"}},
		{{"Song", "Artist A"}, {"Song", "Artist B"}},
		{{"AB", "C"}, {"A", "BC"}}, // parts stay apart
		{{"Numb", "Linkin Park"}, {"Numb Encore", "Linkin Park"}},
	}
	for _, c := range different {
		if a, b := NameKey(c[0][0], c[0][1]), NameKey(c[1][0], c[1][1]); a == b {
			t.Errorf("%q by %q and %q by %q share the key %q", c[0][0], c[0][1], c[1][0], c[1][1], a)
		}
	}
	if NameKey("", "") != "\x1f" {
		t.Errorf("empty parts: %q", NameKey("", ""))
	}
}
