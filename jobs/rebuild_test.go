package jobs

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/euterpe-dev/euterpe/history"
	"github.com/google/uuid"
)

// A user switching time zones in a loop: however many changes, one rebuild
// of theirs waits at a time, on the summaries' own queue (never the
// polls'); a rebuild that finds the zone changed under it does not loop but
// goes to the back of that queue, as the same job.
func TestZoneChangesInALoopMakeOneRebuildOnItsOwnQueue(t *testing.T) {
	e := newPollEnv(t, 100)
	ctx := context.Background()
	u := e.Login(t, e.auth, "ines").UserID
	e.poll(t, u) // some plays to summarise
	svc := history.NewService(history.Options{Log: e.Log, Pool: e.Pool, Now: e.clock.Now,
		ZoneChanged: func(ctx context.Context, tx pgx.Tx, userID uuid.UUID) error {
			return e.runner.RebuildSummariesTx(ctx, tx, userID)
		}})
	store := history.NewStore(e.Pool)
	if err := store.RebuildSummaries(ctx, u); err != nil { // summaries in UTC
		t.Fatal(err)
	}

	zones := []string{"Europe/Paris", "Pacific/Auckland", "America/New_York", "Asia/Kolkata"}
	for i := range 40 {
		if _, err := svc.SetTimeZone(ctx, u, zones[i%len(zones)]); err != nil {
			t.Fatal(err)
		}
	}
	type jobRow struct {
		queue string
		state string
	}
	rows := func() []jobRow {
		t.Helper()
		r, err := e.Pool.Query(ctx, `SELECT queue, state::text FROM euterpe.river_job WHERE kind = 'rebuild_summaries' ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		out, err := pgx.CollectRows(r, func(r pgx.CollectableRow) (jobRow, error) {
			var j jobRow
			return j, r.Scan(&j.queue, &j.state)
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	if got := rows(); len(got) != 1 || got[0].queue != queueSummaries || got[0].queue == queuePolls {
		t.Fatalf("40 changes of zone queued %+v, want one rebuild on the %q queue", got, queueSummaries)
	}

	// The zone changes again while the rebuild runs (a trigger stands for
	// the user's next request, landing just after the rebuild adopted the
	// zone): the round ends, and the job snoozes rather than go again at
	// once, keeping the one worker of its queue.
	if _, err := e.Pool.Exec(ctx, `
		CREATE FUNCTION euterpe.test_zone_changes_again() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			UPDATE euterpe.user_preferences SET time_zone = 'Asia/Tokyo' WHERE user_id = NEW.user_id AND time_zone <> 'Asia/Tokyo';
			RETURN NULL;
		END $$;
		CREATE TRIGGER test_zone_changes_again AFTER UPDATE OF summary_time_zone ON euterpe.user_preferences
			FOR EACH ROW EXECUTE FUNCTION euterpe.test_zone_changes_again();`); err != nil {
		t.Fatal(err)
	}
	w := &rebuildWorker{store: store}
	job := &river.Job[rebuildArgs]{JobRow: &rivertype.JobRow{}, Args: rebuildArgs{UserID: u}}
	var snooze *rivertype.JobSnoozeError
	if err := w.Work(ctx, job); !errors.As(err, &snooze) || snooze.Duration != rebuildAgainIn {
		t.Fatalf("a rebuild that found the zone changed under it: %v, want a snooze of %s", err, rebuildAgainIn)
	}
	if _, err := e.Pool.Exec(ctx, `DROP TRIGGER test_zone_changes_again ON euterpe.user_preferences; DROP FUNCTION euterpe.test_zone_changes_again()`); err != nil {
		t.Fatal(err)
	}
	if err := w.Work(ctx, job); err != nil {
		t.Fatalf("the next round: %v", err)
	}
	var zone, summaries string
	if err := e.Pool.QueryRow(ctx, `SELECT time_zone, summary_time_zone FROM euterpe.user_preferences WHERE user_id = $1`, u).Scan(&zone, &summaries); err != nil {
		t.Fatal(err)
	}
	if zone != "Asia/Tokyo" || summaries != zone {
		t.Errorf("after the second round the zone is %s and the summaries are in %s", zone, summaries)
	}
}
