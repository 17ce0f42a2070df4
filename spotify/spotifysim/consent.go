package spotifysim

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// Consent answers the simulator's consent page the way a person clicking
// would, for tests and benchmarks that sign in without a browser. page is
// the URL of the consent page (where /authorize led); its form posts the
// authorize request's parameters back to the same address with the chosen
// listener and action ("accept" or "cancel"), which is what this sends. The
// response is where c's redirects end: the app's callback, and whatever the
// app makes of it.
func Consent(ctx context.Context, c *http.Client, page *url.URL, listener, action string) (*http.Response, error) {
	form := page.Query()
	form.Set("listener", listener)
	form.Set("action", action)
	target := *page
	target.RawQuery = ""
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target.String(), strings.NewReader(form.Encode()))
	if err != nil {
		return nil, fmt.Errorf("spotifysim: consent: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := c.Do(req)
	if err != nil {
		return nil, fmt.Errorf("spotifysim: consent: %w", err)
	}
	return res, nil
}
