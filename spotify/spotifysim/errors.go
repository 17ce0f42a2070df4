package spotifysim

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// Web API error messages, verbatim as Spotify sends them.
const (
	msgNoToken           = "No token provided"
	msgInvalidToken      = "Invalid access token"
	msgExpiredToken      = "The access token expired"
	msgBearerOnly        = "Only valid bearer authentication supported"
	msgInsufficientScope = "Insufficient client scope"
	msgForbidden         = "Forbidden"
	msgNotFound          = "Resource not found"
	msgRateLimited       = "API rate limit exceeded"
	msgInvalidID         = "Invalid base62 id"
)

type apiErrorBody struct {
	Error apiError `json:"error"`
}

type apiError struct {
	Status  int    `json:"status"`
	Message string `json:"message"`
}

// writeAPIError answers in the Web API's error shape,
// {"error":{"status":N,"message":"..."}}.
func writeAPIError(w http.ResponseWriter, status int, msg string) {
	body, _ := json.Marshal(apiErrorBody{apiError{Status: status, Message: msg}})
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	if status == http.StatusUnauthorized {
		// Spotify repeats the cause in the challenge, as RFC 6750 describes.
		h.Set("WWW-Authenticate", `Bearer realm="spotify", error="invalid_token", error_description="`+msg+`"`)
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// writeRateLimited answers 429 with Retry-After in seconds.
func writeRateLimited(w http.ResponseWriter, retryAfter int) {
	w.Header().Set("Retry-After", strconv.Itoa(retryAfter))
	writeAPIError(w, http.StatusTooManyRequests, msgRateLimited)
}

type oauthErrorBody struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// writeOAuthError answers in the accounts service's RFC 6749 error shape.
func writeOAuthError(w http.ResponseWriter, status int, code, desc string) {
	body, _ := json.Marshal(oauthErrorBody{Error: code, Description: desc})
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	if status == http.StatusUnauthorized {
		h.Set("WWW-Authenticate", `Basic realm="spotify"`)
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
