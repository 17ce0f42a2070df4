-- +goose Up
-- The seed's "user preferences": for now the favourite time range, which the
-- dashboard opens with. One row per user, gone with the user.
CREATE TABLE euterpe.user_preferences (
    user_id        uuid PRIMARY KEY REFERENCES euterpe.users (id) ON DELETE CASCADE,
    favorite_range text NOT NULL DEFAULT 'short_term'
        CHECK (favorite_range IN ('short_term', 'medium_term', 'long_term')),
    updated_at     timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE euterpe.user_preferences;
