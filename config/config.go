// Package config reads Euterpe's settings from environment variables, once,
// at start. Every problem is reported with the variable's name and what is
// wrong with it, never with a secret's value.
package config

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/euterpe-dev/euterpe/clock"
	"github.com/euterpe-dev/euterpe/tokencrypt"
)

// Defaults for the optional settings.
const (
	DefaultPort        = 8080
	DefaultDBMaxConns  = 15
	DefaultAccountsURL = "https://accounts.spotify.com"
	DefaultAPIURL      = "https://api.spotify.com/v1"
	// DefaultScope is what the dashboard reads: profile, top items, recently
	// played and the user's playlists (private and collaborative ones too,
	// for "playlists with the most top songs").
	DefaultScope = "user-read-private user-read-email user-top-read user-read-recently-played playlist-read-private playlist-read-collaborative"
	// DefaultRateLimit is how many dashboard and API requests one user may
	// make a minute. A full dashboard view is about a dozen.
	DefaultRateLimit = 300
	// DefaultLoginRate is how many logins one client address may start (and
	// finish) a minute: a person needs two or three.
	DefaultLoginRate = 30
	// MaxDBConns is the ceiling the shared Heroku database leaves Euterpe.
	MaxDBConns = 15
	// DefaultWorkerConcurrency is how many background jobs a process works
	// at once: polls are short, and the pool is shared with requests.
	DefaultWorkerConcurrency = 2
	// DefaultSpotifyCallsPer30s is the app's Spotify budget. Spotify does
	// not publish its limit; this stays well under what Development-Mode
	// apps are reported to get.
	DefaultSpotifyCallsPer30s = 100
	// minSecretKeyLen keeps SECRET_KEY at 256 bits or more of text.
	minSecretKeyLen = 32
)

// Config is everything the process needs from its environment.
type Config struct {
	DatabaseURL string
	Port        int
	DBMaxConns  int32
	// OnHeroku is true when DYNO is set: JSON logs, TLS to the database,
	// Secure cookies.
	OnHeroku bool

	// BaseURL is where people reach Euterpe (BASE_URL), without a trailing
	// slash, e.g. https://home.example/euterpe behind a reverse proxy at a
	// sub-path. When unset it is SPOTIFY_REDIRECT_URI without /callback.
	BaseURL string

	// RateLimitPerMinute caps each signed-in user's requests
	// (RATE_LIMIT_PER_MINUTE), so one client cannot spend the app's Spotify
	// quota.
	RateLimitPerMinute int

	// AllowedSpotifyIDs, when not empty, are the only Spotify accounts that
	// may sign in (ALLOWED_SPOTIFY_IDS, comma-separated).
	AllowedSpotifyIDs []string

	// LoginRatePerMinute caps /login and /callback per client address
	// (LOGIN_RATE_PER_MINUTE): each starts a login or calls Spotify's token
	// endpoint for whoever asks.
	LoginRatePerMinute int

	// ProxyHops is how many proxies in front of Euterpe append the client's
	// address to X-Forwarded-For (PROXY_HOPS): 1 on Heroku (its router),
	// 0 elsewhere. Only what they append is believed.
	ProxyHops int

	// MetricsToken, when set, opens /metrics and the details of /health
	// and /db_check to requests that carry it as a bearer token
	// (METRICS_TOKEN).
	MetricsToken string

	// WorkerConcurrency is how many background jobs this process works at
	// once (WORKER_CONCURRENCY); 0 runs none (`serve` beside worker dynos).
	WorkerConcurrency int
	// SpotifyCallsPer30s is the app-wide Spotify budget
	// (SPOTIFY_CALLS_PER_30S), shared by every process.
	SpotifyCallsPer30s int
	// Clock is the app's clock (EUTERPE_CLOCK): empty in production; a
	// simulation's faster clock in tests and benchmarks.
	Clock string

	// SecretKeys key the HMACs that bind OAuth state and session ids to
	// this deployment (SECRET_KEY, comma-separated): the first makes new
	// ones, every one is accepted, so the key rotates without logging
	// anyone out.
	SecretKeys []string
	// Keys encrypts Spotify tokens at rest (ENCRYPTION_KEY).
	Keys *tokencrypt.Keyring

	Spotify Spotify
}

