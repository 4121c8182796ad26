// Package gitrepo is dsp's git client for lab repositories: clone, status,
// fast-forward update and publish, over HTTPS (basic auth with a token),
// SSH (a key file, host keys checked against dsp's own known_hosts) and
// local folders. It runs no git binary: go-git does the work in process,
// and credentials are handed to it in memory only, never written to a
// repository's .git/config, a URL or an error message.
package gitrepo

import (
	"fmt"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
)

// Kinds of remote.
const (
	HTTPS = "https"
	SSH   = "ssh"
	Local = "file"
)

// Remote is a repository's address without credentials.
type Remote struct {
	// URL is what dsp stores and shows: https://host/path, ssh://user@host/path,
	// user@host:path or file:///abs/path. It never holds a password.
	URL  string
	Kind string
	// Host is host[:port] for HTTPS and SSH ("" for a local folder).
	Host string
	// User is the SSH user (from the URL, else "git").
	User string
}

// scpLike is git's short SSH form: user@host:path (no scheme, no // ).
var scpLike = regexp.MustCompile(`^(?:([A-Za-z0-9._-]+)@)?([A-Za-z0-9.-]+):([^/][^:]*|/.*)$`)

// ParseURL checks a repository address a user gave and splits off any
// credentials written into it (https://user:token@host/…): those come back
// as an Auth, and the Remote's URL is the address without them. A local
// path (absolute, or relative to the working folder) becomes a file:// URL.
func ParseURL(raw string) (Remote, Auth, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return Remote{}, Auth{}, &URLError{URL: raw, Reason: "no URL given"}
	}
	if strings.ContainsAny(raw, "\x00\n\r\t ") && !isLocalPath(raw) {
		return Remote{}, Auth{}, &URLError{URL: raw, Reason: "a URL has no spaces or control characters"}
	}
	if isLocalPath(raw) {
		abs, err := filepath.Abs(raw)
		if err != nil {
			return Remote{}, Auth{}, &URLError{URL: raw, Reason: err.Error()}
		}
		return Remote{URL: (&url.URL{Scheme: "file", Path: abs}).String(), Kind: Local}, Auth{}, nil
	}
	if m := scpLike.FindStringSubmatch(raw); m != nil && !strings.Contains(raw, "://") {
		user := m[1]
		if user == "" {
			user = "git"
		}
		return Remote{URL: raw, Kind: SSH, Host: m[2], User: user}, Auth{}, nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return Remote{}, Auth{}, &URLError{URL: Redact(raw), Reason: "not a URL"}
	}
	var auth Auth
	switch u.Scheme {
	case "https", "http":
		if u.Host == "" {
			return Remote{}, Auth{}, &URLError{URL: Redact(raw), Reason: "no host"}
		}
		if u.User != nil {
			auth.Username = u.User.Username()
			auth.Token, _ = u.User.Password()
			u.User = nil
		}
		u.Path = strings.TrimRight(u.Path, "/")
		return Remote{URL: u.String(), Kind: HTTPS, Host: u.Host}, auth, nil
	case "ssh":
		if u.Host == "" {
			return Remote{}, Auth{}, &URLError{URL: Redact(raw), Reason: "no host"}
		}
		user := "git"
		if u.User != nil {
			user = u.User.Username()
			if _, hasPassword := u.User.Password(); hasPassword {
				return Remote{}, Auth{}, &URLError{URL: Redact(raw), Reason: "dsp does not take SSH passwords: give a key file (--ssh-key)"}
			}
		}
		u.User = url.User(user)
		u.Path = strings.TrimRight(u.Path, "/")
		return Remote{URL: u.String(), Kind: SSH, Host: u.Host, User: user}, Auth{}, nil
	case "file":
		if u.Path == "" || !filepath.IsAbs(u.Path) {
			return Remote{}, Auth{}, &URLError{URL: raw, Reason: "a file:// URL needs an absolute path"}
		}
		return Remote{URL: (&url.URL{Scheme: "file", Path: filepath.Clean(u.Path)}).String(), Kind: Local}, Auth{}, nil
	case "git":
		return Remote{}, Auth{}, &URLError{URL: raw, Reason: "git:// is neither encrypted nor authenticated: use https:// or ssh://"}
	}
	return Remote{}, Auth{}, &URLError{URL: Redact(raw), Reason: fmt.Sprintf("unsupported scheme %q (use https://, ssh://, user@host:path, file:// or a local path)", u.Scheme)}
}

func isLocalPath(s string) bool {
	return strings.HasPrefix(s, "/") || strings.HasPrefix(s, "./") || strings.HasPrefix(s, "../") || s == "." || s == ".."
}

// DefaultName is the repository name a URL suggests: its last path element
// without .git (DSP_Projects for https://github.com/x/DSP_Projects.git).
func DefaultName(r Remote) string {
	s := r.URL
	if r.Kind == Local {
		if u, err := url.Parse(s); err == nil {
			s = u.Path
		}
	} else if r.Kind == SSH && !strings.Contains(s, "://") {
		_, s, _ = strings.Cut(s, ":")
	} else if u, err := url.Parse(s); err == nil {
		s = u.Path
	}
	s = strings.TrimRight(s, "/")
	s = strings.TrimSuffix(s, ".git")
	s = strings.TrimSuffix(s, "/.git")
	if i := strings.LastIndex(s, "/"); i >= 0 {
		s = s[i+1:]
	}
	return s
}

// Redact removes a password from a URL written with one, for messages.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
