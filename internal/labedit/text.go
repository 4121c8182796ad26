package labedit

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v4"
)

// document is a compose text with its YAML node tree and what new text
// must look like to fit in.
type document struct {
	src        []byte
	lineStarts []int      // byte offset where each line starts; lineStarts[0] is line 1
	root       *yaml.Node // the top-level mapping; nil for an empty document
	style      style
}

// style is how the text writes what the editor adds.
type style struct {
	newline   string // "\n" or "\r\n"
	indent    int    // spaces a nested mapping is indented by
	seqIndent int    // spaces "- " is indented under its key
	quote     byte   // '"' or '\'' for strings that need quotes
}

// parseDocument parses src. Bad YAML and a top level that is not a mapping
// are a *SyntaxError.
func parseDocument(src []byte) (*document, error) {
	var n yaml.Node
	if err := yaml.Unmarshal(src, &n); err != nil {
		return nil, syntaxError(err)
	}
	if !utf8.Valid(src) {
		return nil, &SyntaxError{Msg: "a compose file must be UTF-8 text"}
	}
	if i := loneCR(src); i >= 0 {
		line := bytes.Count(src[:i], []byte("\n")) + 1
		return nil, &SyntaxError{Line: line, Column: i - bytes.LastIndexByte(src[:i], '\n'), Msg: "a carriage return without a line feed (old Mac line break); use LF or CRLF line breaks"}
	}
	if i := bytes.IndexAny(src, "\u0085\u2028\u2029"); i >= 0 {
		line := bytes.Count(src[:i], []byte("\n")) + 1
		return nil, &SyntaxError{Line: line, Column: utf8.RuneCount(src[bytes.LastIndexByte(src[:i], '\n')+1:i]) + 1, Msg: "a Unicode line or paragraph separator (U+0085, U+2028, U+2029), which YAML reads as a line break; use LF or CRLF line breaks"}
	}
	d := &document{src: src, lineStarts: lineStarts(src)}
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		root := n.Content[0]
		if root.Kind != yaml.MappingNode {
			return nil, &SyntaxError{Line: root.Line, Column: root.Column, Msg: "the top level of a compose file must be a mapping"}
		}
		d.root = root
		if err := d.checkTrailing(); err != nil {
			return nil, err
		}
		if a := recursiveAlias(root, map[*yaml.Node]bool{}); a != nil {
			return nil, &SyntaxError{Line: a.Line, Column: a.Column, Msg: fmt.Sprintf("the alias *%s refers to a node that contains it", a.Value)}
		}
	}
	d.style = detectStyle(d)
	return d, nil
}

// recursiveAlias returns an alias inside the node it names, or nil.
func recursiveAlias(n *yaml.Node, ancestors map[*yaml.Node]bool) *yaml.Node {
	if n.Kind == yaml.AliasNode {
		if ancestors[n.Alias] {
			return n
		}
		return nil
	}
	ancestors[n] = true
	defer delete(ancestors, n)
	for _, c := range n.Content {
		if a := recursiveAlias(c, ancestors); a != nil {
			return a
		}
	}
	return nil
}

// checkTrailing refuses text after the top-level mapping (the parser lets
// some through) other than comments and further documents.
func (d *document) checkTrailing() error {
	e, err := d.end(d.root)
	if err != nil {
		return &SyntaxError{Line: d.root.Line, Column: d.root.Column, Msg: err.Error()}
	}
	p := d.skipSpace(e, true)
	if p == len(d.src) {
		return nil
	}
	li := d.lineOf(p)
	if line := d.lineText(li) + " "; d.firstOnLine(p) && (strings.HasPrefix(line, "--- ") || strings.HasPrefix(line, "... ") || strings.HasPrefix(line, "---\t") || strings.HasPrefix(line, "...\t")) {
		return nil // another document
	}
	return &SyntaxError{Line: li + 1, Column: len([]rune(string(d.src[d.lineStarts[li]:p]))) + 1, Msg: "unexpected text after the top-level mapping"}
}

