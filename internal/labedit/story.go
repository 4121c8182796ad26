package labedit

import (
	"bytes"
	"errors"
	"fmt"
	"slices"

	"go.yaml.in/yaml/v4"
)

// storyKeys are the text fields of a story, as x-dsp names them.
var storyKeys = []string{"title", "description", "goal", "solution", "author"}

// text returns the field of s that x-dsp calls key.
func (s *Story) text(key string) *string {
	switch key {
	case "title":
		return &s.Title
	case "description":
		return &s.Description
	case "goal":
		return &s.Goal
	case "solution":
		return &s.Solution
	}
	return &s.Author
}

// ParseStory reads the story of a native compose file: title, description,
// goal, solution, author and labels of its top-level x-dsp. A file
// without x-dsp has an empty story.
func ParseStory(src []byte) (Story, error) {
	d, err := parseDocument(src)
	if err != nil {
		return Story{}, err
	}
	return d.story()
}

// story reads the document's story.
func (d *document) story() (Story, error) {
	var s Story
	if d.root == nil {
		return s, nil
	}
	x := get(d.root, extensionKey)
	if isNull(x) {
		return s, nil
	}
	if x.Kind != yaml.MappingNode {
		return s, shapeError(x, extensionKey, "a mapping")
	}
	for _, k := range storyKeys {
		v := get(x, k)
		if isNull(v) {
			continue
		}
		if v.Kind != yaml.ScalarNode {
			return s, shapeError(v, extensionKey+"."+k, "a string")
		}
		*s.text(k) = v.Value
	}
	labels := get(x, "labels")
	if isNull(labels) {
		return s, nil
	}
	if labels.Kind != yaml.SequenceNode {
		return s, shapeError(labels, extensionKey+".labels", "a list")
	}
	for i, it := range labels.Content {
		name, ok := labelName(resolve(it))
		if !ok {
			return s, shapeError(resolve(it), fmt.Sprintf("%s.labels.%d", extensionKey, i), "a name or {name, color, description}")
		}
		s.Labels = append(s.Labels, name)
	}
	return s, nil
}

// labelName is the name of a label item: a string, or a mapping's name.
func labelName(n *yaml.Node) (string, bool) {
	if n.Kind == yaml.MappingNode {
		return scalar(n, "name"), true
	}
	return scalarText(n)
}

// sameStory compares two stories.
func sameStory(a, b Story) bool {
	for _, k := range storyKeys {
		if *a.text(k) != *b.text(k) {
			return false
		}
	}
	return slices.Equal(a.Labels, b.Labels)
}

// SetStory writes s into the top-level x-dsp of src (creating it at the
// top), rewriting only the fields that changed and keeping everything
// else; empty fields are removed. An unchanged story returns src as it is.
// A label that stays keeps its form ({name, color, description} included).
func SetStory(src []byte, s Story) ([]byte, error) {
	d, err := parseDocument(src)
	if err != nil {
		return nil, err
	}
	old, err := d.story()
	if err != nil {
		return nil, err
	}
	if sameStory(old, s) {
		return bytes.Clone(src), nil
	}
	c := &cloner{origin: map[*yaml.Node]*yaml.Node{}}
	root := mapNode()
	if d.root != nil {
		root = c.clone(d.root)
	}
	var x *yaml.Node
	if _, ok := lookup(root, extensionKey); ok {
		if x, err = editableMap(root, extensionKey, extensionKey, true); err != nil {
			return nil, err
		}
	} else {
		x = mapNode()
		root.Content = append([]*yaml.Node{strNode(extensionKey), x}, root.Content...)
	}
	for _, k := range storyKeys {
		if *old.text(k) != *s.text(k) {
			if err := setOrDelete(x, k, *s.text(k), extensionKey+"."+k); err != nil {
				return nil, err
			}
		}
	}
	if !slices.Equal(old.Labels, s.Labels) {
		if err := setLabels(x, s.Labels); err != nil {
			return nil, err
		}
	}
	if len(pairs(x)) == 0 {
		if err := deleteKey(root, extensionKey, extensionKey); err != nil {
			return nil, err
		}
	}
	if err := checkAnchors(root); err != nil {
		return nil, err
	}
	p := newPatcher(d, c.origin)
	if err := p.patchRoot(root); err != nil {
		return nil, fmt.Errorf("writing the story: %w", err)
	}
	out, err := p.apply()
	if err != nil {
		return nil, err
	}
	return out, verifyStory(out, root, s)
}

// setLabels writes x-dsp.labels, keeping the labels that stay.
func setLabels(x *yaml.Node, labels []string) error {
	field := extensionKey + ".labels"
	if len(labels) == 0 {
		return deleteKey(x, "labels", field)
	}
	seq, err := editableSeq(x, "labels", field, true)
	if err != nil {
		return err
	}
	seq.Content = reconcile(seq.Content, labels, func(n *yaml.Node) string {
		name, _ := labelName(resolve(n))
		return name
	}, strNode)
	return nil
}

// verifyStory checks that the written text says the edited tree and story.
func verifyStory(out []byte, want *yaml.Node, s Story) error {
	d, err := parseDocument(out)
	if err != nil {
		return fmt.Errorf("internal error: the edited text does not parse: %w", err)
	}
	if d.root == nil || !sameTree(d.root, want) {
		return errors.New("internal error: the edited text does not say what was meant")
	}
	got, err := d.story()
	if err != nil {
		return fmt.Errorf("internal error: the edited text does not parse: %w", err)
	}
	if !sameStory(got, s) {
		return errors.New("cannot write this story in the graph editor: YAML anchors or merge keys share x-dsp with other keys; edit the text")
	}
	return nil
}
