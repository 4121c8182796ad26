package labedit

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strings"

	"go.yaml.in/yaml/v4"
)

// patcher turns the difference between the parsed tree and an edited copy
// of it into text edits: a node whose value changed is rewritten where it
// stands, a removed entry loses its lines, a new one is written after its
// predecessor. Nodes of the copy know their original through origin; a
// node without one is new.
type patcher struct {
	d      *document
	e      emitter
	origin map[*yaml.Node]*yaml.Node
	inFlow map[*yaml.Node]bool // parsed nodes inside a flow collection
	edits  []edit
}

// edit replaces src[start:end] with text.
type edit struct {
	start, end int
	text       string
	seq        int // order of creation, for insertions at one offset
}

// slot is where a node stands, which decides how it is rewritten.
type slot struct {
	kind slotKind
	key  *yaml.Node // slotValue: the mapping key the node is the value of
	dash int        // slotItem: offset of the item's "-"
	col  int        // slotValue: the key's column; slotItem: the dash's (0-based)
}

type slotKind int

const (
	slotRoot  slotKind = iota // the top-level mapping
	slotValue                 // the value of a block mapping entry
	slotItem                  // an item of a block sequence
	slotFlow                  // inside a flow collection
)

// errAwkward is a fine-grained edit the text cannot take; the whole
// collection is rewritten instead.
var errAwkward = errors.New("rewrite the whole collection")

// newPatcher prepares the patching of d by an edited copy whose nodes
// know their originals through origin.
func newPatcher(d *document, origin map[*yaml.Node]*yaml.Node) *patcher {
	p := &patcher{d: d, origin: origin, inFlow: map[*yaml.Node]bool{}}
	p.e = emitter{style: d.style, source: p.source}
	var walk func(n *yaml.Node, flow bool)
	walk = func(n *yaml.Node, flow bool) {
		p.inFlow[n] = flow
		for _, c := range n.Content {
			walk(c, flow || n.Style&yaml.FlowStyle != 0)
		}
	}
	if d.root != nil {
		walk(d.root, false)
	}
	return p
}

// add records an edit.
func (p *patcher) add(start, end int, text string) {
	if end < len(p.d.src) && p.d.src[end] == '#' && text != "" && !isSpace(text[len(text)-1]) {
		text += " " // a comment that followed the old text stays a comment
	}
	p.edits = append(p.edits, edit{start: start, end: end, text: text, seq: len(p.edits)})
}

// patchRoot records the edits that turn the document's root into n.
func (p *patcher) patchRoot(n *yaml.Node) error {
	if p.d.root == nil {
		if len(n.Content) == 0 {
			return nil
		}
		var b strings.Builder
		if len(p.d.src) > 0 && !bytes.HasSuffix(p.d.src, []byte("\n")) {
			b.WriteString(p.e.newline)
		}
		p.e.pairLines(&b, n.Content, 0)
		p.add(len(p.d.src), len(p.d.src), b.String())
		return nil
	}
	return p.diff(p.d.root, n, slot{kind: slotRoot})
}

// apply returns src with the edits made.
func (p *patcher) apply() ([]byte, error) {
	edits := p.edits
	// An insertion that falls inside deleted lines (the comments under a
	// removed entry) goes where they started.
	for i, in := range edits {
		if in.start != in.end {
			continue
		}
		for _, del := range edits {
			if del.text == "" && del.start < in.start && in.start < del.end {
				edits[i].start, edits[i].end = del.start, del.start
			}
		}
	}
	sort.SliceStable(edits, func(i, j int) bool {
		a, b := edits[i], edits[j]
		if a.start != b.start {
			return a.start < b.start
		}
		if (a.start == a.end) != (b.start == b.end) {
			return a.start == a.end // insertions first
		}
		return a.seq < b.seq
	})
	var out bytes.Buffer
	cursor, deleting := 0, false
	for _, e := range edits {
		if deleting && e.text == "" && e.start < cursor {
			cursor = max(cursor, e.end) // deleted lines that overlap: one deletion
			continue
		}
		if e.start < cursor || e.end < e.start {
			return nil, fmt.Errorf("internal error: overlapping text edits at line %d", p.d.lineOf(e.start)+1)
		}
		out.Write(p.d.src[cursor:e.start])
		out.WriteString(e.text)
		cursor, deleting = e.end, e.text == "" && e.end > e.start
	}
	out.Write(p.d.src[cursor:])
	return out.Bytes(), nil
}

