// Package history is Euterpe's listening history: recording plays (from
// the poller, an import, the demo) with the catalogue of tracks, albums and
// artists they name, and reading them back for the History page — date
// ranges in the user's time zone, totals, top lists, the calendar, the
// listening clock, sessions and item pages.
//
// The rules of the history are the database's and are read in one file,
// sql/schema.sql: a listen is stored once (euterpe.same_listen, within
// SameListenWindow), a play counts from 30 seconds (euterpe.counts_as_play;
// shorter is a skip), and the summaries (play_hours, play_totals) are kept
// by triggers on euterpe.plays. The aggregates are SQL
// (sql/queries/history.sql) over those summaries; Go shapes the rows into
// view models.
//
// Imports of exports (Spotify's, Euterpe's own) are package imports, which
// stages files and merges them in SQL under the same database rules, taking
// the user's plays lock and RebuildSummariesLocked when it takes plays out.
//
// Files: record.go writes plays and the catalogue (catalog.go), read.go
// reads spans, totals and top lists, span.go parses date ranges, resolve.go
// turns name-only tracks of account data into Spotify tracks, namekey.go is
// the one spelling rule two names of a song share.
package history
