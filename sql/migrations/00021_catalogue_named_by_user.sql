-- +goose Up
-- The catalogue is shared by every user, so what it says of a track, an
-- album or an artist comes from Spotify: its API, or Spotify's own export
-- rows of that track id (issue 21, item 3). A user's Euterpe export
-- (history.json) imported back is the user's own file, which anyone can
-- write: it may add items the catalogue lacks, never change one it has,
-- and an item it added is marked named_by_user, so that Spotify's word
-- replaces it — the API's (names, credits and pictures) and Spotify's
-- export rows of that track id (the track's name, album and artist).
ALTER TABLE euterpe.tracks ADD COLUMN named_by_user boolean NOT NULL DEFAULT false;
ALTER TABLE euterpe.albums ADD COLUMN named_by_user boolean NOT NULL DEFAULT false;
ALTER TABLE euterpe.artists ADD COLUMN named_by_user boolean NOT NULL DEFAULT false;

-- +goose Down
ALTER TABLE euterpe.artists DROP COLUMN named_by_user;
ALTER TABLE euterpe.albums DROP COLUMN named_by_user;
ALTER TABLE euterpe.tracks DROP COLUMN named_by_user;
