// Package labtest tests labs like code: it starts a lab, waits until it is
// healthy, runs its checks, its solution script and the flag check, and
// always tears it down; it writes JUnit XML and JSON reports and keeps each
// lab's last result.
package labtest

import (
	"time"
)

// Status is the outcome of a step or a whole test.
type Status string

const (
	Passed  Status = "passed"
	Failed  Status = "failed"
	Skipped Status = "skipped"
)

// Kinds of steps, in the order a test runs them.
const (
	StepValidate = "validate"
	StepUp       = "up"
	StepHealthy  = "healthy"
	StepCheck    = "check"
	StepSolve    = "solve"
	StepFlag     = "flag"
	StepDown     = "down"
)

// Modes of a report.
const (
	ModeTest   = "test"   // the whole cycle on a fresh instance
	ModeChecks = "checks" // the checks only, on a running instance
)

// Step is one step of a test and what came of it.
type Step struct {
	Kind     string `json:"kind"`
	Name     string `json:"name"` // the check's name for checks, else the kind
	Status   Status `json:"status"`
	Duration int64  `json:"durationMs"`
	// Message says what passed or why it failed.
	Message string `json:"message,omitempty"`
	// Output is the tail of the command's output (or the HTTP body) of a
	// failed check or solution.
	Output string `json:"output,omitempty"`
}

// Report is the result of testing one lab.
type Report struct {
	Repo     string    `json:"repo"`
	Lab      string    `json:"lab"`
	Mode     string    `json:"mode"`
	Instance string    `json:"instance"`
	Status   Status    `json:"status"`
	Started  time.Time `json:"started"`
	Duration int64     `json:"durationMs"`
	Steps    []Step    `json:"steps"`
}

// ID is the lab's REPO/LAB.
func (r *Report) ID() string { return r.Repo + "/" + r.Lab }

// Failures returns the steps that failed.
func (r *Report) Failures() []Step {
	var out []Step
	for _, s := range r.Steps {
		if s.Status == Failed {
			out = append(out, s)
		}
	}
	return out
}
