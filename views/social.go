package views

import (
	"fmt"
	"strconv"
	"time"

	"github.com/euterpe-dev/euterpe/analytics"
	"github.com/euterpe-dev/euterpe/history"
	"github.com/euterpe-dev/euterpe/social"
)

// The pages of sharing and friends, in the order their switch shows them.
const (
	SocialFriends   = "friends"
	SocialShares    = "shares"
	SocialPlaylists = "playlists"
)

// Option is one choice of a <select>.
type Option struct {
	Value, Label string
	Selected     bool
}

// Choice is one checkbox.
type Choice struct {
	Name, Value, Label string
	Checked            bool
}

// LinkReady is a link made just now, shown to its owner once: only its
// hash is kept.
type LinkReady struct {
	URL     string
	What    string
	Expires time.Time // zero: never
}

// ShareForm is the form that makes one kind of link.
type ShareForm struct {
	Kind   social.ShareKind
	Title  string
	Blurb  string
	Panels []Choice
	// One of these is set, by kind.
	Ranges  []Option // dashboard
	Periods []Option // history
	From    string   // history, custom dates
	To      string
	Years   []Option // year
	// Open marks the form the page was asked for (?kind=).
	Open bool
}

// SharesData is /shares.
type SharesData struct {
	Forms   []ShareForm
	Shares  []social.ShareInfo
	Created *LinkReady
	Error   string // why the link was not made
	Max     int
}

// FriendsData is /friends.
type FriendsData struct {
	Friends []FriendRow
	Invites []social.Invite
	Invited *LinkReady // an invite made just now
	Notice  string
	Error   string
}

// FriendRow is one friend in the list.
type FriendRow struct {
	Name       string
	Since      time.Time
	CompareURL string
}

// InviteData is the page an invite link opens.
type InviteData struct {
	InviterName string
	Expires     time.Time
	// SignedIn: the visitor can accept; Own: it is their own invite.
	SignedIn, Own bool
	AcceptURL     string
	LoginURL      string
}

// CompareData is a friend's compare page.
type CompareData struct {
	social.Comparison
	Periods  []Link
	From, To string
	Action   string // the range form's address: the page itself
	EndURL   string
	Blend    PlaylistForm
	Notice   string
}

// PlaylistForm is a form that writes a playlist to Spotify.
type PlaylistForm struct {
	Action string
	Key    string // the request key: the same form sent twice makes one playlist
	Hidden []Option
	Ranges []Option // a top-songs playlist's range
}

// PlaylistsData is /playlists.
type PlaylistsData struct {
	Top     PlaylistForm
	Friends []FriendRow
	Made    []social.Made
	Notice  string
	Error   string
	Just    *social.Made // the playlist made just now
}

// SharedPage is a link's public page.
type SharedPage struct {
	Demo bool
	View social.SharedView
}

// ---- helpers ----

func shareExpiry(s social.ShareInfo) string {
	switch {
	case s.Expires.IsZero():
		return "Never"
	case s.Expired:
		return "Expired " + longDate(s.Expires)
	}
	return longDate(s.Expires)
}

func expiryWords(t time.Time) string {
	if t.IsZero() {
		return "It never expires; revoke it on this page when you want it to stop working."
	}
	return "It works until " + t.Format("2 January 2006, 15:04 MST") + "; you can revoke it before then on this page."
}

func viewsWords(n int64) string { return analytics.Count(int(n), "view", "views") }

func lastView(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.Format("2 Jan 2006, 15:04")
}

func joinLabels(labels []string) string {
	if len(labels) == 0 {
		return "—"
	}
	return join(labels, ", ")
}

func scoreText(a social.Affinity) string {
	if !a.Known {
		return "–"
	}
	return strconv.Itoa(a.Score)
}

func percentOf(f float64) string { return strconv.Itoa(int(f*100+0.5)) + "%" }

// playsPair is "you 12 · Walt 30".
func playsPair(friend string, mine, theirs int64) string {
	return fmt.Sprintf("you %s · %s %s", analytics.Count(int(mine), "play", "plays"), friend, analytics.Count(int(theirs), "play", "plays"))
}

// personClock is a listening clock with a summary in the third person (or
// the second, for the viewer), in the person's local time.
func personClock(c history.Clock, who string) grid {
	g := clockGrid(c)
	if c.Max == 0 {
		g.Summary = "No plays in this range."
		return g
	}
	verb := "listens"
	if who == "You" || who == "They" {
		verb = "listen"
	}
	g.Summary = who + " " + verb + " most " + clockPeaks(c, " local time")
	return g
}

func madeKind(m social.Made) string {
	if m.Kind == social.PlaylistBlend {
		if m.FriendName != "" {
			return "Blend with " + m.FriendName
		}
		return "Blend"
	}
	return "Your top songs"
}

func sharedTitle(v social.SharedView) string {
	switch v.Kind {
	case social.ShareYear:
		if v.Year != nil {
			return yearHeadline(*v.Year)
		}
	case social.ShareHistory:
		if v.History != nil {
			return v.History.Span.Period.Label() + " of listening"
		}
	case social.ShareDashboard:
		if v.Dashboard != nil {
			return "Top lists · " + v.Dashboard.Range.Label()
		}
	}
	return "Shared listening"
}

func sharedPageTitle(v social.SharedView) string {
	if v.OwnerName != "" {
		return v.OwnerName + " · " + sharedTitle(v)
	}
	return sharedTitle(v)
}

// sharedSpan is a shared History range's dates, without the time zone.
func sharedSpan(s history.Span) string {
	d := longDate(s.From)
	if !s.To.Equal(s.From) {
		d += " – " + longDate(s.To)
	}
	return d
}

// sharedYearSpan is a shared year's dates, without the time zone.
func sharedYearSpan(v social.SharedView) string {
	y := v.Year
	if y.SoFar {
		return "From 1 January to " + y.To.Format("2 January") + ", " + analytics.Count(y.Days, "day", "days")
	}
	return "1 January to 31 December " + itoa(y.Year)
}

func ownerLabel(name string) string {
	if name == "" {
		return "Shared from Euterpe"
	}
	return "Shared by " + name
}

func albumSongs(n int) string { return analytics.Count(n, "top song", "top songs") }

func yesNo(b bool) string {
	if b {
		return "shown"
	}
	return "hidden"
}
