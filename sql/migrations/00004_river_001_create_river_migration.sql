-- River's schema, version 1 (create river migration), in the euterpe schema: the SQL of
-- `river migrate-get --version 1 --schema euterpe`, written by
-- go run ./internal/cmd/rivermigrations (see there); do not edit.

-- +goose Up
-- River main migration 001 [up]
-- +goose StatementBegin
CREATE TABLE euterpe.river_migration(
  id bigserial PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT NOW(),
  version bigint NOT NULL,
  CONSTRAINT version CHECK (version >= 1)
);

CREATE UNIQUE INDEX ON euterpe.river_migration USING btree(version);
-- +goose StatementEnd

INSERT INTO euterpe.river_migration (version) VALUES (1);

-- +goose Down
-- River main migration 001 [down] (drops river_migration itself)
-- +goose StatementBegin
DROP TABLE euterpe.river_migration;
-- +goose StatementEnd
