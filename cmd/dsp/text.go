package main

import (
	"html"
	"regexp"
	"strings"

	"github.com/dsp-lab/dsp/internal/lab"
)

var (
	blockTagRe = regexp.MustCompile(`(?i)<\s*(br|/p|/div|/li|/h[1-6]|/tr)\s*/?>`)
	tagRe      = regexp.MustCompile(`<[^>]*>`)
	blankRe    = regexp.MustCompile(`\n{3,}`)
)

// text renders a lab's description, goal or solution for a terminal:
// upstream HTML becomes plain text, Markdown is shown as written.
func text(s string, format lab.TextFormat) string {
	if format != lab.TextHTML {
		return strings.TrimSpace(s)
	}
	s = blockTagRe.ReplaceAllString(s, "\n")
	s = tagRe.ReplaceAllString(s, "")
	s = html.UnescapeString(s)
	s = strings.ReplaceAll(s, "\u00a0", " ")
	var lines []string
	for _, line := range strings.Split(s, "\n") {
		lines = append(lines, strings.TrimSpace(line))
	}
	return strings.TrimSpace(blankRe.ReplaceAllString(strings.Join(lines, "\n"), "\n\n"))
}
