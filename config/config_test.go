package config

import (
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/euterpe-dev/euterpe/tokencrypt"
)

const validDB = "postgres://u:p4ss@db.example.com:5432/d1"

func env(m map[string]string) Getenv {
	return func(k string) string { return m[k] }
}

func serveEnv(t *testing.T) map[string]string {
	t.Helper()
	key, err := tokencrypt.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return map[string]string{
		"DATABASE_URL":         validDB,
		"SECRET_KEY":           strings.Repeat("s", 32),
		"ENCRYPTION_KEY":       key,
		"SPOTIFY_CLIENT_ID":    "client",
		"SPOTIFY_REDIRECT_URI": "http://127.0.0.1:8080/callback",
	}
}

func TestLoad(t *testing.T) {
	tests := []struct {
		name    string
		change  map[string]string
		wantErr []string // each must appear; nil = no error
		check   func(t *testing.T, c Config)
	}{
		{name: "defaults", check: func(t *testing.T, c Config) {
			if c.Port != 8080 || c.DBMaxConns != 15 || c.OnHeroku {
				t.Errorf("defaults: port %d conns %d heroku %v", c.Port, c.DBMaxConns, c.OnHeroku)
			}
			if c.Spotify.AccountsURL != DefaultAccountsURL || c.Spotify.APIURL != DefaultAPIURL || c.Spotify.Scope != DefaultScope {
				t.Errorf("spotify defaults: %+v", c.Spotify)
			}
			if c.DatabaseURL != validDB {
				t.Errorf("DatabaseURL changed off Heroku: %s", c.DatabaseURL)
			}
		}},
		{name: "missing database", change: map[string]string{"DATABASE_URL": ""}, wantErr: []string{"DATABASE_URL: is required"}},
		{name: "database not a postgres url", change: map[string]string{"DATABASE_URL": "mysql://u:secretpw@h/d"}, wantErr: []string{"DATABASE_URL: must start with postgres://"}},
		{name: "no server named", change: map[string]string{"DATABASE_URL": "postgres:"}, wantErr: []string{"DATABASE_URL: must look like postgres://"}},
		{name: "postgresql scheme accepted", change: map[string]string{"DATABASE_URL": "postgresql://u@h/d"}},
		{name: "heroku adds sslmode", change: map[string]string{"DYNO": "web.1"}, check: func(t *testing.T, c Config) {
			if !strings.Contains(c.DatabaseURL, "sslmode=require") || !c.OnHeroku || !c.SecureCookies() {
				t.Errorf("on Heroku: url %s heroku %v secure %v", c.DatabaseURL, c.OnHeroku, c.SecureCookies())
			}
		}},
		{name: "heroku keeps explicit sslmode", change: map[string]string{"DYNO": "web.1", "DATABASE_URL": validDB + "?sslmode=disable"}, check: func(t *testing.T, c Config) {
			if !strings.Contains(c.DatabaseURL, "sslmode=disable") || strings.Contains(c.DatabaseURL, "require") {
				t.Errorf("sslmode overridden: %s", c.DatabaseURL)
			}
		}},
		{name: "port", change: map[string]string{"PORT": "5000"}, check: func(t *testing.T, c Config) {
			if c.Port != 5000 {
				t.Errorf("Port = %d", c.Port)
			}
		}},
		{name: "bad port", change: map[string]string{"PORT": "http"}, wantErr: []string{`PORT: must be a port number from 1 to 65535, got "http"`}},
		{name: "port out of range", change: map[string]string{"PORT": "70000"}, wantErr: []string{"PORT:"}},
		{name: "db max conns", change: map[string]string{"DB_MAX_CONNS": "5"}, check: func(t *testing.T, c Config) {
			if c.DBMaxConns != 5 {
				t.Errorf("DBMaxConns = %d", c.DBMaxConns)
			}
		}},
		{name: "db max conns above the share", change: map[string]string{"DB_MAX_CONNS": "16"}, wantErr: []string{"DB_MAX_CONNS: must be a whole number from 2 to 15"}},
		{name: "db max conns not a number", change: map[string]string{"DB_MAX_CONNS": "many"}, wantErr: []string{"DB_MAX_CONNS:"}},
		{name: "short secret key", change: map[string]string{"SECRET_KEY": "short"}, wantErr: []string{"SECRET_KEY: must be at least 32 characters"}},
		{name: "bad encryption key", change: map[string]string{"ENCRYPTION_KEY": "hunter2"}, wantErr: []string{"ENCRYPTION_KEY: key 1 of 1 is not a Fernet key"}},
		{name: "localhost redirect refused", change: map[string]string{"SPOTIFY_REDIRECT_URI": "http://localhost:8080/callback"}, wantErr: []string{"SPOTIFY_REDIRECT_URI: Spotify refuses localhost"}},
		{name: "plain http elsewhere refused", change: map[string]string{"SPOTIFY_REDIRECT_URI": "http://example.com/callback"}, wantErr: []string{"SPOTIFY_REDIRECT_URI: must be https"}},
		{name: "wrong callback path", change: map[string]string{"SPOTIFY_REDIRECT_URI": "https://e.example/cb"}, wantErr: []string{"SPOTIFY_REDIRECT_URI: must end in /callback"}},
		{name: "https redirect makes cookies secure", change: map[string]string{"SPOTIFY_REDIRECT_URI": "https://e.example/callback"}, check: func(t *testing.T, c Config) {
			if !c.SecureCookies() {
				t.Error("SecureCookies = false with an https redirect URI")
			}
		}},
		{name: "simulator urls", change: map[string]string{"SPOTIFY_ACCOUNTS_URL": "http://127.0.0.1:8090/", "SPOTIFY_API_URL": "http://127.0.0.1:8090/v1"}, check: func(t *testing.T, c Config) {
			if c.Spotify.AccountsURL != "http://127.0.0.1:8090" || c.Spotify.APIURL != "http://127.0.0.1:8090/v1" {
				t.Errorf("urls: %+v", c.Spotify)
			}
		}},
		{name: "bad api url", change: map[string]string{"SPOTIFY_API_URL": "api.spotify.com"}, wantErr: []string{"SPOTIFY_API_URL: must be an absolute http(s) URL"}},
		{name: "scope whitespace normalised", change: map[string]string{"SPOTIFY_SCOPE": "  user-top-read \n user-read-private "}, check: func(t *testing.T, c Config) {
			if c.Spotify.Scope != "user-top-read user-read-private" {
				t.Errorf("Scope = %q", c.Spotify.Scope)
			}
		}},
		{name: "every error at once", change: map[string]string{"PORT": "x", "DB_MAX_CONNS": "99", "SECRET_KEY": "s"}, wantErr: []string{"PORT:", "DB_MAX_CONNS:", "SECRET_KEY:"}},
		{name: "both value and file", change: map[string]string{"SECRET_KEY_FILE": "/nonexistent"}, wantErr: []string{"SECRET_KEY: set either SECRET_KEY or SECRET_KEY_FILE, not both"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := serveEnv(t)
			for k, v := range tt.change {
				m[k] = v
			}
			c, err := Load(env(m))
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if err := c.ValidateServe(); err != nil {
					t.Fatalf("ValidateServe: %v", err)
				}
				if tt.check != nil {
					tt.check(t, c)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, want %q", tt.wantErr)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			for _, secret := range []string{"p4ss", "secretpw", "hunter2", m["SECRET_KEY"]} {
				if strings.Contains(err.Error(), secret) && len(secret) > 1 {
					t.Errorf("error %q leaks a secret", err)
				}
			}
		})
	}
}

