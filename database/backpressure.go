package database

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// The database is shared with another application and has a hard cap on
// connections: the server may refuse Euterpe's pool a new connection long
// before the pool reaches DB_MAX_CONNS ("remaining connection slots are
// reserved", "too many connections for role", SQLSTATE 53300). A refusal is
// back-pressure, not a failure: for a while the pool stops growing (new
// connections are not even tried), and callers wait, a bounded time, for a
// connection the pool already holds. Only a caller who waits it out gets
// ErrBusy, which the handlers answer 503 with Retry-After.

// ErrBusy is a request that waited its bounded time for a connection while
// the database refused more.
var ErrBusy = errors.New("database: every connection Euterpe may have is in use")

// Defaults of the back-pressure.
const (
	// DefaultWaitForConn bounds a caller's wait for a held connection.
	DefaultWaitForConn = 5 * time.Second
	// DefaultGrowthPause is how long the pool stops growing after a refusal.
	DefaultGrowthPause = 30 * time.Second
	// refusalLogEvery is how often the refusals are logged at most.
	refusalLogEvery = time.Minute
)

// errNotGrowing fails a new connection without trying it while the pool is
// not growing; Acquire turns it into a wait.
var errNotGrowing = errors.New("database: not opening connections while the server refuses them")

// Pool is the connection pool, with back-pressure when the server refuses
// connections. It has pgxpool.Pool's methods; River takes the embedded
// pgxpool.Pool itself (its own jobs retry).
type Pool struct {
	*pgxpool.Pool
	log          *slog.Logger
	waitForConn  time.Duration
	growthPause  time.Duration
	mu           sync.Mutex
	notGrowing   time.Time     // until when no new connection is tried
	released     chan struct{} // closed (and replaced) when a connection comes back
	waiting      atomic.Int32  // callers waiting for one
	lastLog      time.Time
	unlogged     int // refusals since the last log line
	refusalsSeen int64
}

// BackPressure is the state /health shows.
type BackPressure struct {
	// Limited is set while the pool is not growing after a refusal.
	Limited bool `json:"limited"`
	// Until is when it will try to grow again.
	Until *time.Time `json:"until,omitempty"`
	// Refusals counts the server's refusals since the start.
	Refusals int64 `json:"refusals"`
}

// State is the back-pressure now.
func (p *Pool) State() BackPressure {
	p.mu.Lock()
	defer p.mu.Unlock()
	bp := BackPressure{Refusals: p.refusalsSeen}
	if time.Now().Before(p.notGrowing) {
		until := p.notGrowing
		bp.Limited, bp.Until = true, &until
	}
	return bp
}

// refused reports whether err is the server refusing a connection for lack
// of slots.
func refused(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "53300"
}

func (p *Pool) growing() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return !time.Now().Before(p.notGrowing)
}

// noteRefusal stops growth for a while and logs, once a minute at most.
func (p *Pool) noteRefusal(err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	p.notGrowing = now.Add(p.growthPause)
	p.refusalsSeen++
	p.unlogged++
	if now.Sub(p.lastLog) < refusalLogEvery {
		return
	}
	if p.log != nil {
		st := p.Pool.Stat()
		p.log.Warn("the database refuses more connections: using those held until it has room",
			"held", st.TotalConns(), "max", st.MaxConns(), "refusals", p.unlogged,
			"retry_growth_in", p.growthPause, "err", err)
	}
	p.lastLog, p.unlogged = now, 0
}

// release returns c to the pool and tells any waiter.
func (p *Pool) release(c *pgxpool.Conn) {
	c.Release()
	if p.waiting.Load() == 0 {
		return
	}
	p.mu.Lock()
	close(p.released)
	p.released = make(chan struct{})
	p.mu.Unlock()
}

func (p *Pool) releasedCh() <-chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.released
}

// Acquire returns a connection: any idle one, or a new one while the
// server has room; while it has none, one of those held as soon as it is
// released, within the bounded wait (then ErrBusy).
func (p *Pool) Acquire(ctx context.Context) (*pgxpool.Conn, error) {
	var deadline <-chan time.Time
	for {
		c, err := p.Pool.Acquire(ctx)
		switch {
		case err == nil:
			return c, nil
		case refused(err):
			p.noteRefusal(err)
		case errors.Is(err, errNotGrowing):
		default:
			return nil, err
		}
		if deadline == nil {
			t := time.NewTimer(p.waitForConn)
			defer t.Stop()
			deadline = t.C
			p.waiting.Add(1)
			defer p.waiting.Add(-1)
		}
		// Wait for a held connection to come back (a release through this
		// pool says so; River's, on the embedded pool, are seen at the next
		// look), then try again.
		pause := time.NewTimer(100 * time.Millisecond)
		select {
		case <-p.releasedCh():
		case <-pause.C:
		case <-deadline:
			pause.Stop()
			return nil, fmt.Errorf("%w (waited %s)", ErrBusy, p.waitForConn)
		case <-ctx.Done():
			pause.Stop()
			return nil, ctx.Err()
		}
		pause.Stop()
	}
}