// syntaxError turns a YAML error into a *SyntaxError with its position.
func syntaxError(err error) error {
	var le *yaml.LoadError
	if errors.As(err, &le) {
		return &SyntaxError{Line: le.Mark.Line, Column: le.Mark.Column, Msg: "not valid YAML: " + le.Message}
	}
	var les *yaml.LoadErrors
	if errors.As(err, &les) && len(les.Errors) > 0 {
		e := les.Errors[0]
		return &SyntaxError{Line: e.Mark.Line, Column: e.Mark.Column, Msg: "not valid YAML: " + e.Message}
	}
	return &SyntaxError{Msg: "not valid YAML: " + err.Error()}
}

// loneCR returns the offset of the first "\r" not followed by "\n", or -1.
func loneCR(src []byte) int {
	for i, c := range src {
		if c == '\r' && (i+1 == len(src) || src[i+1] != '\n') {
			return i
		}
	}
	return -1
}

// lineStarts returns the offset where each line of src starts.
func lineStarts(src []byte) []int {
	starts := []int{0}
	for i, c := range src {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// detectStyle looks at how the text indents and quotes.
func detectStyle(d *document) style {
	s := style{newline: "\n", indent: 2, seqIndent: 2, quote: '"'}
	if bytes.Contains(d.src, []byte("\r\n")) {
		s.newline = "\r\n"
	}
	if bytes.Count(d.src, []byte("'")) > bytes.Count(d.src, []byte(`"`)) {
		s.quote = '\''
	}
	if d.root == nil {
		return s
	}
	// The most common steps win.
	indents, seqIndents := map[int]int{}, map[int]int{}
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.SequenceNode && n.Style&yaml.FlowStyle == 0 {
			for _, c := range n.Content {
				walk(c)
			}
		}
		if n.Kind != yaml.MappingNode || n.Style&yaml.FlowStyle != 0 {
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if v.Style&yaml.FlowStyle != 0 || v.Line <= k.Line {
				continue
			}
			switch v.Kind {
			case yaml.MappingNode:
				if v.Column > k.Column {
					indents[v.Column-k.Column]++
				}
			case yaml.SequenceNode:
				if v.Column >= k.Column {
					seqIndents[v.Column-k.Column]++
				}
			}
			walk(v)
		}
	}
	walk(d.root)
	s.indent = mostCommon(indents, s.indent)
	s.seqIndent = mostCommon(seqIndents, s.seqIndent)
	return s
}

// mostCommon returns the most frequent key of counts (the smallest on a
// tie), or def when counts is empty.
func mostCommon(counts map[int]int, def int) int {
	best, n := def, 0
	for k, c := range counts {
		if c > n || c == n && k < best {
			best, n = k, c
		}
	}
	return best
}

// offset returns the byte offset of a 1-based line and column (columns
// count characters, as the YAML parser does).
func (d *document) offset(line, column int) int {
	if line < 1 {
		return 0
	}
	if line > len(d.lineStarts) {
		return len(d.src)
	}
	p := d.lineStarts[line-1]
	if line == 1 && bytes.HasPrefix(d.src, []byte("\ufeff")) {
		p += len("\ufeff") // the byte order mark is not a column
	}
	for i := 1; i < column && p < len(d.src) && d.src[p] != '\n'; i++ {
		_, size := utf8.DecodeRune(d.src[p:])
		p += size
	}
	return p
}

// pos returns the byte offset where a node starts, its anchor and tag included.
func (d *document) pos(n *yaml.Node) int {
	return d.offset(n.Line, n.Column)
}

// lineOf returns the 0-based line index holding byte offset p.
func (d *document) lineOf(p int) int {
	lo, hi := 0, len(d.lineStarts)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if d.lineStarts[mid] <= p {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// lineStart returns the offset of the start of the line holding p.
func (d *document) lineStart(p int) int {
	return d.lineStarts[d.lineOf(p)]
}

// lineEnd returns the offset just after the line break of the line holding
// p (len(src) on a last line without one).
func (d *document) lineEnd(p int) int {
	if i := bytes.IndexByte(d.src[p:], '\n'); i >= 0 {
		return p + i + 1
	}
	return len(d.src)
}

// lineText returns line i (0-based) without its line break.
func (d *document) lineText(i int) string {
	if i < 0 || i >= len(d.lineStarts) {
		return ""
	}
	end := len(d.src)
	if i+1 < len(d.lineStarts) {
		end = d.lineStarts[i+1]
	}
	return strings.TrimRight(string(d.src[d.lineStarts[i]:end]), "\r\n")
}

// blankLine reports whether line i holds only white space.
func (d *document) blankLine(i int) bool {
	return strings.TrimSpace(d.lineText(i)) == ""
}

// commentLine reports whether line i holds only a comment.
func (d *document) commentLine(i int) bool {
	return strings.HasPrefix(strings.TrimSpace(d.lineText(i)), "#")
}

// lineIndent returns the number of leading spaces of line i.
func (d *document) lineIndent(i int) int {
	t := d.lineText(i)
	return len(t) - len(strings.TrimLeft(t, " "))
}

// firstOnLine reports whether only spaces precede offset p on its line.
func (d *document) firstOnLine(p int) bool {
	return strings.TrimLeft(string(d.src[d.lineStart(p):p]), " ") == ""
}

// tokenStart returns the offset where a node's own text starts, after its
// anchor and tag.
func (d *document) tokenStart(n *yaml.Node) int {
	p := d.pos(n)
	for p < len(d.src) && (d.src[p] == '&' || d.src[p] == '!') {
		for p < len(d.src) && !isSpace(d.src[p]) {
			p++
		}
		p = d.skipSpace(p, !isEmpty(n))
	}
	return p
}

// afterAnchor returns the offset after a node's anchor (where its tag or
// text starts).
func (d *document) afterAnchor(n *yaml.Node) int {
	p := d.pos(n)
	if n.Anchor == "" || p >= len(d.src) || d.src[p] != '&' {
		return p
	}
	for p < len(d.src) && !isSpace(d.src[p]) {
		p++
	}
	return d.skipSpace(p, false)
}

// skipSpace skips spaces and tabs from p; with lines, also line breaks and
// comment lines.
func (d *document) skipSpace(p int, lines bool) int {
	for p < len(d.src) {
		switch c := d.src[p]; {
		case c == ' ' || c == '\t':
			p++
		case lines && (c == '\n' || c == '\r'):
			p++
		case lines && c == '#':
			p = d.lineEnd(p)
		default:
			return p
		}
	}
	return p
}

// isSpace reports whether c is white space or a line break.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r'
}

// end returns the offset just after the last character of a node's text
// (trailing comments and line breaks not included).
func (d *document) end(n *yaml.Node) (int, error) {
	switch n.Kind {
	case yaml.ScalarNode:
		e, err := d.scalarEnd(n)
		if err != nil {
			return 0, err
		}
		if isEmpty(n) {
			for e > 0 && isSpace(d.src[e-1]) {
				e-- // an empty value YAML may place on the next line
			}
		}
		return e, nil
	case yaml.AliasNode:
		return d.pos(n) + 1 + len(n.Value), nil
	case yaml.MappingNode, yaml.SequenceNode:
		if n.Style&yaml.FlowStyle != 0 {
			return d.flowEnd(n)
		}
		e := d.pos(n)
		for _, c := range n.Content {
			ce, err := d.end(c)
			if err != nil {
				return 0, err
			}
			e = max(e, ce)
		}
		return e, nil
	}
	return 0, fmt.Errorf("line %d: unexpected YAML node", n.Line)
}

// isEmpty reports whether n is a scalar without text (an empty value).
func isEmpty(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Value == "" && n.Style&^yaml.TaggedStyle == 0
}

// scalarEnd finds where a scalar's text ends.
func (d *document) scalarEnd(n *yaml.Node) (int, error) {
	p := d.tokenStart(n)
	src := d.src
	switch {
	case n.Style&yaml.DoubleQuotedStyle != 0:
		for i := p + 1; i < len(src); i++ {
			switch src[i] {
			case '\\':
				i++
			case '"':
				return i + 1, nil
			}
		}
	case n.Style&yaml.SingleQuotedStyle != 0:
		for i := p + 1; i < len(src); i++ {
			if src[i] == '\'' {
				if i+1 < len(src) && src[i+1] == '\'' {
					i++
					continue
				}
				return i + 1, nil
			}
		}
	case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		return d.blockScalarEnd(p), nil
	default:
		if bytes.HasPrefix(src[p:], []byte(n.Value)) {
			return p + len(n.Value), nil
		}
		// A plain scalar over several lines: its words, folded.
		for _, w := range strings.Fields(n.Value) {
			for p < len(src) && isSpace(src[p]) {
				p++
			}
			if !bytes.HasPrefix(src[p:], []byte(w)) {
				return 0, fmt.Errorf("line %d: cannot locate the text of a plain scalar", n.Line)
			}
			p += len(w)
		}
		return p, nil
	}
	return 0, fmt.Errorf("line %d: unterminated quoted scalar", n.Line)
}

// blockScalarEnd finds where a literal or folded scalar whose indicator is
// at p ends: at its last content line.
func (d *document) blockScalarEnd(p int) int {
	header := d.lineOf(p)
	base := d.lineIndent(header)
	headerEnd := p + 1 // the indicator, then at most an indentation digit and a chomping sign
	for headerEnd < len(d.src) && headerEnd < p+3 && strings.IndexByte("123456789+-", d.src[headerEnd]) >= 0 {
		headerEnd++
	}
	indent := -1
	if i := strings.IndexAny(string(d.src[p:headerEnd]), "123456789"); i >= 0 {
		indent = base + int(d.src[p+i]-'0')
	}
	keep := strings.Contains(string(d.src[p:headerEnd]), "+") // trailing blank lines are content
	end := headerEnd
	for i := header + 1; i < len(d.lineStarts); i++ {
		if d.blankLine(i) {
			if keep || indent >= 0 && len(d.lineText(i)) > indent {
				end = d.lineStarts[i] + len(d.lineText(i)) // spaces beyond the indentation are content
			}
			continue
		}
		ind := d.lineIndent(i)
		if indent < 0 {
			if ind <= base {
				break
			}
			indent = ind
		}
		if ind < indent {
			break
		}
		end = d.lineStarts[i] + len(d.lineText(i))
	}
	return end
}

// flowEnd finds the bracket that closes a flow collection.
func (d *document) flowEnd(n *yaml.Node) (int, error) {
	p := d.tokenStart(n) + 1
	for _, c := range n.Content {
		ce, err := d.end(c)
		if err != nil {
			return 0, err
		}
		p = max(p, ce)
	}
	for p < len(d.src) {
		switch c := d.src[p]; c {
		case ']', '}':
			return p + 1, nil
		case '#':
			p = d.lineEnd(p)
		default:
			if !isSpace(c) && c != ',' && c != ':' && c != '?' {
				return 0, fmt.Errorf("line %d: cannot find the end of a flow collection", n.Line)
			}
			p++
		}
	}
	return 0, fmt.Errorf("line %d: unterminated flow collection", n.Line)
}

// colonAfter returns the offset just after the ':' that follows a mapping key.
func (d *document) colonAfter(key *yaml.Node) (int, error) {
	e, err := d.end(key)
	if err != nil {
		return 0, err
	}
	p := d.skipSpace(e, false)
	if p >= len(d.src) || d.src[p] != ':' {
		return 0, fmt.Errorf("line %d: cannot find the ':' after key %q", key.Line, key.Value)
	}
	return p + 1, nil
}

// prevToken returns the offset of the last character before p that is
// neither white space nor in a comment (-1 when none).
func (d *document) prevToken(p int) int {
	q := p - 1
	for q >= 0 {
		for q >= 0 && isSpace(d.src[q]) {
			q--
		}
		if q < 0 {
			return q
		}
		start := d.lineStart(q)
		c := commentStart(string(d.src[start : q+1]))
		if c < 0 {
			return q
		}
		q = start + c - 1
	}
	return q
}

// commentStart returns where a comment starts in a line (a '#' first or
// after white space), or -1.
func commentStart(line string) int {
	for i := 0; i < len(line); i++ {
		if line[i] == '#' && (i == 0 || line[i-1] == ' ' || line[i-1] == '\t') {
			return i
		}
	}
	return -1
}

// dashBefore returns the offset of the "-" that introduces a block
// sequence item.
func (d *document) dashBefore(item *yaml.Node) (int, error) {
	q := d.prevToken(d.pos(item))
	if q < 0 || d.src[q] != '-' {
		return 0, fmt.Errorf("line %d: cannot find the '-' of a sequence item", item.Line)
	}
	return q, nil
}
