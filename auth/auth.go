// Package auth is Euterpe's side of the Spotify login: the OAuth
// authorization-code flow with PKCE, server-side sessions, and each user's
// tokens — stored encrypted, refreshed before they expire, exactly once when
// many requests race, and given up cleanly when Spotify revokes the grant.
package auth

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"golang.org/x/oauth2"
	"golang.org/x/sync/singleflight"

	"github.com/euterpe-dev/euterpe/config"
	"github.com/euterpe-dev/euterpe/database"
	"github.com/euterpe-dev/euterpe/db"
	"github.com/euterpe-dev/euterpe/tokencrypt"
)

var (
	// ErrNoSession: the cookie is missing, malformed, unknown, expired or
	// logged out.
	ErrNoSession = errors.New("auth: no session")
	// ErrLoginRequired: the user's grant is gone (revoked, past Spotify's
	// refresh-token lifetime, or stored under a key we no longer have). The
	// grant has been forgotten; the user must log in again.
	ErrLoginRequired = errors.New("auth: please log in again")
	// ErrGrantGone: the cookie names a session whose user's grant was
	// forgotten since (often by the background poller): the session has now
	// ended, and the browser should say "Please log in again" rather than
	// show the landing page as to a stranger.
	ErrGrantGone = errors.New("auth: the session ended with its Spotify grant")
	// ErrSpotifyUnavailable: Spotify's accounts service failed or timed out.
	// Tokens are kept; the user should try again shortly.
	ErrSpotifyUnavailable = errors.New("auth: Spotify's accounts service is unavailable")
	// ErrLoginState: the callback's state is missing, does not match this
	// browser, was already used, or expired.
	ErrLoginState = errors.New("auth: login state invalid or expired")
	// ErrAccessDenied: the user pressed Cancel on Spotify's consent page.
	ErrAccessDenied = errors.New("auth: access denied by the user")
	// ErrSpotifyRefused: Spotify's authorization answered with an error of
	// its own (server_error, temporarily_unavailable, …).
	ErrSpotifyRefused = errors.New("auth: Spotify refused the authorization")
	// ErrTooManyLogins: MaxPendingLogins logins are in progress; try again
	// shortly.
	ErrTooManyLogins = errors.New("auth: too many logins in progress")
	// ErrNotAllowed: the account is not on ALLOWED_SPOTIFY_IDS. Nothing of
	// it was stored.
	ErrNotAllowed = errors.New("auth: this Spotify account may not sign in here")
)

// MaxPendingLogins bounds euterpe.login_states, in a database shared with
// another application, whatever the traffic: logins begun and not yet
// finished (for LoginStateTTL at most).
const MaxPendingLogins = 10_000

// MaxPendingLoginsPerUser bounds the logins in progress one signed-in user
// begins (each playlist form may start one): a new one past it replaces
// their oldest, so a few accounts cannot fill MaxPendingLogins, and a user
// who left consent pages open is never locked out.
const MaxPendingLoginsPerUser = 5

// Timeouts and lifetimes.
const (
	// RefreshMargin: a token expiring sooner than this is refreshed first.
	RefreshMargin = 2 * time.Minute
	// LoginStateTTL is how long a login may take between /login and /callback.
	LoginStateTTL = 10 * time.Minute
	// RefreshTokenLifetime is how long Spotify's refresh tokens live after
	// the authorization that issued them, however often they are used:
	// six months, counted as the shortest six months can be.
	RefreshTokenLifetime = 180 * 24 * time.Hour
	// tokenCallTimeout bounds a call to Spotify's token endpoint, which runs
	// while a row lock (and so a pool connection) is held.
	tokenCallTimeout = 5 * time.Second
)

// SessionTimeouts are ASVS-style limits: idle (since last use) and absolute
// (since login).
type SessionTimeouts struct {
	Idle     time.Duration
	Absolute time.Duration
}

// DefaultSessionTimeouts: a day idle, a week at most.
var DefaultSessionTimeouts = SessionTimeouts{Idle: 24 * time.Hour, Absolute: 7 * 24 * time.Hour}

// Service holds what the flows need. It is safe for concurrent use.
type Service struct {
	log      *slog.Logger
	pool     *database.Pool
	queries  *db.Queries
	keys     *tokencrypt.Keyring
	secrets  [][]byte // SECRET_KEY: the current key first
	allowed  []string // ALLOWED_SPOTIFY_IDS, empty for everyone
	oauth    *oauth2.Config
	http     *http.Client
	apiURL   string
	timeouts SessionTimeouts
	now      func() time.Time
	onLogin  func(ctx context.Context, tx pgx.Tx, userID uuid.UUID) error

	// refreshes collapses concurrent refreshes of one user inside this
	// process, so fifty racing requests hold one pool connection, not fifty;
	// the row lock does the same across processes.
	refreshes singleflight.Group
}

// Options configure a Service.
type Options struct {
	Log      *slog.Logger
	Pool     *database.Pool
	Config   config.Config
	HTTP     *http.Client // for Spotify's accounts service and Web API
	Timeouts SessionTimeouts
	Now      func() time.Time // the app's clock; nil = time.Now
	// OnLogin runs inside the transaction that stores a login's tokens, so
	// what it writes (the poller's enrolment) commits with them.
	OnLogin func(ctx context.Context, tx pgx.Tx, userID uuid.UUID) error
}

// New builds the service from the validated configuration.
func New(o Options) *Service {
	sc := o.Config.Spotify
	style := oauth2.AuthStyleInParams // a PKCE public client sends only its id
	if sc.ClientSecret != "" {
		style = oauth2.AuthStyleInHeader
	}
	now := o.Now
	if now == nil {
		now = time.Now
	}
	timeouts := o.Timeouts
	if timeouts.Idle == 0 {
		timeouts = DefaultSessionTimeouts
	}
	return &Service{
		log:     o.Log,
		pool:    o.Pool,
		queries: db.New(o.Pool),
		keys:    o.Config.Keys,
		secrets: secretKeys(o.Config.SecretKeys),
		allowed: o.Config.AllowedSpotifyIDs,
		oauth: &oauth2.Config{
			ClientID:     sc.ClientID,
			ClientSecret: sc.ClientSecret,
			RedirectURL:  sc.RedirectURI,
			Scopes:       strings.Fields(sc.Scope),
			Endpoint: oauth2.Endpoint{
				AuthURL:   sc.AccountsURL + "/authorize",
				TokenURL:  sc.AccountsURL + "/api/token",
				AuthStyle: style,
			},
		},
		http:     o.HTTP,
		apiURL:   sc.APIURL,
		timeouts: timeouts,
		now:      now,
		onLogin:  o.OnLogin,
	}
}

func secretKeys(keys []string) [][]byte {
	out := make([][]byte, len(keys))
	for i, k := range keys {
		out[i] = []byte(k)
	}
	return out
}

// mac keys a random value to this deployment, so the database holds only
// hashes that are useless without SECRET_KEY. purpose separates the uses.
// It uses the current (first) key.
func (s *Service) mac(purpose, value string) []byte {
	return macWith(s.secrets[0], purpose, value)
}

// macs are value's HMACs under every key, the current key's first: what a
// lookup accepts while an older key is still listed.
func (s *Service) macs(purpose, value string) [][]byte {
	out := make([][]byte, len(s.secrets))
	for i, k := range s.secrets {
		out[i] = macWith(k, purpose, value)
	}
	return out
}

func macWith(key []byte, purpose, value string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(purpose))
	h.Write([]byte{0})
	h.Write([]byte(value))
	return h.Sum(nil)
}
