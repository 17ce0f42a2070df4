package auth

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/euterpe-dev/euterpe/db"
	"github.com/euterpe-dev/euterpe/ptr"
	"github.com/euterpe-dev/euterpe/randid"
)

// ValidID reports whether s has the shape of an id we issue (randid):
// anything else (a forged, truncated or padded cookie) is rejected before
// touching the database.
func ValidID(s string) bool { return randid.Valid(s) }

// Principal is the signed-in user of a request, with their tokens as stored
// (encrypted), all read in one round trip.
type Principal struct {
	SessionID     string
	UserID        uuid.UUID
	SpotifyUserID string
	DisplayName   string
	// AuthorizedAt is when the user last authorized Euterpe on Spotify (zero
	// when their grant is gone): the refresh token dies RefreshTokenLifetime
	// later.
	AuthorizedAt time.Time

	hasToken bool

	// mu guards the token fields: panels of one request may call Spotify
	// from several goroutines.
	mu             sync.Mutex
	accessEnc      string
	access         string // decrypted, once needed
	tokenExpiresAt time.Time
}

// CreateSession starts a new session for userID and returns the id for the
// cookie. Every login gets a new id, so an id planted before login (session
// fixation) is worthless.
func (s *Service) CreateSession(ctx context.Context, userID uuid.UUID) (string, error) {
	id := randid.New()
	err := s.queries.CreateSession(ctx, db.CreateSessionParams{
		IDHash:          s.mac("session", id),
		UserID:          userID,
		AbsoluteSeconds: int32(s.timeouts.Absolute / time.Second),
		IdleSeconds:     int32(s.timeouts.Idle / time.Second),
	})
	if err != nil {
		return "", fmt.Errorf("auth: create session: %w", err)
	}
	return id, nil
}

// Principal resolves a session cookie: session, user and tokens in one query.
// It answers ErrNoSession for anything but a live session, and ErrGrantGone
// (ending it) for a session whose user's grant is gone.
func (s *Service) Principal(ctx context.Context, sessionID string) (*Principal, error) {
	if !ValidID(sessionID) {
		return nil, ErrNoSession
	}
	params := db.GetSessionPrincipalParams{
		IDHashes:    s.macs("session", sessionID),
		IdleSeconds: int32(s.timeouts.Idle / time.Second),
	}
	row, err := s.queries.GetSessionPrincipal(ctx, params)
	if lostConnection(err) && ctx.Err() == nil {
		// The pooled connection died under us (a restarted or killed
		// backend); the lookup is safe to repeat on a fresh one.
		row, err = s.queries.GetSessionPrincipal(ctx, params)
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNoSession
	}
	if err != nil {
		return nil, fmt.Errorf("auth: look up session: %w", err)
	}
	if row.GrantGone {
		// The grant went while the session was idle: each of the user's
		// sessions ends at its own next use, so every device is told why.
		if _, err := s.queries.DeleteSession(ctx, [][]byte{row.IDHash}); err != nil {
			return nil, fmt.Errorf("auth: end a session whose grant is gone: %w", err)
		}
		s.log.InfoContext(ctx, "session ended: grant gone", "user_id", row.UserID)
		return nil, ErrGrantGone
	}
	if current := params.IDHashes[0]; !bytes.Equal(row.IDHash, current) {
		// Found by a key that is being rotated out: the session moves to
		// the current key. Failing that, it still works under the old.
		if err := s.queries.RekeySession(ctx, db.RekeySessionParams{OldHash: row.IDHash, NewHash: current}); err != nil {
			s.log.WarnContext(ctx, "could not move a session to the current SECRET_KEY", "err", err)
		}
	}
	return &Principal{
		SessionID:      sessionID,
		UserID:         row.UserID,
		SpotifyUserID:  row.SpotifyUserID,
		DisplayName:    row.DisplayName,
		AuthorizedAt:   ptr.Deref(row.AuthorizedAt),
		hasToken:       row.AccessTokenEncrypted != nil,
		accessEnc:      ptr.Deref(row.AccessTokenEncrypted),
		tokenExpiresAt: ptr.Deref(row.TokenExpiresAt),
	}, nil
}

// EndSession deletes the session: a copy of its cookie replayed later finds
// nothing.
func (s *Service) EndSession(ctx context.Context, sessionID string) error {
	if !ValidID(sessionID) {
		return nil
	}
	if _, err := s.queries.DeleteSession(ctx, s.macs("session", sessionID)); err != nil {
		return fmt.Errorf("auth: end session: %w", err)
	}
	return nil
}

// DeleteAccount removes the user and, by cascade, their tokens, sessions and
// everything else stored for them.
func (s *Service) DeleteAccount(ctx context.Context, userID uuid.UUID) error {
	if _, err := s.queries.DeleteUser(ctx, userID); err != nil {
		return fmt.Errorf("auth: delete account: %w", err)
	}
	return nil
}

// SweepExpired deletes expired sessions and abandoned logins.
func (s *Service) SweepExpired(ctx context.Context) error {
	if _, err := s.queries.DeleteExpiredSessions(ctx); err != nil {
		return fmt.Errorf("auth: sweep sessions: %w", err)
	}
	if _, err := s.queries.DeleteStaleLoginStates(ctx, int32(LoginStateTTL/time.Second)); err != nil {
		return fmt.Errorf("auth: sweep login states: %w", err)
	}
	return nil
}

// lostConnection reports whether err means the connection failed rather than
// the query: the server ended the session (SQLSTATE class 57P, 08) or the
// socket broke. Errors PostgreSQL raised for the query itself do not count.
func lostConnection(err error) bool {
	if err == nil || errors.Is(err, pgx.ErrNoRows) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return strings.HasPrefix(pgErr.Code, "57P") || strings.HasPrefix(pgErr.Code, "08")
	}
	return true
}
