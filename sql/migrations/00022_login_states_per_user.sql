-- +goose Up
-- A login begun by someone signed in (asking for the playlist scope, or
-- signing in again) names them, so that one user's logins in progress are
-- bounded (auth.MaxPendingLoginsPerUser): a few accounts could otherwise
-- fill the table's bound for everyone. Logins begun signed out have none.
ALTER TABLE euterpe.login_states
    ADD COLUMN user_id uuid REFERENCES euterpe.users (id) ON DELETE CASCADE;
CREATE INDEX login_states_user_id_idx ON euterpe.login_states (user_id, created_at)
    WHERE user_id IS NOT NULL;

-- +goose Down
DROP INDEX euterpe.login_states_user_id_idx;
ALTER TABLE euterpe.login_states DROP COLUMN user_id;