func TestValidateServe(t *testing.T) {
	c, err := Load(env(map[string]string{"DATABASE_URL": validDB}))
	if err != nil {
		t.Fatalf("migrate needs only DATABASE_URL: %v", err)
	}
	err = c.ValidateServe()
	for _, name := range []string{"SECRET_KEY", "ENCRYPTION_KEY", "SPOTIFY_CLIENT_ID", "SPOTIFY_REDIRECT_URI"} {
		if err == nil || !strings.Contains(err.Error(), name+": is required") {
			t.Errorf("ValidateServe error %v does not name %s", err, name)
		}
	}
}

func TestSecretFromFile(t *testing.T) {
	m := serveEnv(t)
	path := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(path, []byte(strings.Repeat("f", 40)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	delete(m, "SECRET_KEY")
	m["SECRET_KEY_FILE"] = path
	c, err := Load(env(m))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.SecretKeys) != 1 || c.SecretKeys[0] != strings.Repeat("f", 40) {
		t.Errorf("SecretKeys from file = %q", c.SecretKeys)
	}
	m["SECRET_KEY_FILE"] = filepath.Join(t.TempDir(), "missing")
	if _, err := Load(env(m)); err == nil || !strings.Contains(err.Error(), "SECRET_KEY: cannot read SECRET_KEY_FILE") {
		t.Errorf("missing file error = %v", err)
	}
}

func TestSecretKeyList(t *testing.T) {
	m := serveEnv(t)
	newKey, oldKey := strings.Repeat("n", 32), strings.Repeat("o", 40)
	m["SECRET_KEY"] = newKey + ", " + oldKey
	c, err := Load(env(m))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.SecretKeys) != 2 || c.SecretKeys[0] != newKey || c.SecretKeys[1] != oldKey {
		t.Errorf("SecretKeys = %q, want the new key first, then the old", c.SecretKeys)
	}
	for value, want := range map[string]string{
		newKey + ",short":     "SECRET_KEY: key 2 must be at least 32 characters",
		newKey + ",":          "SECRET_KEY: key 2 must be at least 32 characters",
		newKey + "," + newKey: "SECRET_KEY: key 2 is listed twice",
	} {
		m["SECRET_KEY"] = value
		if _, err := Load(env(m)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("SECRET_KEY=%q: %v, want %q", value, err, want)
		}
	}
}

