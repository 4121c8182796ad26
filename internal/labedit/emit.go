package labedit

import (
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"
)

// emitter writes new YAML text in the style of the document it goes into.
type emitter struct {
	style
	// source returns the text of a node copied unchanged from the
	// parsed text, to write it as it was (nil: none).
	source func(n *yaml.Node, inFlow bool) (string, bool)
}

// verbatim returns the original text of n when it is an unchanged copy
// written in the same context.
func (e *emitter) verbatim(n *yaml.Node, inFlow bool) (string, bool) {
	if e.source == nil {
		return "", false
	}
	return e.source(n, inFlow)
}

// pairLines writes the pairs kv (key, value, key, value, …) of a block
// mapping whose keys are at column col, each line ending with a newline.
func (e *emitter) pairLines(b *strings.Builder, kv []*yaml.Node, col int) {
	for i := 0; i+1 < len(kv); i += 2 {
		b.WriteString(strings.Repeat(" ", col))
		b.WriteString(e.keyText(kv[i], false))
		b.WriteString(":")
		b.WriteString(e.after(kv[i+1], col, false))
		b.WriteString(e.newline)
	}
}

// itemLines writes block sequence items whose dashes are at column col.
func (e *emitter) itemLines(b *strings.Builder, items []*yaml.Node, col int) {
	for _, it := range items {
		b.WriteString(strings.Repeat(" ", col))
		b.WriteString("-")
		b.WriteString(e.after(it, col, true))
		b.WriteString(e.newline)
	}
}

// after returns the text that follows "key:" (item false) or "-" (item
// true) at column col to write n: " value" on the same line, or a line
// break and an indented block. It has no final line break.
func (e *emitter) after(n *yaml.Node, col int, item bool) string {
	props := e.props(n)
	if text, ok := e.verbatim(n, false); ok {
		if text == "" {
			return ""
		}
		return " " + text
	}
	switch {
	case n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" && n.Value == "" && props == "":
		return ""
	case n.Kind == yaml.ScalarNode:
		return " " + props + e.scalarText(n, false, col+e.indent)
	case n.Kind == yaml.AliasNode:
		return " *" + n.Value
	case n.Style&yaml.FlowStyle != 0 || len(n.Content) == 0:
		return " " + e.flowText(n)
	}
	var b strings.Builder
	inner := col + e.indent
	if n.Kind == yaml.SequenceNode {
		inner = col + e.seqIndent
	}
	if item {
		inner = col + 2
	}
	if n.Kind == yaml.MappingNode {
		e.pairLines(&b, n.Content, inner)
	} else {
		e.itemLines(&b, n.Content, inner)
	}
	block := strings.TrimSuffix(b.String(), e.newline)
	if item && props == "" {
		// The first line goes after the dash.
		return " " + block[inner:]
	}
	if props == "" {
		return e.newline + block
	}
	return " " + strings.TrimSpace(props) + e.newline + block
}

// props returns a node's anchor and explicit tag, each followed by a space.
func (e *emitter) props(n *yaml.Node) string {
	var s string
	if n.Anchor != "" {
		s = "&" + n.Anchor + " "
	}
	if n.Tag != "" && (!strings.HasPrefix(n.Tag, "!!") || n.Style&yaml.TaggedStyle != 0) {
		s += n.Tag + " "
	}
	return s
}

// keyText writes a mapping key.
func (e *emitter) keyText(k *yaml.Node, inFlow bool) string {
	if text, ok := e.verbatim(k, inFlow); ok && text != "" {
		return text
	}
	if k.Kind != yaml.ScalarNode {
		return e.flowText(k) // a complex key, on one line
	}
	return e.props(k) + e.scalarText(k, true, 0)
}

// flowText writes n on one line in flow style.
func (e *emitter) flowText(n *yaml.Node) string {
	if text, ok := e.verbatim(n, true); ok && text != "" {
		return text
	}
	switch n.Kind {
	case yaml.AliasNode:
		return "*" + n.Value
	case yaml.ScalarNode:
		return e.props(n) + e.scalarText(n, true, 0)
	case yaml.MappingNode:
		parts := make([]string, 0, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			parts = append(parts, e.keyText(n.Content[i], true)+": "+e.flowText(n.Content[i+1]))
		}
		return e.props(n) + "{" + strings.Join(parts, ", ") + "}"
	case yaml.SequenceNode:
		parts := make([]string, 0, len(n.Content))
		for _, c := range n.Content {
			parts = append(parts, e.flowText(c))
		}
		return e.props(n) + "[" + strings.Join(parts, ", ") + "]"
	}
	return "null"
}

// scalarText writes a scalar: plain when YAML reads it back the same,
// quoted otherwise; a block scalar (its lines at column indent) when its
// style asks for one or it spans lines, outside flow collections.
func (e *emitter) scalarText(n *yaml.Node, inFlow bool, indent int) string {
	v := n.Value
	switch n.ShortTag() {
	case "!!merge":
		return "<<"
	case "!!null":
		if v == "" {
			return "null"
		}
		return v
	case "!!bool", "!!int", "!!float":
		if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) == 0 {
			return v
		}
	}
	switch {
	case n.Style&yaml.DoubleQuotedStyle != 0:
		return doubleQuote(v)
	case n.Style&yaml.SingleQuotedStyle != 0:
		return e.quote(v, '\'')
	case n.Style&yaml.FoldedStyle != 0 && !inFlow:
		if s, ok := e.folded(v, indent); ok {
			return s
		}
	case n.Style&yaml.LiteralStyle != 0 && !inFlow:
		if s, ok := e.literal(v, indent); ok {
			return s
		}
	}
	if plainSafe(v, inFlow) {
		return v
	}
	if strings.Contains(v, "\n") && !inFlow {
		if s, ok := e.literal(v, indent); ok {
			return s
		}
	}
	return e.quote(v, e.style.quote)
}

