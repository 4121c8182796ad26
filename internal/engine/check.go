package engine

import (
	"fmt"
	"os"
	"regexp"

	"github.com/distribution/reference"

	"github.com/dsp-lab/dsp/internal/lab"
)

// CheckLab is the part of a start's preflight that needs no engine, the
// same for every implementation: the lab has a usable compose project, its
// risks are accepted (its repository is trusted), and its files to copy
// exist.
func CheckLab(l *lab.Lab, opts UpOptions) error {
	if l.Project == nil {
		return fmt.Errorf("lab %s has no usable compose file", l.ID())
	}
	if risks := l.Risks(); len(risks) > 0 && !opts.Trusted {
		return &UntrustedError{Repo: l.Repo, Risks: risks, Ports: publishedPorts(l, opts.Expose)}
	}
	for _, f := range l.Files {
		if _, err := os.Stat(f.Source); err != nil {
			return fmt.Errorf("service %s: file to copy to %s: %w", f.Service, f.Target, err)
		}
	}
	return nil
}

// imageID matches a full or short image id.
var imageID = regexp.MustCompile(`^(sha256:)?[0-9a-f]{12,64}$`)

// CheckImageRef accepts an image reference (alpine:3.20, a/b@sha256:…) or
// an image id, and nothing else: the value becomes part of an Engine API
// path, where "../containers/x" would reach another object.
func CheckImageRef(ref string) error {
	if imageID.MatchString(ref) {
		return nil
	}
	if _, err := reference.ParseNormalizedNamed(ref); err != nil {
		return &InvalidImageRefError{Ref: ref, Reason: err.Error()}
	}
	return nil
}

// publishedPorts describes the ports a lab publishes on the host, where
// they will bind.
func publishedPorts(l *lab.Lab, expose bool) []string {
	var out []string
	for _, svc := range l.Services() {
		for _, p := range svc.Ports {
			host, ip := p.Host, PublishedOn(p.HostIP, expose)
			if host == "" {
				host = "a random port"
			}
			if ip == "" {
				ip = "every address"
			}
			out = append(out, fmt.Sprintf("service %s: %s->%d/%s on %s", svc.Name, host, p.Container, p.Protocol, ip))
		}
	}
	return out
}
