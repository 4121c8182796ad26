package lab

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/dsp-lab/dsp/internal/policy"
	"github.com/dsp-lab/dsp/internal/safepath"
)

// Risk is something a lab asks for that gives its containers power over
// the host (a key of the policy that needs a trusted repository). A lab
// from a repository the user has not trusted may not start while it has
// risks.
type Risk struct {
	Service string `json:"service,omitempty"` // "" for a top-level network, volume, config or secret
	Field   string `json:"field"`             // where: services.web.privileged
	What    string `json:"what"`
}

func (r Risk) String() string {
	if r.Service == "" {
		return r.What
	}
	return "service " + r.Service + ": " + r.What
}

// Risks lists what the lab asks for that needs the user's consent, by the
// policy (internal/policy): privileged mode, host namespaces, devices,
// powerful capabilities, disabled confinement, networks and volumes
// outside the lab…
func (l *Lab) Risks() []Risk {
	var out []Risk
	for _, f := range l.policyFindings() {
		if f.Access == policy.Trusted {
			out = append(out, Risk{Service: f.Service, Field: f.Field(), What: f.What})
		}
	}
	return out
}

// policyFindings applies the policy to the lab's project.
func (l *Lab) policyFindings() []policy.Finding {
	if l.Project == nil {
		return nil
	}
	found, err := policy.Check(l.Project, policy.Options{Confined: l.confined})
	if err != nil {
		return []policy.Finding{{Access: policy.Refused, What: err.Error()}}
	}
	return found
}

// confined accepts a host path inside the lab folder (symbolic links
// resolved).
func (l *Lab) confined(path string) error {
	_, err := safepath.Within(l.Dir, path)
	return err
}

// checkPolicy reports what the policy refuses as errors that name the
// file, line and key, and makes the host paths the policy let through
// absolute, so that Compose and the engine read them from the lab folder.
func checkPolicy(l *Lab, doc *yamlDoc, sink *problemSink) {
	for _, f := range l.policyFindings() {
		if f.Access == policy.Refused {
			sink.errorf(l.ComposeFile, doc.line(f.Path...), f.Field(), "%s", f.What)
		}
	}
	absoluteHostPaths(l)
}

// absoluteHostPaths rewrites the host paths Compose passes on unresolved
// (a local volume's bind device, a seccomp profile) from the lab folder.
func absoluteHostPaths(l *Lab) {
	abs := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(l.Dir, p)
	}
	for name, v := range l.Project.Volumes {
		if d, ok := v.DriverOpts["device"]; ok && (v.Driver == "" || v.Driver == "local") {
			opts := map[string]string{}
			for k, val := range v.DriverOpts {
				opts[k] = val
			}
			opts["device"] = abs(d)
			v.DriverOpts = opts
			l.Project.Volumes[name] = v
		}
	}
	for name, s := range l.Project.Services {
		for i, opt := range s.SecurityOpt {
			for _, prefix := range []string{"seccomp=", "seccomp:"} {
				if profile, ok := strings.CutPrefix(opt, prefix); ok && profile != "unconfined" && profile != "builtin" {
					s.SecurityOpt[i] = prefix + abs(profile)
				}
			}
		}
		l.Project.Services[name] = s
	}
}

// WithoutRisks returns a copy of the lab whose project asks for none of
// its risks: every key that needs a trusted repository is left out. The
// lab may then not work as its author meant, which is the user's choice.
func (l *Lab) WithoutRisks() (*Lab, error) {
	if l.Project == nil {
		return l, nil
	}
	stripped, err := policy.Strip(l.Project, l.policyFindings())
	if err != nil {
		return nil, err
	}
	cp := *l
	cp.Project = stripped
	if left := cp.Risks(); len(left) > 0 {
		return nil, fmt.Errorf("lab %s: %s cannot be left out", l.ID(), left[0])
	}
	return &cp, nil
}
