// Command rivermigrations writes River's schema migrations as goose
// migrations, so River's tables live in the euterpe schema and goose stays
// the one migration runner:
//
//	go run ./internal/cmd/rivermigrations -dir sql/migrations -number 4 -from 0
//
// Each River version becomes one goose file, the SQL exactly as
// `river migrate-get --version N --schema euterpe --up` (and --down) prints
// it, for the River version in go.mod; the module proxy this project builds
// from does not serve River's CLI, so this does the same with River's own
// rivermigrate package. One file per version keeps River's transaction
// boundaries: a version may use an enum value the one before it added. Each
// file also records its version in river_migration, as River's migrator
// does, so River sees the schema as current (database tests check it with
// River's own validation). Landed files are never edited: a River upgrade
// that brings new versions gets new files (-from the last version landed,
// -number the next free goose number).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivershared/sqlctemplate"
)

func main() {
	dir := flag.String("dir", "sql/migrations", "where to write the goose migrations")
	number := flag.Int("number", 0, "goose number of the first file written (required)")
	from := flag.Int("from", 0, "write only the River versions after this one")
	schema := flag.String("schema", "euterpe", "schema River's tables live in")
	flag.Parse()
	if err := write(*dir, *number, *from, *schema); err != nil {
		fmt.Fprintln(os.Stderr, "rivermigrations:", err)
		os.Exit(1)
	}
}

// lineColumnSince is the River version that added river_migration.line.
const lineColumnSince = 5

func write(dir string, number, from int, schema string) error {
	if number < 1 {
		return fmt.Errorf("-number is required: the goose number of the first file")
	}
	m, err := rivermigrate.New(riverpgxv5.New(nil), &rivermigrate.Config{})
	if err != nil {
		return err
	}
	fill := func(sql string) (string, error) {
		if !strings.Contains(sql, "/* TEMPLATE: schema */") {
			return strings.TrimSpace(sql), nil
		}
		ctx := sqlctemplate.WithReplacements(context.Background(), map[string]sqlctemplate.Replacement{
			"schema": {Stable: true, Value: schema + "."},
		}, nil)
		var r sqlctemplate.Replacer
		out, _, err := r.RunSafely(ctx, "$", sql, nil)
		return strings.TrimSpace(out), err
	}
	wrote := 0
	for _, v := range m.AllVersions() {
		if v.Version <= from {
			continue
		}
		up, err := fill(v.SQLUp)
		if err != nil {
			return fmt.Errorf("version %d up: %w", v.Version, err)
		}
		down, err := fill(v.SQLDown)
		if err != nil {
			return fmt.Errorf("version %d down: %w", v.Version, err)
		}
		record := fmt.Sprintf("INSERT INTO %s.river_migration (line, version) VALUES ('main', %d);", schema, v.Version)
		unrecord := fmt.Sprintf("DELETE FROM %s.river_migration WHERE line = 'main' AND version = %d;", schema, v.Version)
		if v.Version < lineColumnSince {
			record = fmt.Sprintf("INSERT INTO %s.river_migration (version) VALUES (%d);", schema, v.Version)
			unrecord = fmt.Sprintf("DELETE FROM %s.river_migration WHERE version = %d;", schema, v.Version)
		}
		downBlock := fmt.Sprintf("%s\n\n-- River main migration %03d [down]\n-- +goose StatementBegin\n%s\n-- +goose StatementEnd\n", unrecord, v.Version, down)
		if v.Version == 1 {
			downBlock = fmt.Sprintf("-- River main migration %03d [down] (drops river_migration itself)\n-- +goose StatementBegin\n%s\n-- +goose StatementEnd\n", v.Version, down)
		}
		body := fmt.Sprintf(`-- River's schema, version %[1]d (%[2]s), in the %[3]s schema: the SQL of
-- `+"`river migrate-get --version %[1]d --schema %[3]s`"+`, written by
-- go run ./internal/cmd/rivermigrations (see there); do not edit.

-- +goose Up
-- River main migration %03[1]d [up]
-- +goose StatementBegin
%[4]s
-- +goose StatementEnd

%[5]s

-- +goose Down
%[6]s`, v.Version, v.Name, schema, up, record, downBlock)
		name := fmt.Sprintf("%05d_river_%03d_%s.sql", number+wrote, v.Version, strings.ReplaceAll(v.Name, " ", "_"))
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			return err
		}
		fmt.Println("wrote", name)
		wrote++
	}
	if wrote == 0 {
		return fmt.Errorf("no River migrations after version %d", from)
	}
	return nil
}
