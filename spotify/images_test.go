package spotify

import "testing"

// TestImageURLsAllowed: only Spotify's image hosts over https, and the
// simulator's origin only when the app talks to the simulator.
func TestImageURLsAllowed(t *testing.T) {
	const def = "https://api.spotify.com/v1"
	spotifyOnly := NewImageURLs(def, def)
	sim := NewImageURLs("http://127.0.0.1:8090/v1", def)
	for _, c := range []struct {
		url     string
		spotify bool
		withSim bool
	}{
		{"https://i.scdn.co/image/ab67616d0000b273", true, true},
		{"https://mosaic.scdn.co/640/ab67616d", true, true},
		{"https://image-cdn-ak.spotifycdn.com/image/ab67", true, true},
		{"https://image-cdn-fa.spotifycdn.com/image/ab67", true, true},
		{"https://thisis-images.spotifycdn.com/37i9dQZF1DZ06evO", true, true},
		{"https://seed-mix-image.spotifycdn.com/v6/img/artist/x", true, true},
		{"http://i.scdn.co/image/ab67", false, false},       // not https
		{"https://i.scdn.co:8443/image/ab67", false, false}, // another port
		{"https://user@i.scdn.co/image/ab67", false, false}, // credentials
		{"https://i.scdn.co.evil.example/image/x", false, false},
		{"https://evil.example/i.scdn.co/image/x", false, false},
		{"https://evil.spotifycdn.com/x", false, false},
		{"//i.scdn.co/image/x", false, false},
		{"javascript:alert(1)", false, false},
		{"", false, false},
		{"http://127.0.0.1:8090/image/album/4m2880jivSbbyEGAKfITCa/640", false, true},
		{"http://127.0.0.1:8091/image/album/x/640", false, false},
		{"https://127.0.0.1:8090/image/album/x/640", false, false},
	} {
		if got := spotifyOnly.Allowed(c.url); got != c.spotify {
			t.Errorf("Spotify's API: %q allowed %v, want %v", c.url, got, c.spotify)
		}
		if got := sim.Allowed(c.url); got != c.withSim {
			t.Errorf("the simulator: %q allowed %v, want %v", c.url, got, c.withSim)
		}
	}
	if (ImageURLs{}).Allowed("http://127.0.0.1:8090/image/x") {
		t.Error("the zero value accepts a host that is not Spotify's")
	}
}
