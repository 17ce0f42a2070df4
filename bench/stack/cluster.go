package stack

import (
	"context"

	"github.com/euterpe-dev/euterpe/database/localdb"
)

// Cluster is a private PostgreSQL server, so that killing and restarting it
// disturbs nobody else's tests.
type Cluster = localdb.Cluster

// StartCluster creates a throwaway cluster in dir (empty or missing) and
// starts it on a free port.
func StartCluster(ctx context.Context, dir string) (*Cluster, error) {
	return localdb.StartCluster(ctx, dir, localdb.ClusterOptions{Throwaway: true})
}
