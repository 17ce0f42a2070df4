// Package spotifysim is an in-process, faithful stand-in for Spotify: the
// accounts service, the parts of the Web API that Euterpe calls, generated
// cover art, and a control API for tests, demos and benchmarks. A *Server is
// an http.Handler; `euterpe spotify-sim` and `euterpe demo` serve it, tests
// mount it on httptest.
//
// Everything an application can observe follows Spotify and
// shared/spotify/openapi.yml (TestOpenAPIConformance walks every route in
// both modes against it). Where the simulator follows Spotify against the
// document, the code and the test say so; the cases are listed below.
//
// # Accounts service
//
//	GET  /authorize   consent page (or an error page, with no redirect, for an
//	                  unknown client_id or a redirect_uri that is not the
//	                  registered one, byte for byte)
//	POST /authorize   the consent form: listener=ID, action=accept|cancel
//	POST /api/token   authorization_code (+PKCE S256) and refresh_token grants
//
// Codes are single-use and live ten minutes; a reused code also revokes the
// tokens issued from it (RFC 6749 §4.1.2). Clients authenticate by HTTP Basic
// or form fields; a PKCE client may omit the secret, for the code exchange and
// for refreshing. Refresh tokens expire Config.RefreshTTL after the original
// authorization, however often they are refreshed. With RotateRefresh each
// refresh returns a new refresh token and revokes the old one; without it the
// response has no refresh_token.
//
// # Web API
//
//	GET  /v1/me
//	GET  /v1/me/top/tracks, /v1/me/top/artists   time_range, limit 1–50, offset
//	GET  /v1/me/player/recently-played           limit 1–50 (default 20), after | before (ms)
//	GET  /v1/me/playlists                        owned and followed
//	POST /v1/me/playlists
//	GET  /v1/playlists/{id}
//	GET  /v1/playlists/{id}/items                limit 1–50; owner or collaborator only (403 otherwise)
//	GET  /v1/playlists/{id}/tracks               limit 1–100; extended mode only
//	POST /v1/playlists/{id}/items, .../tracks    (tracks: extended mode only)
//	GET  /v1/artists/{id}
//	GET  /v1/artists?ids=                        extended mode only
//
// recently-played reaches only the last 50 plays at or before the
// simulator's now, as Spotify's does: after= (exclusive, Unix ms) returns the
// oldest plays after it inside that window, before= the newest plays before
// it; items are newest first either way. A client that polls with after=
// loses no play as long as 50 plays do not pass between two polls.
//
// Errors are Spotify's: 401 "No token provided", "Invalid access token",
// "The access token expired"; 400 "Only valid bearer authentication
// supported", "Invalid limit", "Invalid offset", "Invalid time range",
// "Invalid base62 id"; 403 "Insufficient client scope"; 404 "Resource not
// found" (unknown ids) and "Service not found" (unknown paths); 429 "API rate
// limit exceeded" with Retry-After in seconds.
//
// # Development mode
//
// Mode "development" answers as Spotify answers a Development-Mode app since
// February 2026, removing every field the document marks deprecated on the
// objects served: popularity and available_markets (tracks and albums),
// preview_url (tracks), followers, genres and popularity (artists), country,
// email, explicit_content, followers and product (the current user), and the
// tracks alias of items on playlists and playlist items. The removed
// endpoints /playlists/{id}/tracks and the batch /artists?ids= answer 403
// {"error":{"status":403,"message":"Forbidden"}}, which is what Spotify sends
// such apps (the endpoints were renamed or withdrawn, not made unknown, so
// not 404). The five demo listeners fit Development Mode's five-user cap.
//
// # Deviations from openapi.yml
//
//   - A recently-played item's context is null when the play did not start
//     from an album, playlist or artist (documented in the spec's README).
//   - Cursor paging sends "next": null on the last page and "cursors": null
//     when there are no items; the schema lacks nullable: true.
//   - In development mode albums lack available_markets, which AlbumBase lists
//     as both required and deprecated.
//   - Spotify's 400 and 404 answers are not listed per operation in the
//     document; they have the shape of its shared BadRequest/NotFound.
//   - The batch /artists?ids= puts null where an id is unknown, as Spotify
//     does; the document's array items are not nullable.
//   - The fields= and market= parameters are accepted and ignored.
//
// # Time
//
// The simulator lives in its own time: Config.Clock (the --clock flag, a
// clock.Parse spec such as "1440x,2026-11-01T00:00:00Z,2026-11-28T10:00:00Z"
// shared with the app so that a simulated day passes in a minute; the system
// clock by default) plus an offset that only grows, by POST
// /_sim/clock/advance. Access-token expiry, refresh-token lifetime, codes,
// recently-played and the history all use it; latency and fault delays are
// wall-clock time.
//
// # Control API (not Spotify's; never delayed, counted or faulted)
//
//	GET    /_sim/listeners            [{"id","display_name","taste"}]
//	GET    /_sim/stats                {"requests":{"GET /v1/me/top/tracks":n,…},
//	                                   "token_grants":{"authorization_code":n,"refresh_token":n}}
//	POST   /_sim/reset                zero the counters and empty the log (204)
//	POST   /_sim/revoke?listener=ID   revoke all the listener's tokens
//	GET    /_sim/faults               the pending faults
//	POST   /_sim/faults               add a fault (201), see below
//	DELETE /_sim/faults               clear all faults (204)
//	GET    /_sim/clock                {"now":"2026-06-15T18:30:00Z"} (RFC 3339, ns)
//	POST   /_sim/clock/advance        {"by":"2h30m"} → {"now":…}: a Go duration,
//	                                  positive, at most 400 days
//	GET    /_sim/history?listener=ID&after=MS&before=MS
//	                                  {"items":[{"track","played_at","context"},…]}
//	GET    /_sim/top?listener=ID&date=YYYY-MM-DD
//	                                  {"date","tracks":{"short_term":[…],…},"artists":{…}}:
//	                                  the six top lists as the Web API answered them
//	                                  that UTC day (toplists.go), for seeding a demo's
//	                                  past snapshots; not after the simulator's today
//	GET    /_sim/export?listener=ID&format=extended|account&years=N
//	                                  a zip like the privacy export Spotify mails
//	                                  (see export.go), of the listener's plays
//	GET    /_sim/log?path_prefix=P&listener=ID
//	                                  {"requests":[{"method","path","listener",
//	                                   "status","started","ended","user_agent"},…]}
//
// Requests are counted by method and route pattern, e.g.
// "GET /v1/playlists/{id}/items", including /authorize and /api/token and
// including requests a fault answered; token_grants counts /api/token
// attempts by grant_type, successful or not. Image requests are not counted.
//
// /_sim/history is the listener's true plays with after < played_at <=
// before, oldest first, each exactly as a recently-played item (the track as
// the Web API renders it in the current mode, played_at with milliseconds,
// context or null): what an app that synced without loss has stored. Both
// bounds are required Unix milliseconds, before must not be later than the
// simulator's now, and they may be at most 400 days apart; otherwise 400
// {"error":…}, and 404 for an unknown listener.
//
// /_sim/log is the most recent Spotify requests (accounts service and Web
// API, up to 10,000, in the order they ended), optionally only those whose
// path starts with path_prefix and those of one listener. listener is the
// account whose access token made the request ("" when it carried none,
// as on the accounts service); status is 0 when the client went away before
// an answer; started and ended are wall-clock RFC 3339 times with
// nanoseconds, so a test can prove that two processes never polled one
// listener at the same time.
//
// A fault is JSON with these fields (all optional, but one of status,
// malformed or delay_ms must be set):
//
//	status       error status to answer, 400–599; or 200 with a body: a
//	             success that says what the body says (unexpected nulls,
//	             missing fields), as a misbehaving Spotify might
//	retry_after  Retry-After seconds with status 429 (default 1)
//	count        how many matching requests (default 1; -1 until cleared)
//	path_prefix  only paths starting with this ("/v1/me/top", "/api/token")
//	method       only this method
//	listener     only requests made with this listener's access token
//	body         body to send instead of Spotify's error JSON (a JSON string
//	             is sent as its text, anything else verbatim)
//	malformed    truncate the body so it is not valid JSON; without status
//	             the real response is truncated (a 200 with half a body)
//	delay_ms     wait before answering, honouring client cancellation; alone
//	             it only slows the matching requests
//
// Faults match Spotify routes (accounts service and Web API) in the order
// they were added; the first match is used.
//
// # Catalog
//
// The catalog is generated from Config.Seed: 120 artists in five scenes
// (obscure indie, 70s rock, current pop, jazz and classical, hip-hop and
// electronic), ~2,000 tracks, albums with year, month and day release-date
// precisions, and five listeners with distinct tastes, overlapping top lists
// (artists in all three ranges, and artists only in the long term), owned and
// followed playlists (some over 100 items, one shared and collaborative, one
// empty), and a listening history. Images are SVGs served under /image/ at
// absolute URLs built from the request's Host.
//
// # Top lists over time
//
// The top lists move as Spotify's rolling windows do (about 4 weeks, 6
// months and a year, recomputed daily): /v1/me/top answers the lists of the
// simulator's UTC today, which reshuffle a little from day to day and much
// more over a month, the short term far more than the long term; a few
// artists enter the short-term list for a phase of keen listening and leave
// again, and tracks come and go with their artists' ranks. The artists of
// each range are those described above on every day. See toplists.go.
//
// # Listening history
//
// Listeners never stop listening while simulated time passes. The plays of a
// listener on a UTC day are generated when first asked for, from the seed,
// the listener and the date alone: every date, past or future, has plays, and
// two simulators with the same seed, started at any time, report the same
// plays for the same dates. Sessions start at the listener's usual hours
// (each skipped one day in five) and play from an album, a playlist, an
// artist or nothing in particular (context null); a skip cuts a play short
// but never below 30 s; played_at is when a track ended; a session ends when
// the next one starts, so plays never overlap, even across midnight. The
// rates, with seed 1 (other seeds differ by a few percent):
//
//	ines   07h and 22h UTC (the late one often runs past midnight),
//	       6–16 tracks: about 14 plays a day
//	walt   13h and 19h, 8–14 tracks: about 16 a day
//	kiko   00h, 08h and 11h, 4–12 tracks: about 18 a day
//	amara  09h and 20h, 5–10 tracks: about 12 a day
//	dex    around the clock, one track straight after another (gaps of
//	       up to 4 s, up to 6 s when the context changes, every 8–20
//	       tracks), skipping one track in three within 75 s: about 19
//	       plays an hour (17–20 with other seeds), so his 50-play
//	       recently-played window turns over in about 2.5 hours, and in
//	       90 minutes when skips cluster. An app that polls him less
//	       often than hourly loses plays. Only at midnight UTC, when the
//	       day's first context cuts the last one, can half a minute pass
//	       without a play (a track cut under 30 s is no play).
package spotifysim
