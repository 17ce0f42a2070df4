package auth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"golang.org/x/oauth2"

	"github.com/euterpe-dev/euterpe/db"
	"github.com/euterpe-dev/euterpe/spotify"
)

// Client returns a Web API client for the principal, with tokens refreshed as
// needed.
func (s *Service) Client(p *Principal) *spotify.Client {
	return spotify.NewClient(s.http, s.apiURL,
		func(ctx context.Context, force bool) (string, error) { return s.AccessToken(ctx, p, force) },
		func(ctx context.Context) error {
			s.log.InfoContext(ctx, "Spotify refused a freshly refreshed token; user must log in again", "user_id", p.UserID)
			return s.loginRequired(ctx, p.UserID, "token refused")
		})
}

// ClientForUser returns a Web API client for a user without a session (the
// background poller), refreshing their token as a request's client does,
// under the same row lock. ErrLoginRequired means their grant is gone.
func (s *Service) ClientForUser(ctx context.Context, userID uuid.UUID) (*spotify.Client, error) {
	row, err := s.queries.GetUserToken(ctx, userID)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrLoginRequired
	}
	if err != nil {
		return nil, fmt.Errorf("auth: read token: %w", err)
	}
	p := &Principal{UserID: userID, AuthorizedAt: row.AuthorizedAt, hasToken: true, accessEnc: row.AccessTokenEncrypted, tokenExpiresAt: row.ExpiresAt}
	return s.Client(p), nil
}

// AccessToken returns a usable access token for p. It refreshes when the
// stored one expires within RefreshMargin, or when force is set because
// Spotify just refused it. ErrLoginRequired means the user must log in again
// (their sessions have been ended); ErrSpotifyUnavailable means try later.
func (s *Service) AccessToken(ctx context.Context, p *Principal, force bool) (string, error) {
	if !p.hasToken {
		return "", s.loginRequired(ctx, p.UserID, "no stored token")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if !force && p.tokenExpiresAt.After(s.now().Add(RefreshMargin)) {
		if p.access != "" {
			return p.access, nil
		}
		tok, err := s.keys.Decrypt(p.accessEnc)
		if err != nil {
			return "", s.undecryptable(ctx, p.UserID)
		}
		p.access = tok
		return tok, nil
	}
	tok, exp, enc, err := s.refresh(ctx, p.UserID, p.accessEnc, force)
	if err != nil {
		return "", err
	}
	// Later calls in this request use the new token without asking again.
	p.access, p.tokenExpiresAt, p.accessEnc = tok, exp, enc
	return tok, nil
}

// refreshed is what a refresh hands every request that waited on it.
type refreshed struct {
	access    string
	accessEnc string
	expiresAt time.Time
}

// refresh is collapsed per user inside this process; the row lock taken in
// refreshLocked serialises processes. The caller's cancellation does not
// abort a refresh other requests are waiting on, but the token call has its
// own short timeout.
func (s *Service) refresh(ctx context.Context, userID uuid.UUID, seenAccessEnc string, force bool) (string, time.Time, string, error) {
	key := userID.String()
	if force {
		key += "|" + seenAccessEnc
	}
	ch := s.refreshes.DoChan(key, func() (any, error) {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 3*tokenCallTimeout)
		defer cancel()
		return s.refreshLocked(rctx, userID, seenAccessEnc, force)
	})
	select {
	case res := <-ch:
		if res.Err != nil {
			return "", time.Time{}, "", res.Err
		}
		r := res.Val.(refreshed)
		return r.access, r.expiresAt, r.accessEnc, nil
	case <-ctx.Done():
		return "", time.Time{}, "", ctx.Err()
	}
}

