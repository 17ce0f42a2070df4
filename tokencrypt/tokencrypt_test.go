package tokencrypt

import (
	"errors"
	"strings"
	"testing"
)

func mustKey(t *testing.T) string {
	t.Helper()
	k, err := GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestParseKeys(t *testing.T) {
	k1, k2 := mustKey(t), mustKey(t)
	tests := []struct {
		name    string
		in      string
		wantLen int
		wantErr string
	}{
		{"one key", k1, 1, ""},
		{"two keys", k1 + "," + k2, 2, ""},
		{"spaces around keys", " " + k1 + " , " + k2 + " ", 2, ""},
		{"empty", "", 0, "key 1 of 1 is empty"},
		{"trailing comma", k1 + ",", 0, "key 2 of 2 is empty"},
		{"not base64", "not-a-key", 0, "key 1 of 1 is not a Fernet key"},
		{"wrong length", "c2hvcnQ=", 0, "key 1 of 1 is not a Fernet key"},
		{"second bad", k1 + ",zzz", 0, "key 2 of 2 is not a Fernet key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ParseKeys(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "not-a-key") || strings.Contains(err.Error(), "zzz") {
					t.Fatalf("error echoes the secret: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.Len() != tt.wantLen {
				t.Fatalf("Len = %d, want %d", r.Len(), tt.wantLen)
			}
		})
	}
}

func TestRotation(t *testing.T) {
	k1, k2 := mustKey(t), mustKey(t)
	old, _ := ParseKeys(k1)
	both, _ := ParseKeys(k2 + "," + k1)
	onlyNew, _ := ParseKeys(k2)

	sealed, err := old.Encrypt("BQD-access-token")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sealed, "BQD-access-token") {
		t.Fatal("ciphertext contains the plaintext")
	}
	if got, err := both.Decrypt(sealed); err != nil || got != "BQD-access-token" {
		t.Fatalf("K2,K1 decrypt = %q, %v", got, err)
	}
	if both.IsPrimary(sealed) {
		t.Fatal("value sealed with K1 reported as primary under K2,K1")
	}
	if _, err := onlyNew.Decrypt(sealed); !errors.Is(err, ErrUndecryptable) {
		t.Fatalf("K2 alone decrypt err = %v, want ErrUndecryptable", err)
	}
	resealed, err := both.Encrypt("BQD-access-token")
	if err != nil {
		t.Fatal(err)
	}
	if !both.IsPrimary(resealed) {
		t.Fatal("fresh value not sealed with the primary key")
	}
	if got, err := onlyNew.Decrypt(resealed); err != nil || got != "BQD-access-token" {
		t.Fatalf("K2 decrypt after reseal = %q, %v", got, err)
	}
}

func TestDecryptTampered(t *testing.T) {
	r, _ := ParseKeys(mustKey(t))
	sealed, _ := r.Encrypt("secret")
	tampered := []byte(sealed)
	tampered[len(tampered)/2] ^= 1
	for _, in := range []string{"", "garbage", string(tampered)} {
		if _, err := r.Decrypt(in); !errors.Is(err, ErrUndecryptable) {
			t.Errorf("Decrypt(%q) err = %v, want ErrUndecryptable", in, err)
		}
	}
}

func FuzzParseKeys(f *testing.F) {
	f.Add("")
	f.Add(",")
	f.Add("cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=")
	f.Add("cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=,zzz")
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseKeys(s)
		if err != nil {
			return
		}
		sealed, err := r.Encrypt("x")
		if err != nil {
			t.Fatal(err)
		}
		if got, err := r.Decrypt(sealed); err != nil || got != "x" {
			t.Fatalf("round trip = %q, %v", got, err)
		}
	})
}
