-- +goose Up
-- A session whose user's Spotify grant is found gone (often by the
-- background poller) is marked rather than deleted: its next use ends it
-- with "Please log in again", so each device is told why instead of being
-- shown the landing page as to a stranger. A marked session never gives a
-- signed-in request; unused, it ends at its idle deadline like any other.
ALTER TABLE euterpe.sessions
    ADD COLUMN grant_gone boolean NOT NULL DEFAULT false;

-- +goose Down
ALTER TABLE euterpe.sessions DROP COLUMN grant_gone;
