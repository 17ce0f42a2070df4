package database

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"

	"github.com/euterpe-dev/euterpe/sql/migrations"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// VersionTable is goose's bookkeeping table. It lives in our schema: the other
// application on this database may run goose with the default
// public.goose_db_version, which Euterpe never reads or writes.
const VersionTable = Schema + ".goose_db_version"

// migrationLockID is the Postgres advisory lock migrations run under, our own
// so that the other application's goose (default id 5887940537704921958)
// never waits on us or we on it. It spells "euterpe" in ASCII.
const migrationLockID int64 = 0x65757465727065

// maxMigrationConns: one holds the advisory lock, one runs the migrations.
const maxMigrationConns = 2

// Migrator applies the embedded migrations.
type Migrator struct {
	db       *sql.DB
	provider *goose.Provider
}

// NewMigrator connects with at most two connections and makes sure our schema
// exists, since goose keeps its version table there.
func NewMigrator(ctx context.Context, url string, logger *slog.Logger) (*Migrator, error) {
	pcfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, errors.New("database: DATABASE_URL cannot be parsed as a connection string")
	}
	pcfg.ConnConfig.RuntimeParams["application_name"] = ApplicationName + "-migrate"
	pcfg.ConnConfig.RuntimeParams["search_path"] = Schema
	db := stdlib.OpenDB(*pcfg.ConnConfig)
	db.SetMaxOpenConns(maxMigrationConns)
	db.SetMaxIdleConns(maxMigrationConns)

	if err := ensureSchema(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(migrationLockID))
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("database: migration lock: %w", err)
	}
	opts := []goose.ProviderOption{
		goose.WithTableName(VersionTable),
		goose.WithSessionLocker(locker),
		goose.WithDisableGlobalRegistry(true),
	}
	if logger != nil {
		opts = append(opts, goose.WithSlog(logger))
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS, opts...)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("database: migrations: %w", err)
	}
	return &Migrator{db: db, provider: p}, nil
}

// ensureSchema creates the euterpe schema when it is missing. It checks first
// because CREATE SCHEMA IF NOT EXISTS still demands CREATE on the database,
// which a role may lack once an administrator has made the schema for it, and
// it holds the migration lock's id as a transaction lock so two releases
// starting together cannot race on it.
func ensureSchema(ctx context.Context, db *sql.DB) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("database: connect: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", migrationLockID); err != nil {
		return fmt.Errorf("database: schema lock: %w", err)
	}
	var exists bool
	if err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)", Schema).Scan(&exists); err != nil {
		return fmt.Errorf("database: look up schema: %w", err)
	}
	if !exists {
		if _, err := tx.ExecContext(ctx, "CREATE SCHEMA "+Schema); err != nil {
			return fmt.Errorf("database: create schema %s: %w", Schema, err)
		}
	}
	return tx.Commit()
}

// Up applies every pending migration; with none pending it changes nothing.
func (m *Migrator) Up(ctx context.Context) ([]*goose.MigrationResult, error) {
	res, err := m.provider.Up(ctx)
	if err != nil {
		return res, fmt.Errorf("database: migrate up: %w", err)
	}
	return res, nil
}

// Down rolls back the most recent migration.
func (m *Migrator) Down(ctx context.Context) (*goose.MigrationResult, error) {
	res, err := m.provider.Down(ctx)
	if err != nil {
		return res, fmt.Errorf("database: migrate down: %w", err)
	}
	return res, nil
}

// Status lists every known migration and whether it is applied.
func (m *Migrator) Status(ctx context.Context) ([]*goose.MigrationStatus, error) {
	st, err := m.provider.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("database: migration status: %w", err)
	}
	return st, nil
}

// MaxOpenConns is the most connections the migrator will open.
func (m *Migrator) MaxOpenConns() int { return m.db.Stats().MaxOpenConnections }

// Close releases the migrator's connections.
func (m *Migrator) Close() error { return m.provider.Close() }

// ErrSchemaBehind is a database whose schema is older than this build's
// migrations: the process must not serve from it.
var ErrSchemaBehind = errors.New("database: the schema is behind this build")

// LatestVersion is the newest migration this build carries.
func LatestVersion() (int64, error) {
	entries, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil {
		return 0, err
	}
	var latest int64
	for _, name := range entries {
		v, err := goose.NumericComponent(name)
		if err != nil {
			return 0, fmt.Errorf("database: migration %s: %w", name, err)
		}
		latest = max(latest, v)
	}
	return latest, nil
}

// CheckSchema compares the database's migration version with the build's.
// A schema behind the build is ErrSchemaBehind, with a message naming the
// command that fixes it; one ahead (the build was rolled back) is fine, as
// migrations only ever add what older code can ignore.
func CheckSchema(ctx context.Context, pool *Pool) (have, want int64, err error) {
	want, err = LatestVersion()
	if err != nil {
		return 0, 0, err
	}
	var exists bool
	if err := pool.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", VersionTable).Scan(&exists); err != nil {
		return 0, want, fmt.Errorf("database: read migration version: %w", err)
	}
	if exists {
		if err := pool.QueryRow(ctx, "SELECT COALESCE(max(version_id), 0) FROM "+VersionTable+" WHERE is_applied").Scan(&have); err != nil {
			return 0, want, fmt.Errorf("database: read migration version: %w", err)
		}
	}
	if have < want {
		return have, want, fmt.Errorf("%w: it is at migration %d, this build needs %d: run `euterpe migrate up` "+
			"(on Heroku the release phase runs it: see `heroku releases`)", ErrSchemaBehind, have, want)
	}
	return have, want, nil
}
