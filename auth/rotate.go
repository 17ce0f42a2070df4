package auth

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/euterpe-dev/euterpe/database"
	"github.com/euterpe-dev/euterpe/db"
	"github.com/euterpe-dev/euterpe/tokencrypt"
)

// RotationReport counts what RotateKeys did.
type RotationReport struct {
	Reencrypted int // now under the primary key
	Skipped     int // already under the primary key, or changed meanwhile
	Unreadable  int // no configured key opens them; those users must log in again
}

// RotateKeys re-encrypts every stored token with the primary key, in batches,
// and is safe to run again (and while the app serves): a token already under
// the primary key is skipped, and a row refreshed between read and write is
// left as the refresh wrote it.
func RotateKeys(ctx context.Context, pool *database.Pool, keys *tokencrypt.Keyring, batchSize int) (RotationReport, error) {
	var rep RotationReport
	q := db.New(pool)
	after := uuid.Nil
	for {
		rows, err := q.ListUserTokensAfter(ctx, db.ListUserTokensAfterParams{AfterID: after, BatchSize: int32(batchSize)})
		if err != nil {
			return rep, fmt.Errorf("auth: rotate keys: %w", err)
		}
		for _, row := range rows {
			after = row.ID
			if keys.IsPrimary(row.AccessTokenEncrypted) && keys.IsPrimary(row.RefreshTokenEncrypted) {
				rep.Skipped++
				continue
			}
			access, errA := keys.Decrypt(row.AccessTokenEncrypted)
			refresh, errR := keys.Decrypt(row.RefreshTokenEncrypted)
			if errA != nil || errR != nil {
				rep.Unreadable++
				continue
			}
			newAccess, err := keys.Encrypt(access)
			if err != nil {
				return rep, err
			}
			newRefresh, err := keys.Encrypt(refresh)
			if err != nil {
				return rep, err
			}
			n, err := q.ReencryptUserToken(ctx, db.ReencryptUserTokenParams{
				ID: row.ID, NewAccessEncrypted: newAccess, NewRefreshEncrypted: newRefresh,
				OldAccessEncrypted: row.AccessTokenEncrypted, OldRefreshEncrypted: row.RefreshTokenEncrypted,
			})
			if err != nil {
				return rep, fmt.Errorf("auth: rotate keys: %w", err)
			}
			if n == 1 {
				rep.Reencrypted++
			} else {
				rep.Skipped++
			}
		}
		if len(rows) < batchSize {
			return rep, nil
		}
	}
}
