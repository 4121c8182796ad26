package engine

import (
	"fmt"
	"regexp"

	"github.com/dsp-lab/dsp/internal/safepath"
)

// DefaultInstance is the instance a lab runs as when nobody names one.
const DefaultInstance = "default"

// Ref names one instance of a lab: the lab (a repository and a lab in it),
// the instance, and who owns it. Every operation on running labs takes a
// Ref; make one with NewRef, which checks and normalises it.
type Ref struct {
	// Owner is who the instance belongs to ("" for the machine's user;
	// a student when a class runs one instance per student).
	Owner    string `json:"owner,omitempty"`
	Repo     string `json:"repo"`
	Lab      string `json:"lab"`
	Instance string `json:"instance"`
}

// instanceName is the shape of instance and owner names: they become part
// of compose project names, container names and labels.
var instanceName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,31}$`)

// NewRef returns the reference to an instance of a lab. An empty instance
// is DefaultInstance. Repository and lab names go through the one name
// validator; the instance must be 1 to 32 lower-case letters, digits or
// dashes.
func NewRef(repo, lab, instance string) (Ref, error) {
	if err := safepath.Name(repo); err != nil {
		return Ref{}, &InvalidRefError{Field: "repo", Value: repo, Reason: err.Error()}
	}
	if err := safepath.Name(lab); err != nil {
		return Ref{}, &InvalidRefError{Field: "lab", Value: lab, Reason: err.Error()}
	}
	if instance == "" {
		instance = DefaultInstance
	}
	if err := CheckInstanceName(instance); err != nil {
		return Ref{}, err
	}
	return Ref{Repo: repo, Lab: lab, Instance: instance}, nil
}

// CheckInstanceName accepts the name of an instance (or of an owner).
func CheckInstanceName(name string) error {
	if !instanceName.MatchString(name) {
		return &InvalidRefError{Field: "instance", Value: name, Reason: "an instance name is 1 to 32 lower-case letters, digits or dashes, starting with a letter or digit"}
	}
	return nil
}

// WithOwner returns the reference to the same instance owned by owner.
func (r Ref) WithOwner(owner string) (Ref, error) {
	if owner != "" {
		if err := CheckInstanceName(owner); err != nil {
			return Ref{}, &InvalidRefError{Field: "owner", Value: owner, Reason: "an owner name is 1 to 32 lower-case letters, digits or dashes"}
		}
	}
	r.Owner = owner
	return r, nil
}

// WithInstance returns the reference to another instance of the same lab.
func (r Ref) WithInstance(instance string) (Ref, error) {
	if instance == "" {
		instance = DefaultInstance
	}
	if err := CheckInstanceName(instance); err != nil {
		return Ref{}, err
	}
	r.Instance = instance
	return r, nil
}

// LabID is the lab's REPO/LAB identity, without the instance.
func (r Ref) LabID() string { return r.Repo + "/" + r.Lab }

// String is [OWNER@]REPO/LAB[#INSTANCE]; the default instance is left out.
func (r Ref) String() string {
	s := r.LabID()
	if r.Owner != "" {
		s = r.Owner + "@" + s
	}
	if r.Instance != DefaultInstance && r.Instance != "" {
		s += "#" + r.Instance
	}
	return s
}

// InvalidRefError refuses a repository, lab, instance or owner name.
type InvalidRefError struct {
	Field  string // repo, lab, instance or owner
	Value  string
	Reason string
}

func (e *InvalidRefError) Error() string {
	return fmt.Sprintf("%s %q: %s", e.Field, e.Value, e.Reason)
}

// InvalidArgument classifies the error (errdefs).
func (e *InvalidRefError) InvalidParameter() {}
