package auth

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"golang.org/x/oauth2"

	"github.com/euterpe-dev/euterpe/db"
	"github.com/euterpe-dev/euterpe/randid"
	"github.com/euterpe-dev/euterpe/spotify"
)

// BeginLogin starts an authorization: a fresh state (256 random bits) and
// PKCE verifier, kept server-side for LoginStateTTL. It returns Spotify's
// authorize URL and the state, which the caller also binds to the browser
// (a short-lived cookie) so that only the browser that began the login can
// finish it.
func (s *Service) BeginLogin(ctx context.Context) (authURL, state string, err error) {
	return s.BeginAuthorization(ctx, Authorization{})
}

// BeginAuthorization is BeginLogin asking for more scopes than the
// configured ones and leading back to a page of the site: what was asked
// for is kept with the state, for the callback.
func (s *Service) BeginAuthorization(ctx context.Context, a Authorization) (authURL, state string, err error) {
	if a.ReturnTo != "" && !SafeReturnPath(a.ReturnTo) {
		return "", "", ErrReturnPath
	}
	state = randid.New()
	verifier := oauth2.GenerateVerifier()
	enc, err := s.keys.Encrypt(verifier)
	if err != nil {
		return "", "", err
	}
	scope := strings.Join(s.requestScopes(a.ExtraScopes), " ")
	var returnEnc *string
	if a.ReturnTo != "" {
		e, err := s.keys.Encrypt(a.ReturnTo)
		if err != nil {
			return "", "", err
		}
		returnEnc = &e
	}
	// Abandoned logins are cleared as new ones start.
	if _, err := s.queries.DeleteStaleLoginStates(ctx, int32(LoginStateTTL/time.Second)); err != nil {
		s.log.WarnContext(ctx, "could not clear stale login states", "err", err)
	}
	create := db.CreateLoginStateParams{
		StateHash:             s.mac("state", state),
		CodeVerifierEncrypted: enc,
		Scope:                 scope,
		ReturnToEncrypted:     returnEnc,
		MaxPending:            MaxPendingLogins,
	}
	var n int64
	if a.UserID == uuid.Nil {
		n, err = s.queries.CreateLoginState(ctx, create)
	} else {
		// The user's oldest logins make room for this one, one login of
		// theirs beginning at a time.
		create.UserID = &a.UserID
		err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
			q := db.New(tx)
			if err := q.LockUserForLogin(ctx, a.UserID); err != nil {
				return err
			}
			if _, err := q.DeleteOldestUserLoginStates(ctx, db.DeleteOldestUserLoginStatesParams{
				UserID: a.UserID, Keep: MaxPendingLoginsPerUser,
			}); err != nil {
				return err
			}
			n, err = q.CreateLoginState(ctx, create)
			return err
		})
	}
	if err != nil {
		return "", "", fmt.Errorf("auth: begin login: %w", err)
	}
	if n == 0 {
		s.log.WarnContext(ctx, "login refused: too many logins in progress", "max", MaxPendingLogins)
		return "", "", ErrTooManyLogins
	}
	opts := []oauth2.AuthCodeOption{oauth2.S256ChallengeOption(verifier)}
	if scope != "" {
		opts = append(opts, oauth2.SetAuthURLParam("scope", scope))
	}
	return s.oauth.AuthCodeURL(state, opts...), state, nil
}

// Callback is what Spotify sent back to /callback, plus the state cookie.
type Callback struct {
	State       string // query parameter
	CookieState string // from the browser's login cookie
	Code        string
	Error       string // e.g. access_denied
}

// LoggedIn is the outcome of a successful login.
type LoggedIn struct {
	SessionID   string
	UserID      uuid.UUID
	DisplayName string
	// ReturnTo is the local path the login was begun to lead back to ("":
	// the dashboard). It is set with ErrAccessDenied too.
	ReturnTo string
}