// Spotify is the registered Spotify app and where Spotify lives.
type Spotify struct {
	ClientID     string
	ClientSecret string // optional: PKCE works without it
	RedirectURI  string
	Scope        string
	AccountsURL  string
	APIURL       string
}

// Getenv looks up one variable, as os.Getenv does. Tests pass a map's lookup.
type Getenv func(string) string

// Load reads every setting. DATABASE_URL is required for everything; the
// settings the web server needs are checked by Config.ValidateServe, so that
// `euterpe migrate` in Heroku's release phase needs only the database.
func Load(getenv Getenv) (Config, error) {
	var errs []error
	fail := func(name, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", name, fmt.Sprintf(format, args...)))
	}
	read := func(name string) string {
		v, err := secret(getenv, name)
		if err != nil {
			fail(name, "%v", err)
		}
		return v
	}

	c := Config{OnHeroku: getenv("DYNO") != ""}

	c.DatabaseURL = read("DATABASE_URL")
	if c.DatabaseURL == "" {
		fail("DATABASE_URL", "is required (e.g. postgres://user:password@host:5432/dbname)")
	} else if u, err := databaseURL(c.DatabaseURL, c.OnHeroku); err != nil {
		fail("DATABASE_URL", "%v", err)
	} else {
		c.DatabaseURL = u
	}

	c.Port = DefaultPort
	if v := getenv("PORT"); v != "" {
		p, err := strconv.Atoi(v)
		if err != nil || p < 1 || p > 65535 {
			fail("PORT", "must be a port number from 1 to 65535, got %q", v)
		}
		c.Port = p
	}

	c.DBMaxConns = DefaultDBMaxConns
	if v := getenv("DB_MAX_CONNS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 2 || n > MaxDBConns {
			fail("DB_MAX_CONNS", "must be a whole number from 2 to %d (the share of the database Euterpe may hold), got %q", MaxDBConns, v)
		}
		c.DBMaxConns = int32(n)
	}

	c.RateLimitPerMinute = DefaultRateLimit
	for _, id := range strings.Split(getenv("ALLOWED_SPOTIFY_IDS"), ",") {
		if id = strings.TrimSpace(id); id != "" {
			c.AllowedSpotifyIDs = append(c.AllowedSpotifyIDs, id)
		}
	}

	c.LoginRatePerMinute = DefaultLoginRate
	if v := getenv("LOGIN_RATE_PER_MINUTE"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			fail("LOGIN_RATE_PER_MINUTE", "must be a whole number above 0, got %q", v)
		}
		c.LoginRatePerMinute = n
	}

	if c.OnHeroku {
		c.ProxyHops = 1
	}
	if v := getenv("PROXY_HOPS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 5 {
			fail("PROXY_HOPS", "must be a whole number from 0 to 5, got %q", v)
		}
		c.ProxyHops = n
	}

	if c.MetricsToken = read("METRICS_TOKEN"); c.MetricsToken != "" && len(c.MetricsToken) < minSecretKeyLen {
		fail("METRICS_TOKEN", "must be at least %d characters (try `openssl rand -hex 32`)", minSecretKeyLen)
	}

	if v := getenv("RATE_LIMIT_PER_MINUTE"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			fail("RATE_LIMIT_PER_MINUTE", "must be a whole number above 0, got %q", v)
		}
		c.RateLimitPerMinute = n
	}

	c.WorkerConcurrency = DefaultWorkerConcurrency
	if v := getenv("WORKER_CONCURRENCY"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 16 {
			fail("WORKER_CONCURRENCY", "must be a whole number from 0 to 16, got %q", v)
		}
		c.WorkerConcurrency = n
	}

	c.SpotifyCallsPer30s = DefaultSpotifyCallsPer30s
	if v := getenv("SPOTIFY_CALLS_PER_30S"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 4 || n > 100000 {
			fail("SPOTIFY_CALLS_PER_30S", "must be a whole number from 4 to 100000, got %q", v)
		}
		c.SpotifyCallsPer30s = n
	}

	c.Clock = getenv("EUTERPE_CLOCK")
	if _, err := clock.Parse(c.Clock); err != nil {
		fail("EUTERPE_CLOCK", "%v", err)
	}

	if v := read("SECRET_KEY"); v != "" {
		seen := map[string]bool{}
		list := strings.Split(v, ",")
		for i, k := range list {
			k = strings.TrimSpace(k)
			which := ""
			if len(list) > 1 {
				which = fmt.Sprintf("key %d ", i+1)
			}
			switch {
			case len(k) < minSecretKeyLen:
				fail("SECRET_KEY", "%smust be at least %d characters (try `openssl rand -hex 32`)", which, minSecretKeyLen)
			case seen[k]:
				fail("SECRET_KEY", "%sis listed twice", which)
			}
			seen[k] = true
			c.SecretKeys = append(c.SecretKeys, k)
		}
	}

	if v := read("ENCRYPTION_KEY"); v != "" {
		keys, err := tokencrypt.ParseKeys(v)
		if err != nil {
			fail("ENCRYPTION_KEY", "%v", err)
		}
		c.Keys = keys
	}

	c.Spotify = Spotify{
		ClientID:     getenv("SPOTIFY_CLIENT_ID"),
		ClientSecret: read("SPOTIFY_CLIENT_SECRET"),
		RedirectURI:  getenv("SPOTIFY_REDIRECT_URI"),
		Scope:        strings.Join(strings.Fields(getenv("SPOTIFY_SCOPE")), " "),
		AccountsURL:  strings.TrimRight(getenv("SPOTIFY_ACCOUNTS_URL"), "/"),
		APIURL:       strings.TrimRight(getenv("SPOTIFY_API_URL"), "/"),
	}
	if c.Spotify.Scope == "" {
		c.Spotify.Scope = DefaultScope
	}
	if c.Spotify.AccountsURL == "" {
		c.Spotify.AccountsURL = DefaultAccountsURL
	} else if err := checkHTTPURL(c.Spotify.AccountsURL); err != nil {
		fail("SPOTIFY_ACCOUNTS_URL", "%v", err)
	}
	if c.Spotify.APIURL == "" {
		c.Spotify.APIURL = DefaultAPIURL
	} else if err := checkHTTPURL(c.Spotify.APIURL); err != nil {
		fail("SPOTIFY_API_URL", "%v", err)
	}
	base := ""
	if v := getenv("BASE_URL"); v != "" {
		b, err := checkBaseURL(v)
		if err != nil {
			fail("BASE_URL", "%v", err)
		}
		base = b
		if c.Spotify.RedirectURI == "" && err == nil {
			c.Spotify.RedirectURI = base + "/callback"
		}
	}
	if v := c.Spotify.RedirectURI; v != "" {
		switch err := checkRedirectURI(v); {
		case err != nil:
			fail("SPOTIFY_REDIRECT_URI", "%v", err)
		case base != "" && v != base+"/callback":
			fail("SPOTIFY_REDIRECT_URI", "must be BASE_URL/callback (%s/callback), got %q", base, v)
		case base == "" && !strings.HasSuffix(v, "://"+hostOf(v)+"/callback"):
			fail("SPOTIFY_REDIRECT_URI", "must be https://host/callback, or BASE_URL/callback when BASE_URL names a sub-path, got %q", v)
		case base == "":
			base = strings.TrimSuffix(v, "/callback")
		}
	}
	c.BaseURL = base
	return c, errors.Join(errs...)
}