// diff records the edits that turn o (parsed) into n (edited), o standing at s.
func (p *patcher) diff(o, n *yaml.Node, s slot) error {
	if p.origin[n] != o || n.Kind != o.Kind {
		return p.replace(o, n, s)
	}
	switch o.Kind {
	case yaml.ScalarNode:
		if n.Value == o.Value && n.Tag == o.Tag && n.Style == o.Style {
			return nil
		}
		return p.replaceScalar(o, n, s)
	case yaml.AliasNode:
		if n.Value == o.Value {
			return nil
		}
		return p.replace(o, n, s)
	case yaml.MappingNode, yaml.SequenceNode:
		if o.Style&yaml.FlowStyle != 0 {
			return p.diffFlow(o, n, s)
		}
		err := p.diffBlock(o, n, s)
		if errors.Is(err, errAwkward) {
			return p.replace(o, n, s)
		}
		return err
	}
	return fmt.Errorf("line %d: unexpected YAML node", o.Line)
}

// replace rewrites o as n entirely.
func (p *patcher) replace(o, n *yaml.Node, s slot) error {
	d := p.d
	end, err := d.end(o)
	if err != nil {
		return err
	}
	switch s.kind {
	case slotFlow:
		p.add(d.pos(o), end, p.e.flowText(n))
	case slotValue:
		start, err := d.colonAfter(s.key)
		if err != nil {
			return err
		}
		unflow(o, n)
		p.add(start, end, p.e.after(n, s.col, false))
	case slotItem:
		unflow(o, n)
		p.add(s.dash+1, end, p.e.after(n, s.col, true))
	default:
		var b strings.Builder
		if len(n.Content) == 0 {
			b.WriteString("{}" + p.e.newline)
		}
		p.e.pairLines(&b, n.Content, o.Column-1)
		p.add(d.lineStart(d.pos(o)), d.lineEnd(end), b.String())
	}
	return nil
}

// unflow makes an empty {} or [] that gets content a block.
func unflow(o, n *yaml.Node) {
	if o.Kind == n.Kind && o.Kind != yaml.ScalarNode && len(o.Content) == 0 && len(n.Content) > 0 {
		n.Style &^= yaml.FlowStyle
	}
}

// source returns the text of an unchanged single-line scalar or alias of
// the parsed text that n copies, written in the same context (flow or
// block), so that rewriting a collection keeps it as it was written.
func (p *patcher) source(n *yaml.Node, inFlow bool) (string, bool) {
	o := p.origin[n]
	if o == nil || p.inFlow[o] != inFlow || o.Kind != n.Kind || o.Value != n.Value || o.Tag != n.Tag || o.Style != n.Style || o.Anchor != n.Anchor ||
		o.Kind != yaml.ScalarNode && o.Kind != yaml.AliasNode || o.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return "", false
	}
	end, err := p.d.end(o)
	start := p.d.pos(o)
	if err != nil || end < start || bytes.ContainsAny(p.d.src[start:end], "\r\n") ||
		(end == p.d.tokenStart(o) || isEmpty(o)) && end != start { // an anchor or tag without text: not to be glued to what follows
		return "", false
	}
	if documentMarker(string(p.d.src[start:end])) {
		return "", false
	}
	return string(p.d.src[start:end]), true
}

// replaceScalar rewrites the text of a scalar, keeping its anchor (and its
// tag when that did not change).
func (p *patcher) replaceScalar(o, n *yaml.Node, s slot) error {
	d := p.d
	end, err := d.end(o)
	if err != nil {
		return err
	}
	start := d.tokenStart(o)
	tag := ""
	if o.Style&yaml.TaggedStyle != n.Style&yaml.TaggedStyle || o.Tag != n.Tag {
		start = d.afterAnchor(o)
		if n.Style&yaml.TaggedStyle != 0 || !strings.HasPrefix(n.Tag, "!!") && n.Tag != "" {
			tag = n.Tag + " "
		}
	}
	if isEmpty(o) {
		start = min(start, end)
	}
	text := tag + p.e.scalarText(n, s.kind == slotFlow, s.col+p.e.indent)
	if start == end {
		// An empty value: written after its ':' or '-', or after a key
		// that has no ':' ({key} in a flow mapping).
		q := min(start, d.pos(o)) // before its anchor or tag, if any
		for q > 0 && isSpace(d.src[q-1]) {
			q--
		}
		switch {
		case q > 0 && !strings.ContainsRune(":-?", rune(d.src[q-1])):
			text = ": " + text
		case start > 0 && !isSpace(d.src[start-1]):
			text = " " + text
		}
	}
	p.add(start, end, text)
	return nil
}

// diffFlow edits the scalars of a flow collection in place when its shape
// did not change, and rewrites it otherwise.
func (p *patcher) diffFlow(o, n *yaml.Node, s slot) error {
	if len(o.Content) != len(n.Content) {
		return p.replace(o, n, s)
	}
	for i, c := range n.Content {
		if p.origin[c] != o.Content[i] {
			return p.replace(o, n, s)
		}
	}
	for i, c := range n.Content {
		if err := p.diff(o.Content[i], c, slot{kind: slotFlow}); err != nil {
			return err
		}
	}
	return nil
}

