// Package migrations embeds Euterpe's goose migrations so the binary can
// migrate its own schema (Heroku's release phase has no source tree).
package migrations

import "embed"

// FS holds the numbered SQL migrations. Files are never edited after they land.
//
//go:embed *.sql
var FS embed.FS
