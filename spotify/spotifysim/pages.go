package spotifysim

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
)

type hiddenField struct{ Name, Value string }

type consentListener struct {
	ID, DisplayName, Taste string
	Image                  string
}

type consentPageData struct {
	ClientID  string
	Scopes    []string
	Listeners []consentListener
	Hidden    []hiddenField
	Error     string
	Mode      Mode
}

type errorPageData struct {
	Message string
}

// scopeDescriptions are the consent-screen wordings Spotify uses.
var scopeDescriptions = map[string]string{
	"user-top-read":               "Read your top artists and content",
	"user-read-recently-played":   "Access your recently played items",
	"playlist-read-private":       "Access your private playlists",
	"playlist-read-collaborative": "Access your collaborative playlists",
	"playlist-modify-public":      "Manage your public playlists",
	"playlist-modify-private":     "Manage your private playlists",
	"user-read-private":           "Access your subscription details",
	"user-read-email":             "Get your real email address",
	"user-library-read":           "Access your saved content",
	"user-follow-read":            "Access your followers and who you are following",
}

func (s *Server) renderConsent(w http.ResponseWriter, status int, req authRequest, errMsg string) {
	d := consentPageData{ClientID: req.clientID, Hidden: req.hidden(), Error: errMsg, Mode: s.cfg.Mode}
	for _, sc := range strings.Fields(req.scopeStr) {
		if desc, ok := scopeDescriptions[sc]; ok {
			d.Scopes = append(d.Scopes, desc+" ("+sc+")")
		} else {
			d.Scopes = append(d.Scopes, sc)
		}
	}
	for _, l := range s.cat.listeners {
		d.Listeners = append(d.Listeners, consentListener{
			ID: l.id, DisplayName: l.displayName, Taste: l.taste,
			Image: "/image/user/" + l.id + "/64",
		})
	}
	s.renderPage(w, status, "consent", d)
}

// renderPage renders into a buffer first so a template error becomes a clean
// 500 rather than half a page.
func (s *Server) renderPage(w http.ResponseWriter, status int, name string, data any) {
	var buf bytes.Buffer
	if err := s.pages.ExecuteTemplate(&buf, name, data); err != nil {
		http.Error(w, "spotifysim: cannot render page", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	// The pages carry no script; forbid any, and framing (clickjacking of
	// the consent buttons). Browsers apply form-action to the redirect that
	// follows the consent form too, so the registered app's origin is allowed.
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self' "+
		redirectOrigin(s.cfg.RedirectURI)+"; frame-ancestors 'none'")
	h.Set("X-Frame-Options", "DENY")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

const pageTemplates = `
{{define "style"}}<style>
*{box-sizing:border-box}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#121212;color:#fff;display:flex;min-height:100vh;align-items:center;justify-content:center}
.card{background:#1e1e1e;border-radius:12px;padding:32px 36px;max-width:520px;width:100%;box-shadow:0 8px 32px rgba(0,0,0,.5)}
.sim{background:#f59b23;color:#000;font-weight:700;font-size:12px;letter-spacing:.04em;text-transform:uppercase;padding:6px 10px;border-radius:6px;display:inline-block;margin-bottom:18px}
.logo{display:flex;align-items:center;gap:10px;font-weight:800;font-size:22px;margin-bottom:8px}
.dot{width:28px;height:28px;border-radius:50%;background:#1ed760;display:inline-block}
h1{font-size:20px;margin:12px 0 6px}
p,li{color:#b3b3b3;font-size:14px;line-height:1.5}
ul{padding-left:18px;margin:8px 0 20px}
fieldset{border:0;padding:0;margin:0 0 22px}
legend{font-weight:700;margin-bottom:10px}
label.l{display:flex;align-items:center;gap:12px;padding:10px 12px;border:1px solid #333;border-radius:8px;margin-bottom:8px;cursor:pointer}
label.l:hover{border-color:#1ed760}
label.l img{width:40px;height:40px;border-radius:50%}
label.l small{display:block;color:#b3b3b3}
.err{background:#e22134;color:#fff;padding:10px 12px;border-radius:8px;margin-bottom:16px;font-size:14px}
.buttons{display:flex;gap:12px;justify-content:flex-end}
button{border:0;border-radius:500px;padding:12px 28px;font-weight:700;font-size:14px;cursor:pointer}
button.agree{background:#1ed760;color:#000}
button.cancel{background:transparent;color:#fff;border:1px solid #727272}
code{color:#fff}
</style>{{end}}

{{define "consent"}}<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Simulated Spotify – Authorize {{.ClientID}}</title>{{template "style"}}</head>
<body><main class="card">
<div class="sim">Simulated Spotify · not the real service · {{.Mode}} mode</div>
<div class="logo"><span class="dot"></span>Spotify <span style="font-weight:400;color:#b3b3b3">(simulator)</span></div>
<h1><code>{{.ClientID}}</code> wants to connect to your account</h1>
{{if .Scopes}}<p>It will be able to:</p><ul>{{range .Scopes}}<li>{{.}}</li>{{end}}</ul>{{else}}<p>It asks for no scopes beyond your public profile.</p>{{end}}
{{if .Error}}<div class="err" role="alert">{{.Error}}</div>{{end}}
<form method="post" action="/authorize">
{{range .Hidden}}<input type="hidden" name="{{.Name}}" value="{{.Value}}">
{{end}}<fieldset><legend>Sign in as a demo listener</legend>
{{range $i, $l := .Listeners}}<label class="l"><input type="radio" name="listener" value="{{$l.ID}}"{{if eq $i 0}} checked{{end}}><img src="{{$l.Image}}" alt=""><span>{{$l.DisplayName}}<small>{{$l.Taste}}</small></span></label>
{{end}}</fieldset>
<div class="buttons"><button class="cancel" type="submit" name="action" value="cancel">Cancel</button><button class="agree" type="submit" name="action" value="accept">Agree</button></div>
</form></main></body></html>{{end}}

{{define "error"}}<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Simulated Spotify – Error</title>{{template "style"}}</head>
<body><main class="card">
<div class="sim">Simulated Spotify · not the real service</div>
<div class="logo"><span class="dot"></span>Spotify <span style="font-weight:400;color:#b3b3b3">(simulator)</span></div>
<h1>Oops! Something went wrong, please try again or check out our help area.</h1>
<p class="err" role="alert">{{.Message}}</p>
<p>The app that sent you here is not registered with this simulator, or its redirect URI does not match exactly.</p>
</main></body></html>{{end}}
`

// redirectOrigin is scheme://host[:port] of the registered redirect URI
// (Validate has checked that it parses).
func redirectOrigin(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}