// member is one entry of a block collection: a mapping's key and value,
// or a sequence's item (key nil).
type member struct {
	key, value *yaml.Node
}

// members returns the members of a block collection.
func members(n *yaml.Node) []member {
	if n.Kind == yaml.MappingNode {
		out := make([]member, 0, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			out = append(out, member{n.Content[i], n.Content[i+1]})
		}
		return out
	}
	out := make([]member, 0, len(n.Content))
	for _, c := range n.Content {
		out = append(out, member{value: c})
	}
	return out
}

// id is the node that identifies a member: its key, or the item itself.
func (m member) id() *yaml.Node {
	if m.key != nil {
		return m.key
	}
	return m.value
}

// diffBlock edits a block mapping or sequence member by member. It returns
// errAwkward, before recording anything, when the members cannot be edited
// one by one (everything removed, order changed, an entry sharing its line
// with a "-").
func (p *patcher) diffBlock(o, n *yaml.Node, s slot) error {
	om, nm := members(o), members(n)
	index := make(map[*yaml.Node]int, len(om))
	for i, m := range om {
		index[m.id()] = i
	}
	kept := make([]int, len(nm)) // nm[j] is om[kept[j]], or new (-1)
	used := make([]bool, len(om))
	last, anyKept := -1, false
	for j, m := range nm {
		i, ok := index[p.origin[m.id()]]
		if !ok || used[i] {
			kept[j] = -1
			continue
		}
		if i < last {
			return errAwkward
		}
		kept[j], last, used[i], anyKept = i, i, true, true
	}
	if !anyKept {
		return errAwkward
	}
	for i, m := range om {
		if !used[i] && !p.d.firstOnLine(p.startOf(o, m)) || m.key != nil && p.explicitKey(m.key) {
			return errAwkward
		}
	}
	if kept[0] < 0 && !p.d.firstOnLine(p.startOf(o, om[kept[firstKept(kept)]])) {
		return errAwkward
	}
	for i := range om {
		if !used[i] {
			if err := p.deleteMember(o, om, i); err != nil {
				return err
			}
		}
	}
	for j, m := range nm {
		if kept[j] < 0 {
			continue
		}
		if err := p.diffMember(o, om[kept[j]], m); err != nil {
			return err
		}
	}
	return p.insertMembers(o, om, nm, kept, s)
}

// explicitKey reports whether a mapping key is written in the explicit
// form "? key".
func (p *patcher) explicitKey(k *yaml.Node) bool {
	q := p.d.prevToken(p.d.pos(k))
	return q >= 0 && p.d.src[q] == '?'
}

// firstKept returns the index of the first kept member.
func firstKept(kept []int) int {
	for j, k := range kept {
		if k >= 0 {
			return j
		}
	}
	return 0
}

// startOf returns the offset where a member's own text starts: its key, or
// its item's dash.
func (p *patcher) startOf(o *yaml.Node, m member) int {
	if o.Kind == yaml.MappingNode {
		return p.d.pos(m.key)
	}
	if dash, err := p.d.dashBefore(m.value); err == nil {
		return dash
	}
	return p.d.pos(m.value)
}

// column returns the 0-based column of offset p (the text before it on its
// line is spaces or a "- ").
func (p *patcher) column(at int) int {
	return len([]rune(string(p.d.src[p.d.lineStart(at):at])))
}

// diffMember edits a kept member: a renamed key, then its value.
func (p *patcher) diffMember(o *yaml.Node, om, nm member) error {
	if o.Kind == yaml.MappingNode {
		if nm.key.Value != om.key.Value || nm.key.Style != om.key.Style {
			if err := p.replaceScalar(om.key, nm.key, slot{kind: slotFlow}); err != nil {
				return err
			}
		}
		return p.diff(om.value, nm.value, slot{kind: slotValue, key: om.key, col: om.key.Column - 1})
	}
	dash, err := p.d.dashBefore(om.value)
	if err != nil {
		return err
	}
	return p.diff(om.value, nm.value, slot{kind: slotItem, dash: dash, col: p.column(dash)})
}

// headStart moves offset at (a key or dash at a line start) up over the
// comment lines YAML attached to node n as its head comment.
func (p *patcher) headStart(n *yaml.Node, at int) int {
	d := p.d
	li := d.lineOf(at)
	if n.HeadComment != "" {
		for count := strings.Count(n.HeadComment, "\n") + 1; count > 0 && li > 0 && d.commentLine(li-1); count-- {
			li--
		}
	}
	return d.lineStarts[li]
}

