package lab

import (
	"fmt"
	"path/filepath"
	"strings"
)

// Severity says whether a problem stops a lab from running.
type Severity string

const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// Problem is one finding about a lab, located as precisely as dsp can.
type Problem struct {
	Severity Severity `json:"severity"`
	File     string   `json:"file"`            // path of the file, absolute
	Line     int      `json:"line,omitempty"`  // 1-based, 0 when unknown
	Field    string   `json:"field,omitempty"` // dotted path, e.g. services.web.networks.lan.ipv4_address
	Message  string   `json:"message"`
}

func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
	}
	b.WriteString(": ")
	b.WriteString(string(p.Severity))
	b.WriteString(": ")
	if p.Field != "" {
		b.WriteString(p.Field)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// Problems is a list of findings; as an error it reports the errors among them.
type Problems []Problem

// Errors returns the problems of severity error.
func (ps Problems) Errors() Problems {
	var out Problems
	for _, p := range ps {
		if p.Severity == SeverityError {
			out = append(out, p)
		}
	}
	return out
}

// Warnings returns the problems of severity warning.
func (ps Problems) Warnings() Problems {
	var out Problems
	for _, p := range ps {
		if p.Severity == SeverityWarning {
			out = append(out, p)
		}
	}
	return out
}

// InvalidError is returned when a lab has errors: it lists every one.
type InvalidError struct {
	Dir      string
	Problems Problems
}

// InvalidParameter classifies the error (errdefs): the lab cannot be used
// as it is written.
func (e *InvalidError) InvalidParameter() {}

func (e *InvalidError) Error() string {
	errs := e.Problems.Errors()
	var b strings.Builder
	fmt.Fprintf(&b, "lab %s is invalid (%d error", filepath.Base(e.Dir), len(errs))
	if len(errs) != 1 {
		b.WriteString("s")
	}
	b.WriteString(")")
	for _, p := range errs {
		b.WriteString("\n  ")
		b.WriteString(p.String())
	}
	return b.String()
}

// problemSink collects problems for one file.
type problemSink struct {
	problems Problems
}

func (s *problemSink) add(sev Severity, file string, line int, field, format string, args ...any) {
	s.problems = append(s.problems, Problem{Severity: sev, File: file, Line: line, Field: field, Message: fmt.Sprintf(format, args...)})
}

func (s *problemSink) errorf(file string, line int, field, format string, args ...any) {
	s.add(SeverityError, file, line, field, format, args...)
}

func (s *problemSink) warnf(file string, line int, field, format string, args ...any) {
	s.add(SeverityWarning, file, line, field, format, args...)
}
