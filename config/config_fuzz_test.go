package config

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzLoad: every variable is outside input to the process. Load must not
// panic; what it accepts must satisfy the rules the rest of the program
// relies on; and what it refuses it must describe without quoting a
// secret: SECRET_KEY, ENCRYPTION_KEY, or the password in DATABASE_URL.
func FuzzLoad(f *testing.F) {
	key := "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4="
	f.Add("postgres://u:p4ss@db.example.com:5432/d1", "8080", "15", "300", strings.Repeat("s", 32), key,
		"http://127.0.0.1:8080/callback", "https://api.spotify.com/v1")
	f.Add("postgresql://u:hunter2hunter2@h/d?sslmode=disable", "0", "1", "-1", "short", key+","+key,
		"http://localhost:8080/callback", "ftp://x")
	f.Add("mysql://root:secretpass@h/d", "65536", "16", "x", "", "not-a-key-at-all",
		"https://example.com/cb", "")
	f.Add("postgres://%zz", " 80", "2", "100000000", strings.Repeat("é", 20), " , ",
		"http://[::1]:8080/callback", "http://127.0.0.1:8090/v1/")
	f.Fuzz(func(t *testing.T, dbURL, port, maxConns, rateLimit, secretKey, encKey, redirect, apiURL string) {
		vars := map[string]string{
			"DATABASE_URL": dbURL, "PORT": port, "DB_MAX_CONNS": maxConns, "RATE_LIMIT_PER_MINUTE": rateLimit,
			"SECRET_KEY": secretKey, "ENCRYPTION_KEY": encKey, "SPOTIFY_CLIENT_ID": "client",
			"SPOTIFY_REDIRECT_URI": redirect, "SPOTIFY_API_URL": apiURL,
		}
		c, err := Load(env(vars))
		if err == nil {
			checkAccepted(t, c)
			_ = c.ValidateServe()
			return
		}
		msg := err.Error()
		public := port + maxConns + rateLimit + redirect + apiURL
		secrets := []string{secretKey, encKey}
		if u, perr := url.Parse(dbURL); perr == nil {
			public += u.Scheme // the message names a wrong scheme
			if pw, ok := u.User.Password(); ok {
				secrets = append(secrets, pw)
			}
		}
		for _, s := range secrets {
			s = strings.TrimSpace(s)
			// Short values match the message's own words by chance.
			if len(s) >= 8 && strings.Contains(msg, s) && !strings.Contains(public, s) && !strings.Contains(msgWithout(vars), s) {
				t.Fatalf("the error quotes a secret %q: %s", s, msg)
			}
		}
	})
}

// msgWithout is Load's error with the secrets replaced by empty values: a
// secret that appears there is part of the message itself.
func msgWithout(vars map[string]string) string {
	m := map[string]string{}
	for k, v := range vars {
		m[k] = v
	}
	m["SECRET_KEY"], m["ENCRYPTION_KEY"], m["DATABASE_URL"] = "", "", ""
	_, err := Load(env(m))
	if err == nil {
		return ""
	}
	return err.Error()
}

func checkAccepted(t *testing.T, c Config) {
	t.Helper()
	if c.Port < 1 || c.Port > 65535 {
		t.Fatalf("accepted port %d", c.Port)
	}
	if c.DBMaxConns < 2 || c.DBMaxConns > MaxDBConns {
		t.Fatalf("accepted DB_MAX_CONNS %d", c.DBMaxConns)
	}
	if c.RateLimitPerMinute < 1 {
		t.Fatalf("accepted RATE_LIMIT_PER_MINUTE %d", c.RateLimitPerMinute)
	}
	if !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		t.Fatalf("accepted DATABASE_URL %q", c.DatabaseURL)
	}
	for _, k := range c.SecretKeys {
		if len(k) < minSecretKeyLen || strings.Contains(k, ",") {
			t.Fatalf("accepted a SECRET_KEY of %d characters", len(k))
		}
	}
	for _, u := range []string{c.Spotify.APIURL, c.Spotify.AccountsURL} {
		if p, err := url.Parse(u); err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			t.Fatalf("accepted Spotify URL %q", u)
		}
	}
	if r := c.Spotify.RedirectURI; r != "" {
		u, err := url.Parse(r)
		loopback := u != nil && (u.Hostname() == "127.0.0.1" || u.Hostname() == "::1")
		if err != nil || u.Path != "/callback" || !(u.Scheme == "https" || u.Scheme == "http" && loopback) {
			t.Fatalf("accepted SPOTIFY_REDIRECT_URI %q", r)
		}
	}
}