// refreshLocked runs under SELECT … FOR UPDATE on the user's token row: a
// request that waited for the lock re-reads the row and finds the token the
// first one stored, so exactly one call reaches Spotify.
func (s *Service) refreshLocked(ctx context.Context, userID uuid.UUID, seenAccessEnc string, force bool) (refreshed, error) {
	var (
		out      refreshed
		outcome  error
		endLogin bool
	)
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		q := db.New(tx)
		row, err := q.GetUserTokenForUpdate(ctx, userID)
		if errors.Is(err, pgx.ErrNoRows) {
			outcome, endLogin = ErrLoginRequired, true
			return nil
		}
		if err != nil {
			return err
		}
		fresh := row.ExpiresAt.After(s.now().Add(RefreshMargin))
		// Someone else refreshed while we waited (or before we looked).
		if fresh && (!force || row.AccessTokenEncrypted != seenAccessEnc) {
			access, err := s.keys.Decrypt(row.AccessTokenEncrypted)
			if err != nil {
				outcome, endLogin = ErrLoginRequired, true
			}
			out = refreshed{access: access, accessEnc: row.AccessTokenEncrypted, expiresAt: row.ExpiresAt}
			return nil
		}
		refreshTok, err := s.keys.Decrypt(row.RefreshTokenEncrypted)
		if err != nil {
			s.log.WarnContext(ctx, "stored token cannot be decrypted with any configured key; asking the user to log in again", "user_id", userID)
			outcome, endLogin = ErrLoginRequired, true
			return nil
		}

		s.log.InfoContext(ctx, "Refreshing token for user "+userID.String())
		tctx, cancel := context.WithTimeout(context.WithValue(ctx, oauth2.HTTPClient, s.http), tokenCallTimeout)
		defer cancel()
		tok, err := s.oauth.TokenSource(tctx, &oauth2.Token{RefreshToken: refreshTok}).Token()
		if err != nil {
			if grantError(err) == "invalid_grant" {
				s.log.InfoContext(ctx, "Spotify refused the refresh token (revoked or expired); user must log in again", "user_id", userID)
				outcome, endLogin = ErrLoginRequired, true
				return nil
			}
			s.log.WarnContext(ctx, "token refresh failed; keeping the stored tokens", "user_id", userID, "err", describeTokenError(err))
			outcome = ErrSpotifyUnavailable
			return nil
		}
		if tok.AccessToken == "" {
			outcome = fmt.Errorf("%w: refresh answered without an access token", ErrSpotifyUnavailable)
			return nil
		}
		accessEnc, err := s.keys.Encrypt(tok.AccessToken)
		if err != nil {
			return err
		}
		// Spotify may rotate the refresh token, or omit it to mean "keep
		// the one you have".
		refreshEnc := row.RefreshTokenEncrypted
		if tok.RefreshToken != "" && tok.RefreshToken != refreshTok {
			if refreshEnc, err = s.keys.Encrypt(tok.RefreshToken); err != nil {
				return err
			}
		}
		scope := tokenScope(tok)
		if scope == "" {
			scope = row.Scope
		}
		updated, err := q.UpdateUserTokenAfterRefresh(ctx, db.UpdateUserTokenAfterRefreshParams{
			UserID:                userID,
			AccessTokenEncrypted:  accessEnc,
			RefreshTokenEncrypted: refreshEnc,
			ExpiresAt:             tokenExpiry(tok, s.now()),
			Scope:                 scope,
		})
		if err != nil {
			return err
		}
		out = refreshed{access: tok.AccessToken, accessEnc: accessEnc, expiresAt: updated.ExpiresAt}
		return nil
	})
	if err != nil {
		return refreshed{}, fmt.Errorf("auth: refresh token: %w", err)
	}
	if endLogin {
		return refreshed{}, s.loginRequired(ctx, userID, "grant gone")
	}
	return out, outcome
}

// loginRequired forgets the user's grant and marks their sessions: each
// ends at its next use (Principal answers ErrGrantGone), so every device,
// whichever request or job found the grant gone, lands on "Please log in
// again" rather than on an error or on the landing page.
func (s *Service) loginRequired(ctx context.Context, userID uuid.UUID, why string) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		q := db.New(tx)
		if _, err := q.DeleteUserToken(ctx, userID); err != nil {
			return err
		}
		_, err := q.MarkSessionsGrantGone(ctx, userID)
		return err
	})
	if err != nil {
		s.log.ErrorContext(ctx, "could not end the sessions of a user whose grant is gone", "user_id", userID, "err", err)
	} else {
		s.log.InfoContext(ctx, "sessions ended: "+why, "user_id", userID)
	}
	return ErrLoginRequired
}

func (s *Service) undecryptable(ctx context.Context, userID uuid.UUID) error {
	s.log.WarnContext(ctx, "stored token cannot be decrypted with any configured key; asking the user to log in again", "user_id", userID)
	return s.loginRequired(ctx, userID, "token unreadable")
}

// grantError returns the OAuth error code of a token-endpoint refusal.
func grantError(err error) string {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		return re.ErrorCode
	}
	return ""
}

// describeTokenError says what went wrong without the response body.
func describeTokenError(err error) string {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		status := 0
		if re.Response != nil {
			status = re.Response.StatusCode
		}
		return fmt.Sprintf("token endpoint answered %d %s", status, re.ErrorCode)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "token endpoint timed out"
	}
	return "token endpoint unreachable"
}

// tokenExpiry is now plus the response's expires_in, read from the response
// rather than from the oauth2 package's Expiry, which it computes from the
// machine's clock: the app's clock may be a simulation's.
func tokenExpiry(tok *oauth2.Token, now time.Time) time.Time {
	if tok.ExpiresIn > 0 {
		return now.Add(time.Duration(tok.ExpiresIn) * time.Second)
	}
	if !tok.Expiry.IsZero() {
		return tok.Expiry
	}
	return now.Add(time.Hour) // Spotify's lifetime when expires_in is missing
}

func tokenType(tok *oauth2.Token) string {
	if tok.TokenType == "" {
		return "Bearer"
	}
	return tok.Type()
}

func tokenScope(tok *oauth2.Token) string {
	if s, ok := tok.Extra("scope").(string); ok {
		return s
	}
	return ""
}
