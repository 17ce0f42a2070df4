//go:build race

package fleet

// raceEnabled: the drill runs with -race, so the app is built with it too.
const raceEnabled = true
