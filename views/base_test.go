package views

import (
	"context"
	"testing"
)

func TestAt(t *testing.T) {
	ctx := WithBase(context.Background(), "/euterpe")
	for in, want := range map[string]string{
		"/history":                  "/euterpe/history",
		"/":                         "/euterpe/",
		"//evil.example/x":          "//evil.example/x",
		"https://open.spotify.com/": "https://open.spotify.com/",
		"#panel-top":                "#panel-top",
		"?range=long_term":          "?range=long_term",
		"":                          "",
	} {
		if got := At(ctx, in); got != want {
			t.Errorf("At(%q) = %q, want %q", in, got, want)
		}
	}
	if got := At(context.Background(), "/history"); got != "/history" {
		t.Errorf("at the root, At(/history) = %q", got)
	}
}
