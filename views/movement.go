package views

import (
	"context"
	"io"
	"strconv"

	"github.com/a-h/templ"

	"github.com/euterpe-dev/euterpe/trends"
)

// Moves are the movement of a top list's items against the snapshots of a
// week and a month before, by Spotify id.
type Moves map[string]trends.Movement

type movesKey struct{}

// WithMoves renders c with moves at hand: the rows of the top lists inside
// it show them (rankMove). A list rendered without is shown as it was.
func WithMoves(c templ.Component, moves Moves) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		return c.Render(context.WithValue(ctx, movesKey{}, moves), w)
	})
}

// moveOf is the movement of the item id, if the list has moves.
func moveOf(ctx context.Context, id string) (trends.Movement, bool) {
	m, _ := ctx.Value(movesKey{}).(Moves)
	mv, ok := m[id]
	return mv, ok && (mv.Week != nil || mv.Month != nil)
}

// moveClass is a move's chip class.
func moveClass(m trends.Move) string { return "move move--" + string(m.Kind) }

// moveSymbol is what a move's chip shows: an arrow and how far, "new",
// "back", or "=".
func moveSymbol(m trends.Move) string {
	switch m.Kind {
	case trends.MoveUp:
		return "▲" + strconv.Itoa(m.Places)
	case trends.MoveDown:
		return "▼" + strconv.Itoa(m.Places)
	case trends.MoveSame:
		return "="
	}
	return string(m.Kind)
}

// moveWords says a move in full, for screen readers and the tooltip: "up 3
// places since Sat 21 Nov".
func moveWords(m trends.Move) string {
	since := " since " + m.Since.Format("Mon 2 Jan")
	switch m.Kind {
	case trends.MoveUp, trends.MoveDown:
		places := " places"
		if m.Places == 1 {
			places = " place"
		}
		return string(m.Kind) + " " + strconv.Itoa(m.Places) + places + since
	case trends.MoveSame:
		return "same place" + since
	case trends.MoveNew:
		return "new" + since
	}
	return "back" + since
}
