package labtest

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"time"
)

// JUnit XML, the shape CI systems read: one test suite per lab, one test
// case per step.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Errors    int         `xml:"errors,attr"`
	Skipped   int         `xml:"skipped,attr"`
	Time      string      `xml:"time,attr"`
	Timestamp string      `xml:"timestamp,attr"`
	Cases     []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

func seconds(ms int64) string { return fmt.Sprintf("%.3f", float64(ms)/1000) }

// WriteJUnit writes the reports as JUnit XML.
func WriteJUnit(w io.Writer, reports []*Report) error {
	out := junitSuites{Name: "dsp test", Suites: []junitSuite{}}
	var total int64
	for _, r := range reports {
		suite := junitSuite{Name: r.ID(), Time: seconds(r.Duration), Timestamp: r.Started.UTC().Format(time.RFC3339)}
		for _, s := range r.Steps {
			c := junitCase{Name: stepTitle(s), ClassName: r.ID(), Time: seconds(s.Duration)}
			switch s.Status {
			case Failed:
				c.Failure = &junitMessage{Message: s.Message, Text: s.Output}
				suite.Failures++
			case Skipped:
				c.Skipped = &junitMessage{Message: s.Message}
				suite.Skipped++
			default:
				c.SystemOut = s.Message
			}
			suite.Tests++
			suite.Cases = append(suite.Cases, c)
		}
		out.Tests += suite.Tests
		out.Failures += suite.Failures
		out.Skipped += suite.Skipped
		total += r.Duration
		out.Suites = append(out.Suites, suite)
	}
	out.Time = seconds(total)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("write JUnit report: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// Summary counts labs by outcome.
type Summary struct {
	Labs   int `json:"labs"`
	Passed int `json:"passed"`
	Failed int `json:"failed"`
}

// Summarize counts the reports by outcome.
func Summarize(reports []*Report) Summary {
	s := Summary{Labs: len(reports)}
	for _, r := range reports {
		if r.Status == Failed {
			s.Failed++
		} else {
			s.Passed++
		}
	}
	return s
}

// WriteJSON writes the reports with a summary.
func WriteJSON(w io.Writer, reports []*Report) error {
	if reports == nil {
		reports = []*Report{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(struct {
		Summary Summary   `json:"summary"`
		Labs    []*Report `json:"labs"`
	}{Summarize(reports), reports}); err != nil {
		return fmt.Errorf("write JSON report: %w", err)
	}
	return nil
}
