package ptr

import "testing"

func TestDeref(t *testing.T) {
	n := 3
	if Deref(&n) != 3 || Deref[int](nil) != 0 || Deref[string](nil) != "" {
		t.Error("Deref")
	}
}
