// Package ptr reads the nullable columns sqlc gives as pointers.
package ptr

// Deref is *p, or T's zero value when p is nil (a NULL column).
func Deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}
