package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/euterpe-dev/euterpe/database"
	"github.com/euterpe-dev/euterpe/db"
	"github.com/euterpe-dev/euterpe/imports"
)

// queueImports holds imports and their deletions: one at a time per
// process, so a dyno's memory holds one export's stream at most.
const queueImports = "imports"

// importTimeout bounds one run of an import: a decade of extended history
// takes minutes. River's rescue of stuck jobs waits longer than this.
const importTimeout = 30 * time.Minute

// importArgs asks for an upload to be imported.
type importArgs struct {
	ImportID uuid.UUID `json:"import_id"`
}

func (importArgs) Kind() string { return "import_export" }

func (importArgs) InsertOpts() river.InsertOpts {
	// A run cut short (a deploy, a crash) is run again from the start; the
	// merge is one transaction, so nothing is counted twice.
	return river.InsertOpts{Queue: queueImports, MaxAttempts: 5, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

type importWorker struct {
	river.WorkerDefaults[importArgs]
	importer *imports.Importer
	pool     *database.Pool
}

func (w *importWorker) Timeout(*river.Job[importArgs]) time.Duration { return importTimeout }

// Work runs the import; when it named tracks Spotify's id is not known for,
// their search is queued.
func (w *importWorker) Work(ctx context.Context, job *river.Job[importArgs]) error {
	if err := w.importer.Run(ctx, job.Args.ImportID); err != nil {
		return err
	}
	o, err := db.New(w.pool).GetImportOutcome(ctx, job.Args.ImportID)
	if errors.Is(err, pgx.ErrNoRows) || err == nil && (imports.State(o.State) != imports.Done || o.Unmatched == 0) {
		return nil
	}
	if err != nil {
		return err
	}
	client, err := river.ClientFromContextSafely[pgx.Tx](ctx)
	if err != nil {
		return err
	}
	if _, err := client.Insert(ctx, resolveArgs{UserID: o.UserID}, nil); err != nil {
		return fmt.Errorf("jobs: enqueue searches: %w", err)
	}
	return nil
}

// deleteImportArgs asks for an import's plays to be deleted.
type deleteImportArgs struct {
	ImportID uuid.UUID `json:"import_id"`
}

func (deleteImportArgs) Kind() string { return "delete_import" }

func (deleteImportArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: queueImports, MaxAttempts: 5, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

type deleteImportWorker struct {
	river.WorkerDefaults[deleteImportArgs]
	importer *imports.Importer
}

func (w *deleteImportWorker) Timeout(*river.Job[deleteImportArgs]) time.Duration {
	return importTimeout
}

func (w *deleteImportWorker) Work(ctx context.Context, job *river.Job[deleteImportArgs]) error {
	return w.importer.RunDelete(ctx, job.Args.ImportID)
}

// EnqueueImportTx starts an import's job in the transaction that stored its
// upload: imports.ImporterOptions.Enqueue.
func (r *Runner) EnqueueImportTx(ctx context.Context, tx pgx.Tx, importID uuid.UUID) error {
	if _, err := r.client.InsertTx(ctx, tx, importArgs{ImportID: importID}, nil); err != nil {
		return fmt.Errorf("jobs: enqueue import: %w", err)
	}
	return nil
}

// EnqueueDeleteImportTx starts a deletion's job: imports.ImporterOptions.EnqueueDelete.
func (r *Runner) EnqueueDeleteImportTx(ctx context.Context, tx pgx.Tx, importID uuid.UUID) error {
	if _, err := r.client.InsertTx(ctx, tx, deleteImportArgs{ImportID: importID}, nil); err != nil {
		return fmt.Errorf("jobs: enqueue import deletion: %w", err)
	}
	return nil
}
