-- River's schema, version 3 (river job tags non null), in the euterpe schema: the SQL of
-- `river migrate-get --version 3 --schema euterpe`, written by
-- go run ./internal/cmd/rivermigrations (see there); do not edit.

-- +goose Up
-- River main migration 003 [up]
-- +goose StatementBegin
ALTER TABLE euterpe.river_job ALTER COLUMN tags SET DEFAULT '{}';
UPDATE euterpe.river_job SET tags = '{}' WHERE tags IS NULL;
ALTER TABLE euterpe.river_job ALTER COLUMN tags SET NOT NULL;
-- +goose StatementEnd

INSERT INTO euterpe.river_migration (version) VALUES (3);

-- +goose Down
DELETE FROM euterpe.river_migration WHERE version = 3;

-- River main migration 003 [down]
-- +goose StatementBegin
ALTER TABLE euterpe.river_job
    ALTER COLUMN tags DROP NOT NULL,
    ALTER COLUMN tags DROP DEFAULT;
-- +goose StatementEnd