// deleteMember removes the lines of member i: its head comment, its key or
// dash, its value, and the comment lines indented under it.
func (p *patcher) deleteMember(o *yaml.Node, om []member, i int) error {
	d := p.d
	m := om[i]
	at := p.startOf(o, m)
	col := p.column(at)
	start := p.headStart(m.id(), d.lineStart(at))
	vend, err := d.end(m.value)
	if err != nil {
		return err
	}
	end := d.lineEnd(vend)
	for end < len(d.src) && d.commentLine(d.lineOf(end)) && d.lineIndent(d.lineOf(end)) > col {
		end = d.lineEnd(end)
	}
	before := d.lineOf(start) - 1
	switch {
	case before >= 0 && d.blankLine(before) && (end == len(d.src) || d.blankLine(d.lineOf(end))):
		start = d.lineStarts[before] // no double blank line where it was
	case i == 0 && i+1 < len(om) && end < len(d.src) && d.blankLine(d.lineOf(end)):
		end = d.lineEnd(end) // no blank line first
	}
	p.add(start, end, "")
	return nil
}

// separated reports whether the members of a block collection are
// separated by blank lines (then new ones are too).
func (p *patcher) separated(o *yaml.Node, om []member) bool {
	if len(om) < 2 {
		return false
	}
	for _, m := range om[1:] {
		start := p.headStart(m.id(), p.d.lineStart(p.startOf(o, m)))
		if li := p.d.lineOf(start); li == 0 || !p.d.blankLine(li-1) {
			return false
		}
	}
	return true
}

// insertMembers writes the new members of n after the kept member that
// precedes them (before the first kept one when none does).
func (p *patcher) insertMembers(o *yaml.Node, om, nm []member, kept []int, s slot) error {
	sep := p.separated(o, om)
	col := p.column(p.startOf(o, om[0]))
	prev := -1 // the om index new members go after; -1: before the first kept
	for j := 0; j < len(nm); {
		if kept[j] >= 0 {
			prev = kept[j]
			j++
			continue
		}
		k := j
		for k < len(nm) && kept[k] < 0 {
			k++
		}
		text := p.membersText(o, nm[j:k], col, sep, prev >= 0)
		at, err := p.insertionPoint(o, om, prev, kept, k, s)
		if err != nil {
			return err
		}
		if at == len(p.d.src) && !bytes.HasSuffix(p.d.src, []byte("\n")) {
			if prev >= 0 && isBlockScalar(lastNode(om[prev].value)) {
				return errors.New("the file ends in a block scalar (| or >) without a line break, which adding after it would change; add the line break in the text first")
			}
			text = p.e.newline + text
		}
		p.add(at, at, text)
		j = k
	}
	return nil
}

// lastNode returns the node whose text comes last in n.
func lastNode(n *yaml.Node) *yaml.Node {
	for (n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode) && n.Style&yaml.FlowStyle == 0 && len(n.Content) > 0 {
		n = n.Content[len(n.Content)-1]
	}
	return n
}

// isBlockScalar reports whether n is a literal (|) or folded (>) scalar.
func isBlockScalar(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0
}

// membersText writes new members at column col, with a blank line before
// (after) or after (before the first kept one) each when sep.
func (p *patcher) membersText(o *yaml.Node, group []member, col int, sep, after bool) string {
	var b strings.Builder
	for _, m := range group {
		if sep && after {
			b.WriteString(p.e.newline)
		}
		if o.Kind == yaml.MappingNode {
			p.e.pairLines(&b, []*yaml.Node{m.key, m.value}, col)
		} else {
			p.e.itemLines(&b, []*yaml.Node{m.value}, col)
		}
		if sep && !after {
			b.WriteString(p.e.newline)
		}
	}
	return b.String()
}

// insertionPoint is where new members go: after the line where member prev
// ends, or (prev -1) before nm[next], the first kept member, and its head
// comment (but below the file's opening comment).
func (p *patcher) insertionPoint(o *yaml.Node, om []member, prev int, kept []int, next int, s slot) (int, error) {
	if prev >= 0 {
		vend, err := p.d.end(om[prev].value)
		if err != nil {
			return 0, err
		}
		at := p.d.lineEnd(vend)
		// Blank and comment lines indented with a tab would break
		// under new text: it goes after them.
		run, tab := at, false
		for li := p.d.lineOf(run); run < len(p.d.src) && (p.d.blankLine(li) || p.d.commentLine(li)); li = p.d.lineOf(run) {
			text := p.d.lineText(li)
			tab = tab || strings.Contains(text[:len(text)-len(strings.TrimLeft(text, " \t"))], "\t")
			run = p.d.lineEnd(run)
		}
		if tab {
			at = run
		}
		return at, nil
	}
	first := om[kept[next]]
	at := p.d.lineStart(p.startOf(o, first))
	if s.kind != slotRoot {
		at = p.headStart(first.id(), at)
	}
	return at, nil
}
