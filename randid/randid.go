// Package randid makes the secrets Euterpe hands out in cookies and links —
// session ids, OAuth states, share and invite tokens: 256 random bits in
// unpadded base64url, and recognises their shape, so that anything else (a
// forged, truncated or padded value) is refused before the database is
// asked.
package randid

import (
	"crypto/rand"
	"encoding/base64"
)

// Bytes is the entropy of an id: 256 bits.
const Bytes = 32

// Len is an id's length in its URL form.
var Len = base64.RawURLEncoding.EncodedLen(Bytes)

// New returns a fresh random id in its URL form.
func New() string {
	var b [Bytes]byte
	_, _ = rand.Read(b[:]) // crypto/rand never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// Valid reports whether s has the shape of an id New makes.
func Valid(s string) bool {
	if len(s) != Len {
		return false
	}
	// The decoder skips line breaks: only the alphabet is an id.
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	return err == nil && len(b) == Bytes
}
