package upstream

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkFetchWarmParallel is the warm path under load: many requests at
// once, for five users and the dozen resources a dashboard reads, all
// cached, contending on the cache's one lock.
func BenchmarkFetchWarmParallel(b *testing.B) {
	c := New(Options{})
	ctx := context.Background()
	var keys [][2]string
	for u := range 5 {
		for r := range 12 {
			user, res := fmt.Sprint("user-", u), fmt.Sprint("resource-", r)
			keys = append(keys, [2]string{user, res})
			Fetch(ctx, c, user, res, func(context.Context) (int, error) { return r, nil })
		}
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			k := keys[i%len(keys)]
			i++
			if _, err := Fetch(ctx, c, k[0], k[1], func(context.Context) (int, error) { panic("cold") }); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
