package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/euterpe-dev/euterpe/config"
)

// healthcheckTimeout bounds the whole check: an orchestrator's probe has a
// timeout of its own, and a server that answers slower is not healthy.
const healthcheckTimeout = 5 * time.Second

// healthcheckCmd asks the server running beside it (this container, this
// machine) for /health and succeeds only on its "healthy": the command of
// the image's HEALTHCHECK and of compose's health check, so an image needs
// no curl. It reads PORT and BASE_URL, as serve does, and nothing secret.
func healthcheckCmd(ctx context.Context, args []string, getenv env, stdout io.Writer) error {
	target, err := healthURL(args, getenv)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, healthcheckTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %s does not answer: %w", target, err)
	}
	defer res.Body.Close()
	var body struct {
		Status string `json:"status"`
	}
	if err := json.NewDecoder(io.LimitReader(res.Body, 1<<16)).Decode(&body); err != nil || res.StatusCode != http.StatusOK || body.Status != "healthy" {
		return fmt.Errorf("healthcheck: %s answered %d %q", target, res.StatusCode, body.Status)
	}
	_, err = fmt.Fprintln(stdout, "healthy")
	return err
}

// healthURL is /health on the loopback at PORT, under BASE_URL's path, or
// the URL given with --url.
func healthURL(args []string, getenv env) (string, error) {
	switch {
	case len(args) == 2 && args[0] == "--url":
		u, err := url.Parse(args[1])
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return "", fmt.Errorf("%w: healthcheck --url wants an http(s) URL, got %q", errUsage, args[1])
		}
		return u.String(), nil
	case len(args) != 0:
		return "", fmt.Errorf("%w: healthcheck takes no arguments but --url URL", errUsage)
	}
	port := config.DefaultPort
	if v := getenv("PORT"); v != "" {
		p, err := strconv.Atoi(v)
		if err != nil || p < 1 || p > 65535 {
			return "", fmt.Errorf("healthcheck: PORT must be a port number from 1 to 65535, got %q", v)
		}
		port = p
	}
	prefix := ""
	if v := getenv("BASE_URL"); v != "" {
		u, err := url.Parse(v)
		if err != nil {
			return "", fmt.Errorf("healthcheck: BASE_URL: %w", err)
		}
		prefix = strings.TrimRight(u.Path, "/")
	}
	return "http://127.0.0.1:" + strconv.Itoa(port) + prefix + "/health", nil
}
