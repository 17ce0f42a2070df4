package imports

// State is where an import is in its life. The database holds it as text
// (euterpe.imports.state, checked against these values); these constants
// are the only spellings the Go code uses.
//
//	uploading → queued → running → done | failed
//	    ↓          ↓        ↓
//	         cancelled              done | failed → deleting → (gone)
type State string

const (
	Uploading State = "uploading" // a browser is sending it in pieces
	Queued    State = "queued"    // stored whole, waiting for a worker
	Running   State = "running"   // being read, then merged
	Done      State = "done"      // its plays are in the history
	Failed    State = "failed"    // stopped with a message; nothing added
	Cancelled State = "cancelled" // stopped by its owner; nothing added
	Deleting  State = "deleting"  // its plays are being taken out
)

// States are every state, in the order of an import's life.
func States() []State {
	return []State{Uploading, Queued, Running, Done, Failed, Cancelled, Deleting}
}

// ActiveStates are the states of an import still going (at most one a
// user: the database's imports_one_active_idx).
func ActiveStates() []State { return []State{Uploading, Queued, Running} }

// Active reports whether an import in s is still going.
func (s State) Active() bool { return s == Uploading || s == Queued || s == Running }

// Terminal reports whether an import in s has ended: only deleting it is
// left.
func (s State) Terminal() bool { return s == Done || s == Failed || s == Cancelled }

// Label says s to a person: "waiting", "being deleted".
func (s State) Label() string {
	switch s {
	case Uploading:
		return "being uploaded"
	case Queued:
		return "waiting"
	case Running:
		return "running"
	case Done:
		return "done"
	case Failed:
		return "failed"
	case Cancelled:
		return "cancelled"
	case Deleting:
		return "being deleted"
	}
	return string(s)
}
