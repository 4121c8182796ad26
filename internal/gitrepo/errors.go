package gitrepo

import (
	"fmt"
	"strings"

	"golang.org/x/crypto/ssh"
)

// URLError means a repository address cannot be used.
type URLError struct {
	URL    string
	Reason string
}

func (e *URLError) Error() string { return fmt.Sprintf("repository URL %q: %s", e.URL, e.Reason) }

// InvalidParameter classifies the error (errdefs).
func (e *URLError) InvalidParameter() {}

// HostKeyError means an SSH server showed a host key dsp's known_hosts does
// not hold (Changed false: accept it once, by its fingerprint) or one that
// differs from the key recorded for that host (Changed true: refused).
type HostKeyError struct {
	Host        string
	Fingerprint string // SHA256:…
	Key         ssh.PublicKey
	Changed     bool
}

func (e *HostKeyError) Error() string {
	if e.Changed {
		return fmt.Sprintf("the SSH host key of %s has CHANGED (now %s): refused, as someone may be impersonating the server; if the server really got a new key, remove its line from dsp's known_hosts", e.Host, e.Fingerprint)
	}
	return fmt.Sprintf("the SSH host key of %s is not known yet: its fingerprint is %s; accept it once if that is the server's key", e.Host, e.Fingerprint)
}

// AuthError means the remote refused dsp in (no or wrong credentials).
type AuthError struct {
	Remote string
	Err    error
}

func (e *AuthError) Error() string {
	return fmt.Sprintf("%s refused access: give a username and token (HTTPS) or a key (SSH) that may read it: %v", e.Remote, e.Err)
}

func (e *AuthError) Unwrap() error { return e.Err }

// Forbidden classifies the error (errdefs).
func (e *AuthError) Forbidden() {}

// NotFoundError means the remote has no such repository or branch.
type NotFoundError struct {
	Remote string
	What   string
}

func (e *NotFoundError) Error() string { return fmt.Sprintf("%s: %s", e.Remote, e.What) }

// NotFound classifies the error (errdefs).
func (e *NotFoundError) NotFound() {}

// LocalChangesError means an update would overwrite files changed in the
// checkout: nothing was changed.
type LocalChangesError struct {
	Dir   string
	Files []string
}

func (e *LocalChangesError) Error() string {
	return fmt.Sprintf("the update changes files that were edited in %s: %s (nothing was changed; commit or move them, or update keeping your copies beside the new files)", e.Dir, strings.Join(e.Files, ", "))
}

// Conflict classifies the error (errdefs).
func (e *LocalChangesError) Conflict() {}

// DivergedError means the checkout has commits the remote lacks and the
// remote has commits the checkout lacks: no fast-forward is possible.
type DivergedError struct {
	Dir           string
	Ahead, Behind int
}

func (e *DivergedError) Error() string {
	return fmt.Sprintf("%s has %d commits of its own and the remote %d new ones: dsp updates by fast-forward only, so nothing was changed", e.Dir, e.Ahead, e.Behind)
}

// Conflict classifies the error (errdefs).
func (e *DivergedError) Conflict() {}

// NotARepoError means a folder is not a git checkout.
type NotARepoError struct{ Dir string }

func (e *NotARepoError) Error() string { return fmt.Sprintf("%s is not a git checkout", e.Dir) }

// FailedPrecondition classifies the error (errdefs).
func (e *NotARepoError) FailedPrecondition() {}

// secretError is an error whose message had credentials taken out.
type secretError struct {
	msg string
	err error
}

func (e *secretError) Error() string { return e.msg }
func (e *secretError) Unwrap() error { return e.err }

// scrub makes sure no secret of auth appears in an error's message: go-git
// and the servers it talks to may echo what they were given.
func scrub(err error, auth Auth) error {
	if err == nil || auth.Token == "" {
		return err
	}
	msg := err.Error()
	if !strings.Contains(msg, auth.Token) {
		return err
	}
	return &secretError{msg: strings.ReplaceAll(msg, auth.Token, "xxxxx"), err: err}
}

// unknownHostKey classifies an unknown key as a conflict (errdefs): the
// user must decide; changedHostKey classifies a changed one as forbidden.
type (
	unknownHostKey struct{ *HostKeyError }
	changedHostKey struct{ *HostKeyError }
)

func (unknownHostKey) Conflict()       {}
func (changedHostKey) Forbidden()      {}
func (e unknownHostKey) Unwrap() error { return e.HostKeyError }
func (e changedHostKey) Unwrap() error { return e.HostKeyError }

// classified returns the HostKeyError with its kind.
func (e *HostKeyError) classified() error {
	if e.Changed {
		return changedHostKey{e}
	}
	return unknownHostKey{e}
}

// RejectedError means the remote refused a push that is not a
// fast-forward: it has commits the local branch lacks.
type RejectedError struct{ Remote, Branch string }

func (e *RejectedError) Error() string {
	return fmt.Sprintf("%s refused the push of %s: it has commits this repository lacks (nothing was overwritten; publish to an empty repository, or merge its history first)", e.Remote, e.Branch)
}

// Conflict classifies the error (errdefs).
func (e *RejectedError) Conflict() {}
