// Package ctf makes and checks a lab instance's flags. A fresh flag is made
// at each start; only its hash is kept, so checking a flag never needs the
// flag itself nor the lab's solution.
package ctf

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"strings"
)

// NewFlag returns PREFIX{32 random hex digits}.
func NewFlag(prefix string) (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("make a flag: %w", err)
	}
	return prefix + "{" + hex.EncodeToString(b) + "}", nil
}

// Hash returns the hash kept for a flag. Surrounding white space is not
// part of a flag: a flag read from a file ends with a newline.
func Hash(flag string) string {
	sum := sha256.Sum256([]byte(strings.TrimSpace(flag)))
	return hex.EncodeToString(sum[:])
}

// Matches reports whether flag is one of the flags whose hashes are given.
func Matches(flag string, hashes []string) bool {
	if strings.TrimSpace(flag) == "" {
		return false
	}
	got := []byte(Hash(flag))
	ok := false
	for _, h := range hashes {
		if subtle.ConstantTimeCompare(got, []byte(h)) == 1 {
			ok = true
		}
	}
	return ok
}
