package handlers

import (
	"bytes"
	"context"
	"fmt"

	"github.com/euterpe-dev/euterpe/views"
)

// pwa serves what makes Euterpe an installable web app: the manifest, the
// service worker and the offline page the worker falls back to. They are
// the same for everyone, so they are built once, with the router, and sit
// outside the session.
type pwa struct {
	manifest      *fixedBody
	serviceWorker *fixedBody
	offline       *fixedBody
	// cacheName is the service worker's cache for this build.
	cacheName string
}

func newPWA(demo bool, base string) *pwa {
	var page bytes.Buffer
	p := views.Page{Title: "Offline", Demo: demo, Offline: true}
	if err := views.OfflinePage(p).Render(views.WithBase(context.Background(), base), &page); err != nil {
		// The page has no data that could fail to render: this is a bug.
		panic(fmt.Sprintf("handlers: the offline page does not render: %v", err))
	}
	sw, cacheName := views.ServiceWorker(page.Bytes(), base)
	return &pwa{
		manifest:      newFixedBody("application/manifest+json", views.WebAppManifest(base)),
		serviceWorker: newFixedBody("text/javascript; charset=utf-8", sw),
		offline:       newFixedBody("text/html; charset=utf-8", page.Bytes()),
		cacheName:     cacheName,
	}
}
