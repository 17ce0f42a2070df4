package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/euterpe-dev/euterpe/auth"
	"github.com/euterpe-dev/euterpe/config"
	"github.com/euterpe-dev/euterpe/database"
	"github.com/euterpe-dev/euterpe/db"
)

const usersUsage = "euterpe users count | users list | users delete ID"

// usersCmd is the operator's view of the users: how many, who (with when
// they were last seen and how many plays are stored), and deleting one
// with everything stored about them, as their own account page does.
func usersCmd(ctx context.Context, args []string, getenv env, stdout io.Writer) error {
	switch {
	case len(args) == 1 && (args[0] == "count" || args[0] == "list"):
	case len(args) == 2 && args[0] == "delete" && args[1] != "":
	default:
		return fmt.Errorf("%w: %s", errUsage, usersUsage)
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	pool, err := database.Open(ctx, cfg.DatabaseURL, database.PoolOptions{MaxConns: 1})
	if err != nil {
		return err
	}
	defer pool.Close()
	switch args[0] {
	case "count":
		n, err := db.New(pool).CountUsers(ctx)
		if err != nil {
			return fmt.Errorf("users: count: %w", err)
		}
		_, err = fmt.Fprintf(stdout, "Users: %d\n", n)
		return err
	case "list":
		return listUsers(ctx, pool, stdout)
	default:
		return deleteUser(ctx, pool, args[1], stdout)
	}
}

func listUsers(ctx context.Context, pool *database.Pool, stdout io.Writer) error {
	users, err := db.New(pool).ListUsersForOperator(ctx, int32(auth.DefaultSessionTimeouts.Idle/time.Second))
	if err != nil {
		return fmt.Errorf("users: list: %w", err)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSPOTIFY ID\tNAME\tCREATED\tLAST SEEN\tPLAYS")
	for _, u := range users {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\n", u.ID, terminalSafe(u.SpotifyUserID), terminalSafe(u.DisplayName),
			u.CreatedAt.UTC().Format(time.DateTime), u.LastSeen.UTC().Format(time.DateTime), u.Plays)
	}
	fmt.Fprintf(tw, "%d users\n", len(users))
	return tw.Flush()
}

// deleteUser takes Euterpe's id or the Spotify user id.
func deleteUser(ctx context.Context, pool *database.Pool, ref string, stdout io.Writer) error {
	q := db.New(pool)
	u, err := q.FindUserForOperator(ctx, ref)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("users: no user has the id %q (see euterpe users list)", ref)
	}
	if err != nil {
		return fmt.Errorf("users: find: %w", err)
	}
	// Tokens, sessions, preferences, plays, summaries and imports go with
	// the row (ON DELETE CASCADE); the shared catalogue stays.
	if _, err := q.DeleteUser(ctx, u.ID); err != nil {
		return fmt.Errorf("users: delete: %w", err)
	}
	_, err = fmt.Fprintf(stdout, "Deleted %s (%s, Spotify id %s) and everything stored about them: %d plays.\n",
		terminalSafe(u.DisplayName), u.ID, terminalSafe(u.SpotifyUserID), u.Plays)
	return err
}

// terminalSafe is text a user chose (a display name comes from their
// Spotify profile) as it may reach the operator's terminal: as it is when
// every character prints, otherwise Go-quoted, its control characters (C0,
// DEL, C1, so every escape sequence), invisible format characters such as
// bidi overrides, tabs and invalid bytes all shown as escapes.
func terminalSafe(s string) string {
	if strings.HasPrefix(s, `"`) || !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool { return !strconv.IsPrint(r) }) {
		return strconv.Quote(s)
	}
	return s
}