// CompleteLogin checks the state, exchanges the code with the verifier, reads
// the profile, stores the user and their encrypted tokens, and starts a new
// session.
func (s *Service) CompleteLogin(ctx context.Context, cb Callback) (LoggedIn, error) {
	if cb.State == "" || !ValidID(cb.State) || subtle.ConstantTimeCompare([]byte(cb.State), []byte(cb.CookieState)) != 1 {
		return LoggedIn{}, ErrLoginState
	}
	// Claiming deletes the row: a state works once, whatever happens next.
	claimed, err := s.queries.ClaimLoginState(ctx, db.ClaimLoginStateParams{
		StateHashes:   s.macs("state", cb.State),
		MaxAgeSeconds: int32(LoginStateTTL / time.Second),
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return LoggedIn{}, ErrLoginState
	}
	if err != nil {
		return LoggedIn{}, fmt.Errorf("auth: claim login state: %w", err)
	}
	var returnTo string
	if claimed.ReturnToEncrypted != nil {
		if p, err := s.keys.Decrypt(*claimed.ReturnToEncrypted); err == nil && SafeReturnPath(p) {
			returnTo = p
		}
	}
	if cb.Error != "" {
		if cb.Error == "access_denied" {
			return LoggedIn{ReturnTo: returnTo}, ErrAccessDenied
		}
		return LoggedIn{}, fmt.Errorf("%w: %.64q", ErrSpotifyRefused, cb.Error)
	}
	if cb.Code == "" || len(cb.Code) > 2048 {
		return LoggedIn{}, ErrLoginState
	}
	verifier, err := s.keys.Decrypt(claimed.CodeVerifierEncrypted)
	if err != nil {
		return LoggedIn{}, ErrLoginState // written under a key since removed
	}

	tctx, cancel := context.WithTimeout(context.WithValue(ctx, oauth2.HTTPClient, s.http), tokenCallTimeout)
	defer cancel()
	tok, err := s.oauth.Exchange(tctx, cb.Code, oauth2.VerifierOption(verifier))
	if err != nil {
		if grantError(err) == "invalid_grant" {
			return LoggedIn{}, ErrLoginState // a reused or expired code
		}
		return LoggedIn{}, fmt.Errorf("%w: code exchange: %v", ErrSpotifyUnavailable, describeTokenError(err))
	}
	if tok.AccessToken == "" || tok.RefreshToken == "" {
		return LoggedIn{}, fmt.Errorf("%w: token response without tokens", ErrSpotifyUnavailable)
	}

	static := func(context.Context, bool) (string, error) { return tok.AccessToken, nil }
	me, err := spotify.NewClient(s.http, s.apiURL, static, nil).Me(ctx)
	if err != nil {
		return LoggedIn{}, fmt.Errorf("%w: read profile: %v", ErrSpotifyUnavailable, err)
	}
	if me.ID == "" {
		return LoggedIn{}, fmt.Errorf("%w: profile without an id", ErrSpotifyUnavailable)
	}
	if len(s.allowed) > 0 && !slices.Contains(s.allowed, me.ID) {
		s.log.InfoContext(ctx, "sign-in refused: the account is not on ALLOWED_SPOTIFY_IDS", "spotify_user_id", me.ID)
		return LoggedIn{}, ErrNotAllowed
	}

	accessEnc, err := s.keys.Encrypt(tok.AccessToken)
	if err != nil {
		return LoggedIn{}, err
	}
	refreshEnc, err := s.keys.Encrypt(tok.RefreshToken)
	if err != nil {
		return LoggedIn{}, err
	}
	var email *string
	if me.Email != "" {
		email = &me.Email
	}
	name := truncate(me.Name(), 255)

	var sessionID string
	var userID uuid.UUID
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		q := db.New(tx)
		u, err := q.UpsertUser(ctx, db.UpsertUserParams{SpotifyUserID: truncate(me.ID, 255), DisplayName: name, Email: email})
		if err != nil {
			return err
		}
		if _, err := q.UpsertUserToken(ctx, db.UpsertUserTokenParams{
			UserID:                u.ID,
			AccessTokenEncrypted:  accessEnc,
			RefreshTokenEncrypted: refreshEnc,
			ExpiresAt:             tokenExpiry(tok, s.now()),
			TokenType:             tokenType(tok),
			Scope:                 s.grantedScope(tok, claimed.Scope),
		}); err != nil {
			return err
		}
		if s.onLogin != nil {
			if err := s.onLogin(ctx, tx, u.ID); err != nil {
				return err
			}
		}
		userID = u.ID
		sessionID = randid.New()
		return q.CreateSession(ctx, db.CreateSessionParams{
			IDHash:          s.mac("session", sessionID),
			UserID:          u.ID,
			AbsoluteSeconds: int32(s.timeouts.Absolute / time.Second),
			IdleSeconds:     int32(s.timeouts.Idle / time.Second),
		})
	})
	if err != nil {
		return LoggedIn{}, fmt.Errorf("auth: store login: %w", err)
	}
	s.log.InfoContext(ctx, fmt.Sprintf("User %s (%s) logged in successfully", name, me.ID))
	return LoggedIn{SessionID: sessionID, UserID: userID, DisplayName: name, ReturnTo: returnTo}, nil
}

// truncate keeps at most n runes, so a long name from Spotify cannot fail the
// varchar(255) columns.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}
