-- River's schema, version 8 (job id autoincrement), in the euterpe schema: the SQL of
-- `river migrate-get --version 8 --schema euterpe`, written by
-- go run ./internal/cmd/rivermigrations (see there); do not edit.

-- +goose Up
-- River main migration 008 [up]
-- +goose StatementBegin
-- No-op. Postgres sequences already prevent automatically generated job IDs
-- from being reused.
SELECT 1;
-- +goose StatementEnd

INSERT INTO euterpe.river_migration (line, version) VALUES ('main', 8);

-- +goose Down
DELETE FROM euterpe.river_migration WHERE line = 'main' AND version = 8;

-- River main migration 008 [down]
-- +goose StatementBegin
-- No-op. Postgres sequences already prevent automatically generated job IDs
-- from being reused.
SELECT 1;
-- +goose StatementEnd
