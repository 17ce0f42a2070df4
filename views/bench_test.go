package views

import (
	"context"
	"io"
	"testing"

	"github.com/a-h/templ"

	"github.com/euterpe-dev/euterpe/spotify"
)

// BenchmarkPanels renders each panel, as its HTMX fragment, from the
// realistic fixtures (50 songs, 50 artists, 50 plays…) to io.Discard. The
// handlers render into a buffer first; that copy is not counted here.
func BenchmarkPanels(b *testing.B) {
	ctx := context.Background()
	for id, c := range sampleFragments(spotify.MediumTerm) {
		b.Run(id, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := c.Render(ctx, io.Discard); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPages renders the dashboard page (layout and twelve
// placeholders), a panel inside the layout (a panel URL opened directly),
// and a panel's error state.
func BenchmarkPages(b *testing.B) {
	ctx := context.Background()
	page := Page{Title: "Your dashboard", User: &NavUser{Name: "Inès Moreau"}}
	pages := map[string]templ.Component{
		"dashboard": Dashboard(page, sampleDashboard(spotify.MediumTerm)),
		"panel-in-layout": templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
			return Layout(page).Render(templ.WithChildren(ctx, TopSongsPanel(ref("top-songs"), spotify.MediumTerm, sampleSongs(50, true))), w)
		}),
		"panel-error": PanelError(ref("top-songs"), "Spotify asked Euterpe to slow down. Try again in 30 seconds."),
	}
	for name, c := range pages {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := c.Render(ctx, io.Discard); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
