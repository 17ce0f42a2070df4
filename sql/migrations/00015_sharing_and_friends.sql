-- +goose Up
-- Sharing and friends: public links to one view of a listener's stored
-- listening, friendships made through single-use invites, the playlists
-- Euterpe wrote to Spotify, and what a login asked Spotify for.

-- A public link to one view, /s/{token}. The token is 256 random bits shown
-- to its owner once; only its SHA-256 is kept, so neither a copy of this
-- table nor the server's secrets can be turned back into working links.
-- Revoking deletes the row: the next request finds nothing. What the link
-- shows is fixed when it is made: the kind of view and its own parameters,
-- the panels chosen, whether the owner's name and picture appear.
CREATE TABLE euterpe.shares (
    id             uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id        uuid        NOT NULL REFERENCES euterpe.users (id) ON DELETE CASCADE,
    token_hash     bytea       NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
    kind           text        NOT NULL CHECK (kind IN ('dashboard', 'history', 'year')),
    -- dashboard: the top lists of one of Spotify's ranges, from the daily
    -- snapshots.
    time_range     text        CHECK (time_range IN ('short_term', 'medium_term', 'long_term')),
    -- history: a preset period, read again at every view in the owner's
    -- time zone ("this year" stays this year), or fixed dates.
    period         text        CHECK (period IN ('today', 'this_week', 'this_month', 'this_year', 'last_365_days', 'all_time')),
    from_day       date,
    to_day         date,
    -- year: a year in review.
    year           integer     CHECK (year BETWEEN 1000 AND 9999),
    panels         text[]      NOT NULL CHECK (cardinality(panels) BETWEEN 1 AND 16),
    show_name      boolean     NOT NULL,
    show_picture   boolean     NOT NULL,
    -- The owner's Spotify picture when the link was made (show_picture).
    picture_url    text        CHECK (length(picture_url) <= 2048),
    -- NULL: never expires.
    expires_at     timestamptz,
    views          bigint      NOT NULL DEFAULT 0,
    last_viewed_at timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind = 'dashboard') = (time_range IS NOT NULL)),
    CHECK ((kind = 'year') = (year IS NOT NULL)),
    CHECK (kind = 'history' OR (period IS NULL AND from_day IS NULL AND to_day IS NULL)),
    CHECK (kind <> 'history'
           OR (period IS NOT NULL AND from_day IS NULL AND to_day IS NULL)
           OR (period IS NULL AND from_day IS NOT NULL AND to_day IS NOT NULL AND from_day <= to_day))
);
CREATE INDEX shares_user_id_idx ON euterpe.shares (user_id, created_at);

-- An invitation to be friends, /friends/join/{token}: single use (accepting
-- deletes it) and short-lived. As for shares, only the token's SHA-256 is
-- kept.
CREATE TABLE euterpe.friend_invites (
    id         uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    inviter_id uuid        NOT NULL REFERENCES euterpe.users (id) ON DELETE CASCADE,
    token_hash bytea       NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX friend_invites_inviter_id_idx ON euterpe.friend_invites (inviter_id, expires_at);

-- Two people who accepted each other, once per pair: the smaller user id is
-- always user_a, so (a, b) and (b, a) cannot both exist. Either may end it
-- (the row goes); deleting either account ends it too.
CREATE TABLE euterpe.friendships (
    id         uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    user_a     uuid        NOT NULL REFERENCES euterpe.users (id) ON DELETE CASCADE,
    user_b     uuid        NOT NULL REFERENCES euterpe.users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK (user_a < user_b),
    UNIQUE (user_a, user_b)
);
CREATE INDEX friendships_user_b_idx ON euterpe.friendships (user_b);

-- The playlists Euterpe wrote to a user's Spotify account. request_key is
-- the random key of the form that asked for it, so a form sent twice (a
-- double click, a reload) makes one playlist. The row is written before
-- Spotify is called and completed after (spotify_playlist_id set); one
-- Spotify refused is deleted again.
CREATE TABLE euterpe.made_playlists (
    id                  uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id             uuid        NOT NULL REFERENCES euterpe.users (id) ON DELETE CASCADE,
    request_key         text        NOT NULL CHECK (length(request_key) BETWEEN 16 AND 64),
    kind                text        NOT NULL CHECK (kind IN ('top', 'blend')),
    friend_id           uuid        REFERENCES euterpe.users (id) ON DELETE SET NULL,
    name                text        NOT NULL CHECK (name <> '' AND length(name) <= 200),
    spotify_playlist_id text        CHECK (spotify_playlist_id ~ '^[0-9A-Za-z]{1,64}$'),
    spotify_url         text        CHECK (length(spotify_url) <= 2048),
    tracks              integer     NOT NULL DEFAULT 0 CHECK (tracks >= 0),
    created_at          timestamptz NOT NULL DEFAULT now(),
    UNIQUE (user_id, request_key)
);

-- A login may ask Spotify for more than the configured scopes (the
-- playlist scope, asked for only when someone first makes a playlist) and
-- may lead back to the page it started from. scope is what was asked for
-- (empty: the configured scopes, as logins begun before this migration);
-- the return path is a local path, Fernet-encrypted (it may hold an invite).
ALTER TABLE euterpe.login_states
    ADD COLUMN scope               text NOT NULL DEFAULT '',
    ADD COLUMN return_to_encrypted text;

-- +goose Down
ALTER TABLE euterpe.login_states
    DROP COLUMN return_to_encrypted,
    DROP COLUMN scope;
DROP TABLE euterpe.made_playlists;
DROP TABLE euterpe.friendships;
DROP TABLE euterpe.friend_invites;
DROP TABLE euterpe.shares;
