// Package tokencrypt encrypts Spotify tokens at rest with Fernet (AES-128-CBC
// plus HMAC-SHA256), under a list of keys so that keys can be rotated: the
// first key encrypts, every key decrypts.
package tokencrypt

import (
	"errors"
	"fmt"
	"strings"

	"github.com/fernet/fernet-go"
)

// ErrUndecryptable means no configured key opens the value: it was written
// under a key that has since been removed, or it was altered.
var ErrUndecryptable = errors.New("tokencrypt: no configured key can decrypt the value")

// Keyring holds the keys from ENCRYPTION_KEY, primary first.
type Keyring struct {
	keys []*fernet.Key
}

// ParseKeys reads one Fernet key or a comma-separated list of them (32 bytes
// each, in URL-safe base64 as Python's Fernet.generate_key prints them, or
// standard base64 or hex). Errors name the position of a bad key but never
// echo the value: it is a secret.
func ParseKeys(list string) (*Keyring, error) {
	parts := strings.Split(list, ",")
	keys := make([]*fernet.Key, 0, len(parts))
	for i, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" {
			return nil, fmt.Errorf("key %d of %d is empty", i+1, len(parts))
		}
		k, err := fernet.DecodeKey(p)
		if err != nil {
			return nil, fmt.Errorf("key %d of %d is not a Fernet key (32 bytes in base64; `euterpe keygen` makes one)", i+1, len(parts))
		}
		keys = append(keys, k)
	}
	return &Keyring{keys: keys}, nil
}

// GenerateKey returns a new random key in the URL-safe base64 form.
func GenerateKey() (string, error) {
	var k fernet.Key
	if err := k.Generate(); err != nil {
		return "", fmt.Errorf("tokencrypt: generate key: %w", err)
	}
	return k.Encode(), nil
}

// Encrypt seals plaintext with the primary key.
func (r *Keyring) Encrypt(plaintext string) (string, error) {
	tok, err := fernet.EncryptAndSign([]byte(plaintext), r.keys[0])
	if err != nil {
		return "", fmt.Errorf("tokencrypt: encrypt: %w", err)
	}
	return string(tok), nil
}

// Decrypt opens a value sealed by any configured key. Stored tokens carry no
// TTL of their own: Spotify decides when they stop working.
func (r *Keyring) Decrypt(ciphertext string) (string, error) {
	msg := fernet.VerifyAndDecrypt([]byte(ciphertext), 0, r.keys)
	if msg == nil {
		return "", ErrUndecryptable
	}
	return string(msg), nil
}

// IsPrimary reports whether the primary key opens ciphertext, i.e. whether
// key rotation can leave the value as it is.
func (r *Keyring) IsPrimary(ciphertext string) bool {
	return fernet.VerifyAndDecrypt([]byte(ciphertext), 0, r.keys[:1]) != nil
}

// Len is the number of configured keys.
func (r *Keyring) Len() int { return len(r.keys) }
