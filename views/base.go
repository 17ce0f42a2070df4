package views

import (
	"context"
	"strings"

	"github.com/a-h/templ"
)

// baseKey carries the path Euterpe is served under (config.BasePath).
type baseKey struct{}

// WithBase marks ctx with the base path every app link is under ("" at a
// host's root, else e.g. "/euterpe").
func WithBase(ctx context.Context, base string) context.Context {
	return context.WithValue(ctx, baseKey{}, base)
}

// Base is ctx's base path.
func Base(ctx context.Context) string {
	b, _ := ctx.Value(baseKey{}).(string)
	return b
}

// At is an app path under ctx's base path; anything else (an absolute URL,
// a fragment, a query) is returned as it is.
func At(ctx context.Context, path string) string {
	return AtBase(Base(ctx), path)
}

// AtBase is path under base when it is an app path ("/…", not "//…").
func AtBase(base, path string) string {
	if base == "" || !strings.HasPrefix(path, "/") || strings.HasPrefix(path, "//") {
		return path
	}
	return base + path
}

// at is At for the templates' attributes that take a string (hx-get, data-*).
func at(ctx context.Context, path string) string { return At(ctx, path) }

// u is At as a URL for the templates' href, src and action.
func u(ctx context.Context, path string) templ.SafeURL { return templ.URL(At(ctx, path)) }