// ValidateServe checks what the web server needs beyond the database.
func (c Config) ValidateServe() error {
	var errs []error
	missing := func(name, hint string) {
		errs = append(errs, fmt.Errorf("%s: is required (%s)", name, hint))
	}
	if len(c.SecretKeys) == 0 {
		missing("SECRET_KEY", "a random string of 32+ characters, e.g. `openssl rand -hex 32`")
	}
	if c.Keys == nil {
		missing("ENCRYPTION_KEY", "a Fernet key; `euterpe keygen` prints one")
	}
	if c.Spotify.ClientID == "" {
		missing("SPOTIFY_CLIENT_ID", "from your app at developer.spotify.com/dashboard")
	}
	if c.Spotify.RedirectURI == "" {
		missing("SPOTIFY_REDIRECT_URI", "e.g. http://127.0.0.1:8080/callback, registered in your Spotify app")
	}
	return errors.Join(errs...)
}

// SecureCookies reports whether cookies must carry the Secure flag: on Heroku
// (the router terminates TLS) or whenever the app is reached over https.
func (c Config) SecureCookies() bool {
	return c.OnHeroku || strings.HasPrefix(c.Spotify.RedirectURI, "https://")
}

// secret reads NAME, or the file named by NAME_FILE (for Docker and systemd
// credentials), but not both.
func secret(getenv Getenv, name string) (string, error) {
	v, file := getenv(name), getenv(name+"_FILE")
	switch {
	case v != "" && file != "":
		return "", fmt.Errorf("set either %s or %s_FILE, not both", name, name)
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("cannot read %s_FILE: %w", name, err)
		}
		return strings.TrimSpace(string(b)), nil
	}
	return v, nil
}

