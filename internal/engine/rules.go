package engine

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"github.com/dsp-lab/dsp/internal/lab"
	"github.com/dsp-lab/dsp/internal/wrapper"
)

// The rules every implementation of the engine follows, written once.

// ProjectName is the compose project name of an instance: readable, and
// unique even when two repositories (or two main directories, namespace)
// hold labs of the same name or names that slug alike ("My Lab" and
// "my-lab"): dsp_[OWNER_]REPO_LAB[_INSTANCE]_HASH.
func ProjectName(namespace string, r Ref) string {
	key := namespace + "\x00" + r.Repo + "\x00" + r.Lab + "\x00" + r.Instance
	if r.Owner != "" {
		key += "\x00" + r.Owner
	}
	sum := sha256.Sum256([]byte(key))
	name := "dsp_"
	if r.Owner != "" {
		name += r.Owner + "_"
	}
	name += trim(lab.Slug(r.Repo), 20) + "_" + trim(lab.Slug(r.Lab), 30)
	if r.Instance != DefaultInstance {
		name += "_" + r.Instance
	}
	return name + "_" + hex.EncodeToString(sum[:3])
}

func trim(s string, n int) string {
	if len(s) > n {
		return strings.Trim(s[:n], "-")
	}
	return s
}

// StopTimeout is the grace period before SIGKILL for a service's container
// when its instance stops: the service's stop_grace_period, else the lab's
// x-dsp.stop_timeout, else DefaultStopTimeout. l may be nil.
func StopTimeout(l *lab.Lab, service string) time.Duration {
	if l == nil {
		return DefaultStopTimeout
	}
	if s, ok := l.Service(service); ok && s.StopTimeout != nil {
		return *s.StopTimeout
	}
	if l.StopTimeout != nil {
		return *l.StopTimeout
	}
	return DefaultStopTimeout
}

// DescribeAction says what a wrapper action runs with, for the progress
// students watch: values that give the lab away (flags, passwords) are
// hidden.
func DescribeAction(a wrapper.Action) string {
	var parts []string
	for _, arg := range a.Args {
		value := arg.Value
		if secretArg(a.Name, arg.Name) {
			value = "•••"
		}
		parts = append(parts, arg.Name+"="+value)
	}
	if len(parts) == 0 {
		return "running"
	}
	return "running with " + strings.Join(parts, " ")
}

// secretArg reports whether an argument's value must not be shown.
func secretArg(action, arg string) bool {
	name := strings.ToLower(arg)
	if action == wrapper.BuiltinCTF && name == "ctf" {
		return true
	}
	for _, word := range []string{"pass", "secret", "flag", "ctf", "token", "key"} {
		if strings.Contains(name, word) {
			return true
		}
	}
	return false
}