// The methods below are pgxpool.Pool's, through Acquire (SendBatch is
// the embedded pool's: nothing of Euterpe's sends batches).

// Exec runs sql on a connection of the pool.
func (p *Pool) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	c, err := p.Acquire(ctx)
	if err != nil {
		return pgconn.CommandTag{}, err
	}
	defer p.release(c)
	return c.Exec(ctx, sql, args...)
}

// Query runs sql; the connection returns to the pool when the rows close.
func (p *Pool) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	c, err := p.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := c.Query(ctx, sql, args...)
	if err != nil {
		p.release(c)
		return nil, err
	}
	return &releasingRows{Rows: rows, release: func() { p.release(c) }}, nil
}

// QueryRow runs sql for one row; the connection returns on Scan.
func (p *Pool) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	rows, err := p.Query(ctx, sql, args...)
	if err != nil {
		return errRow{err}
	}
	return rowOf{rows}
}

// CopyFrom copies rows into a table.
func (p *Pool) CopyFrom(ctx context.Context, table pgx.Identifier, columns []string, src pgx.CopyFromSource) (int64, error) {
	c, err := p.Acquire(ctx)
	if err != nil {
		return 0, err
	}
	defer p.release(c)
	return c.CopyFrom(ctx, table, columns, src)
}

// Begin starts a transaction; its connection returns when it ends.
func (p *Pool) Begin(ctx context.Context) (pgx.Tx, error) {
	return p.BeginTx(ctx, pgx.TxOptions{})
}

// BeginTx is Begin with options.
func (p *Pool) BeginTx(ctx context.Context, opts pgx.TxOptions) (pgx.Tx, error) {
	c, err := p.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := c.BeginTx(ctx, opts)
	if err != nil {
		p.release(c)
		return nil, err
	}
	return &releasingTx{Tx: tx, release: func() { p.release(c) }}, nil
}

// Ping checks a connection of the pool.
func (p *Pool) Ping(ctx context.Context) error {
	c, err := p.Acquire(ctx)
	if err != nil {
		return err
	}
	defer p.release(c)
	return c.Ping(ctx)
}

type releasingRows struct {
	pgx.Rows
	release func()
	once    sync.Once
}

func (r *releasingRows) Close() {
	r.Rows.Close()
	r.once.Do(r.release)
}

func (r *releasingRows) Next() bool {
	if r.Rows.Next() {
		return true
	}
	r.Close()
	return false
}

type rowOf struct{ rows pgx.Rows }

func (r rowOf) Scan(dest ...any) error {
	defer r.rows.Close()
	if !r.rows.Next() {
		if err := r.rows.Err(); err != nil {
			return err
		}
		return pgx.ErrNoRows
	}
	if err := r.rows.Scan(dest...); err != nil {
		return err
	}
	r.rows.Close()
	return r.rows.Err()
}

type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

type releasingTx struct {
	pgx.Tx
	release func()
	once    sync.Once
}

func (t *releasingTx) Commit(ctx context.Context) error {
	err := t.Tx.Commit(ctx)
	t.once.Do(t.release)
	return err
}

func (t *releasingTx) Rollback(ctx context.Context) error {
	err := t.Tx.Rollback(ctx)
	t.once.Do(t.release)
	return err
}

// Unavailable tells whether err means the database cannot serve right now
// rather than that a query is wrong: ErrBusy, a connection the server
// refused or could not open (it is down, restarting or full), or one it
// ended. The handlers answer these 503 with Retry-After, never 500.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, ErrBusy) || errors.Is(err, errNotGrowing) {
		return true
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) || pgconn.SafeToRetry(err) {
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case len(pe.Code) == 5 && pe.Code[:2] == "08": // connection exception
			return true
		case pe.Code == "53300", // too many connections
			pe.Code == "57P01", pe.Code == "57P02", pe.Code == "57P03": // shut down, crashed, starting up
			return true
		}
	}
	return false
}

// UnavailableMessage is Unavailable for an error known only by its text
// (River logs the errors of its own loops as strings).
func UnavailableMessage(msg string) bool {
	for _, mark := range []string{errNotGrowing.Error(), ErrBusy.Error(), "failed to connect to", "(SQLSTATE 08",
		"(SQLSTATE 53300)", "(SQLSTATE 57P01)", "(SQLSTATE 57P02)", "(SQLSTATE 57P03)"} {
		if strings.Contains(msg, mark) {
			return true
		}
	}
	return false
}
