//go:build race

package drill

// raceEnabled: the drill runs with -race, so the app is built with it too.
const raceEnabled = true
