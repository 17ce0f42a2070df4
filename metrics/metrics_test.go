package metrics

import "testing"

func TestEndpoint(t *testing.T) {
	for path, want := range map[string]string{
		"/v1/me/top/tracks":                                                 "/v1/me/top/tracks",
		"/v1/playlists/37i9dQZF1DXcBWIGoYBM5M/items":                        "/v1/playlists/{id}/items",
		"/v1/artists/0TnOYISbd1XYRBk9myaseg":                                "/v1/artists/{id}",
		"/v1/playlists/37i9dQZF1DXcBWIGoYBM5M/items/37i9dQZF1DXcBWIGoYBM5M": "/v1/playlists/{id}/items/{id}",
		"/v1/me/player/recently-played":                                     "/v1/me/player/recently-played",
		"/v1/users/spotifyuser_with_a_long_name_here/playlists":             "/v1/users/spotifyuser_with_a_long_name_here/playlists",
	} {
		if got := Endpoint(path); got != want {
			t.Errorf("Endpoint(%q) = %q, want %q", path, got, want)
		}
	}
}
