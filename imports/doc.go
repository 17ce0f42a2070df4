// Package imports brings exports of a listening history into Euterpe:
// Spotify's (extended streaming history, account data) and Euterpe's own
// history.json.
//
// An import's life is its State (state.go): an upload is stored in the
// database as it arrives, in one request or in pieces a browser sends
// (uploads.go), so that a dyno's ephemeral disk and 30-second cut never
// matter; a River job (package jobs) then stages its rows (imports.go:
// stage, streaming each file, never holding it whole) and merges them a
// year at a time into package history under the same rules the poller's
// plays obey (the same listen is stored once; a play counts from 30 s).
// Each step reports its progress to the import's row, which the import's
// page reads as Import. Deleting an import takes out exactly the plays only
// it holds.
//
// import_euterpe.go reads Euterpe's own export back; its catalogue never
// rewrites what Spotify's ids already name.
package imports