func TestProxyHopsAndLoginRate(t *testing.T) {
	m := serveEnv(t)
	c, err := Load(env(m))
	if err != nil {
		t.Fatal(err)
	}
	if c.ProxyHops != 0 || c.LoginRatePerMinute != DefaultLoginRate || c.MetricsToken != "" {
		t.Errorf("defaults off Heroku: hops %d, login rate %d, token %q", c.ProxyHops, c.LoginRatePerMinute, c.MetricsToken)
	}
	m["DYNO"] = "web.1"
	if c, _ = Load(env(m)); c.ProxyHops != 1 {
		t.Errorf("on Heroku the router is one hop, got %d", c.ProxyHops)
	}
	m["PROXY_HOPS"], m["LOGIN_RATE_PER_MINUTE"], m["METRICS_TOKEN"] = "2", "5", strings.Repeat("m", 32)
	if c, err = Load(env(m)); err != nil || c.ProxyHops != 2 || c.LoginRatePerMinute != 5 || c.MetricsToken != strings.Repeat("m", 32) {
		t.Errorf("set: %+v %v", c, err)
	}
	for name, value := range map[string]string{"PROXY_HOPS": "6", "LOGIN_RATE_PER_MINUTE": "0", "METRICS_TOKEN": "short"} {
		bad := maps.Clone(m)
		bad[name] = value
		if _, err := Load(env(bad)); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s=%q: %v", name, value, err)
		}
	}
}

// BASE_URL puts Euterpe under a sub-path: the redirect URI follows it (or
// must agree with it), and without it the site is the redirect URI's.
func TestBaseURL(t *testing.T) {
	for _, c := range []struct {
		base, redirect       string
		wantBase, wantPath   string
		wantRedirect, errVar string
	}{
		{"", "http://127.0.0.1:8080/callback", "http://127.0.0.1:8080", "", "http://127.0.0.1:8080/callback", ""},
		{"https://home.example/euterpe/", "", "https://home.example/euterpe", "/euterpe", "https://home.example/euterpe/callback", ""},
		{"https://home.example/a/b", "https://home.example/a/b/callback", "https://home.example/a/b", "/a/b", "https://home.example/a/b/callback", ""},
		{"https://home.example", "", "https://home.example", "", "https://home.example/callback", ""},
		{"https://home.example/euterpe", "https://home.example/callback", "", "", "", "SPOTIFY_REDIRECT_URI"},
		{"", "https://home.example/euterpe/callback", "", "", "", "SPOTIFY_REDIRECT_URI"},
		{"home.example/euterpe", "", "", "", "", "BASE_URL"},
		{"https://home.example/euterpe?x=1", "", "", "", "", "BASE_URL"},
		{"ftp://home.example/euterpe", "", "", "", "", "BASE_URL"},
	} {
		m := serveEnv(t)
		m["SPOTIFY_REDIRECT_URI"] = c.redirect
		m["BASE_URL"] = c.base
		cfg, err := Load(env(m))
		if c.errVar != "" {
			if err == nil || !strings.Contains(err.Error(), c.errVar) {
				t.Errorf("BASE_URL=%q SPOTIFY_REDIRECT_URI=%q: %v, want an error naming %s", c.base, c.redirect, err, c.errVar)
			}
			continue
		}
		if err != nil || cfg.BaseURL != c.wantBase || cfg.BasePath() != c.wantPath || cfg.Spotify.RedirectURI != c.wantRedirect {
			t.Errorf("BASE_URL=%q SPOTIFY_REDIRECT_URI=%q: base %q path %q redirect %q, %v", c.base, c.redirect, cfg.BaseURL, cfg.BasePath(), cfg.Spotify.RedirectURI, err)
		}
	}
}
