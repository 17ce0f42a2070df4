-- +goose Up
-- A browser's login, server-side. The cookie carries only a random id; this
-- table stores its HMAC (keyed with SECRET_KEY), so a copy of the table
-- cannot be turned back into working cookies. Logging out deletes the row,
-- so a replayed cookie finds nothing.
CREATE TABLE euterpe.sessions (
    id_hash         bytea PRIMARY KEY CHECK (octet_length(id_hash) = 32),
    user_id         uuid NOT NULL REFERENCES euterpe.users (id) ON DELETE CASCADE,
    created_at      timestamptz NOT NULL DEFAULT now(),
    -- Absolute end: a session never outlives this, however active.
    expires_at      timestamptz NOT NULL,
    -- Idle end: pushed forward as the session is used.
    idle_expires_at timestamptz NOT NULL
);
-- Deleting a user's sessions (logout everywhere, revoked grant, account
-- deletion) and the sweep of expired rows.
CREATE INDEX sessions_user_id_idx ON euterpe.sessions (user_id);
CREATE INDEX sessions_expires_at_idx ON euterpe.sessions (expires_at);

-- An authorization in flight: from /login to /callback. The state is single
-- use (the row is deleted when the callback claims it) and is also kept in a
-- short-lived cookie, binding it to the browser that started the login. The
-- PKCE verifier is stored Fernet-encrypted like every other credential.
CREATE TABLE euterpe.login_states (
    state_hash             bytea PRIMARY KEY CHECK (octet_length(state_hash) = 32),
    code_verifier_encrypted text NOT NULL CHECK (code_verifier_encrypted <> ''),
    created_at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_states_created_at_idx ON euterpe.login_states (created_at);

-- +goose Down
DROP TABLE euterpe.login_states;
DROP TABLE euterpe.sessions;
