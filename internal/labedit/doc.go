// Package labedit is the model a graphical topology editor edits, converted
// to and from compose YAML text without losing anything.
//
// [Parse] reads the networks and services of a compose file into a [Model];
// [Render] writes an edited model back onto the same text. Render patches
// the text: it rewrites only the nodes whose value changed, deletes and
// appends whole entries, and leaves every other byte where it was, so keys
// the model does not know, comments, key order, quoting and indentation
// survive, and an unchanged model gives the text back byte for byte.
//
// Each result is checked before it is returned: the patched text must parse
// to exactly the intended YAML tree and to the edited model. An edit that
// YAML anchors would spread to other nodes, or that a merge key (<<) makes
// impossible to express locally, is refused with an error naming the key
// rather than written wrongly.
package labedit