// databaseURL accepts the URL forms Heroku and libpq use. On Heroku the
// database is reached over the network, so TLS is required unless the URL
// says otherwise.
func databaseURL(raw string, onHeroku bool) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", errors.New("is not a valid URL (e.g. postgres://user:password@host:5432/dbname)")
	}
	if u.Scheme != "postgres" && u.Scheme != "postgresql" {
		return "", fmt.Errorf("must start with postgres:// or postgresql://, got %q", u.Scheme+"://")
	}
	if u.Opaque != "" || !strings.HasPrefix(raw[len(u.Scheme)+1:], "//") {
		// "postgres:" or "postgres:db" parse as URLs but name no server.
		return "", errors.New("must look like postgres://user:password@host:5432/dbname")
	}
	if onHeroku {
		q := u.Query()
		if q.Get("sslmode") == "" {
			q.Set("sslmode", "require")
			u.RawQuery = q.Encode()
		}
	}
	return u.String(), nil
}

func checkHTTPURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("must be an absolute http(s) URL, got %q", raw)
	}
	return nil
}

// BasePath is the path Euterpe is served under ("" at a host's root, else
// e.g. "/euterpe"): every link, redirect, cookie and the service worker's
// scope are under it.
func (c Config) BasePath() string {
	u, err := url.Parse(c.BaseURL)
	if err != nil {
		return ""
	}
	return strings.TrimRight(u.Path, "/")
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Host
}

// checkBaseURL reads BASE_URL: an absolute http(s) URL with no query or
// fragment, returned without its trailing slash.
func checkBaseURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	switch {
	case err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https"):
		return "", fmt.Errorf("must be an absolute http(s) URL such as https://home.example/euterpe, got %q", raw)
	case u.RawQuery != "" || u.Fragment != "" || u.User != nil:
		return "", fmt.Errorf("must have no query, fragment or user, got %q", raw)
	case strings.Contains(u.Path, "//") || strings.ContainsAny(u.Path, "%?#\\"):
		return "", fmt.Errorf("must have a plain path, got %q", raw)
	}
	return u.Scheme + "://" + u.Host + strings.TrimRight(u.Path, "/"), nil
}

// checkRedirectURI follows Spotify's rules: https, or http on a loopback IP
// literal. Spotify refuses "localhost" since 2025.
func checkRedirectURI(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Errorf("must be an absolute URL, got %q", raw)
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && (u.Hostname() == "127.0.0.1" || u.Hostname() == "::1"):
	case u.Scheme == "http" && u.Hostname() == "localhost":
		return errors.New("Spotify refuses localhost: use http://127.0.0.1:PORT/callback")
	default:
		return fmt.Errorf("must be https, or http on 127.0.0.1 for local use, got %q", raw)
	}
	if !strings.HasSuffix(u.Path, "/callback") {
		return fmt.Errorf("must end in /callback (Euterpe's callback path), got path %q", u.Path)
	}
	return nil
}
