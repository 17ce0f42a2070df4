package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/euterpe-dev/euterpe/config"
	"github.com/euterpe-dev/euterpe/database"
)

// migrateCmd is what Heroku's release phase runs: the binary carries its
// migrations, so the release dyno needs neither the source nor goose.
func migrateCmd(ctx context.Context, args []string, getenv env, stdout, stderr io.Writer) error {
	if len(args) != 1 || (args[0] != "up" && args[0] != "down" && args[0] != "status") {
		return fmt.Errorf("%w: euterpe migrate up|down|status", errUsage)
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	log := newLogger(stderr, cfg.OnHeroku)
	m, err := database.NewMigrator(ctx, cfg.DatabaseURL, log)
	if err != nil {
		return err
	}
	defer m.Close()

	switch args[0] {
	case "up":
		res, err := m.Up(ctx)
		if err != nil {
			return err
		}
		if len(res) == 0 {
			fmt.Fprintln(stdout, "migrate: already up to date")
		}
		for _, r := range res {
			fmt.Fprintf(stdout, "migrate: applied %s (%s)\n", r.Source.Path, r.Duration.Round(1e6))
		}
	case "down":
		r, err := m.Down(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "migrate: rolled back %s\n", r.Source.Path)
	case "status":
		st, err := m.Status(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "VERSION\tSTATE\tAPPLIED AT\tFILE")
		for _, s := range st {
			applied := "-"
			if !s.AppliedAt.IsZero() {
				applied = s.AppliedAt.UTC().Format("2006-01-02 15:04:05Z")
			}
			fmt.Fprintf(tw, "%05d\t%s\t%s\t%s\n", s.Source.Version, s.State, applied, s.Source.Path)
		}
		return tw.Flush()
	}
	return nil
}