// quote writes v in single quotes when asked and possible, else in double quotes.
func (e *emitter) quote(v string, q byte) string {
	if q == '\'' && printable(v) {
		return "'" + strings.ReplaceAll(v, "'", "''") + "'"
	}
	return doubleQuote(v)
}

// doubleQuote writes v in double quotes (Go escapes are valid YAML escapes).
func doubleQuote(v string) string {
	return strconv.Quote(v)
}

// printable reports whether v has no control characters (line breaks included).
func printable(v string) bool {
	for _, r := range v {
		if r < 0x20 || r == 0x7f || r == 0xfeff {
			return false
		}
	}
	return true
}

// literal writes v as a literal block scalar (|), if it can be.
func (e *emitter) literal(v string, indent int) (string, bool) {
	body := strings.TrimRight(v, "\n")
	trailing := len(v) - len(body)
	if body == "" || strings.HasPrefix(body, " ") || strings.ContainsAny(body, "\r") || !printable(strings.ReplaceAll(strings.ReplaceAll(body, "\n", ""), "\t", "")) {
		return "", false
	}
	header := "|"
	switch {
	case trailing == 0:
		header = "|-"
	case trailing > 1:
		header = "|+"
	}
	var b strings.Builder
	b.WriteString(header)
	for _, line := range strings.Split(body, "\n") {
		b.WriteString(e.newline)
		if line != "" {
			b.WriteString(strings.Repeat(" ", indent) + line)
		}
	}
	for i := 1; i < trailing; i++ {
		b.WriteString(e.newline)
	}
	return b.String(), true
}

// folded writes a single paragraph v as a folded block scalar (>), if it can be.
func (e *emitter) folded(v string, indent int) (string, bool) {
	body := strings.TrimSuffix(v, "\n")
	if body == "" || strings.ContainsAny(body, "\n\t\r") || strings.Contains(body, "  ") || body != strings.TrimSpace(body) || !printable(body) {
		return "", false
	}
	header := ">-"
	if body != v {
		header = ">"
	}
	width := max(80-indent, 40)
	var b strings.Builder
	b.WriteString(header)
	line := ""
	for _, w := range strings.Split(body, " ") {
		if line != "" && len(line)+1+len(w) > width {
			b.WriteString(e.newline + strings.Repeat(" ", indent) + line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	b.WriteString(e.newline + strings.Repeat(" ", indent) + line)
	return b.String(), true
}

var (
	// yaml11Words are read as booleans or null by YAML 1.1 readers.
	yaml11Words = regexp.MustCompile(`^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~|=|<<)$`)
	// yaml11Numbers are read as numbers by YAML 1.1 readers: integers in
	// any base, with underscores, base 60 ("8080:80"), floats.
	yaml11Numbers = regexp.MustCompile(`^[-+]?(0b[01_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*(:[0-9_]+)*(\.[0-9_]*)?([eE][-+]?[0-9]+)?|\.[0-9_]+([eE][-+]?[0-9]+)?|\.(inf|Inf|INF))$|^\.(nan|NaN|NAN)$`)
)

// plainSafe reports whether s can be written without quotes: YAML 1.2
// reads it back as the same string, and YAML 1.1 readers do not take it
// for a boolean or a number ("yes", "on", "8080:80", "1_000").
func plainSafe(s string, inFlow bool) bool {
	if s == "" || s != strings.TrimSpace(s) || !printable(s) {
		return false
	}
	if strings.ContainsAny(s[:1], ",[]{}#&*!|>'\"%@`") || strings.ContainsAny(s[:1], "-?:") && (len(s) == 1 || s[1] == ' ') {
		return false
	}
	if strings.Contains(s, ": ") || strings.Contains(s, " #") || strings.HasSuffix(s, ":") || documentMarker(s) {
		return false
	}
	if inFlow && strings.ContainsAny(s, ",[]{}") {
		return false
	}
	if yaml11Words.MatchString(s) || yaml11Numbers.MatchString(s) {
		return false
	}
	if !readsBack(s, s) {
		return false
	}
	// In a flow collection, as a key and as a value.
	return !inFlow || readsBack("["+s+"]", s) && readsBack("{"+s+": x}", s)
}

// readsBack reports whether text parses to the plain string s (alone, or
// as the only item or key of a flow collection).
func readsBack(text, s string) bool {
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(text), &n); err != nil || len(n.Content) != 1 {
		return false
	}
	c := n.Content[0]
	if c.Kind != yaml.ScalarNode {
		if len(c.Content) == 0 || c.Kind == yaml.SequenceNode && len(c.Content) != 1 || c.Kind == yaml.MappingNode && len(c.Content) != 2 {
			return false
		}
		c = c.Content[0]
	}
	return c.Kind == yaml.ScalarNode && c.ShortTag() == "!!str" && c.Value == s && c.Style == 0
}

// documentMarker reports whether s starts like "---" or "...", which at
// the start of a line ends a YAML document.
func documentMarker(s string) bool {
	return strings.HasPrefix(s, "---") || strings.HasPrefix(s, "...")
}
