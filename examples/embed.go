// Package examples bundles the example lab repository into the dsp binary,
// so that a new main directory can be given labs that run offline.
package examples

import (
	"embed"
	"io/fs"
)

//go:embed all:hello-flag all:routed-network .dsp labels.json
var files embed.FS

// FS returns the example repository: its .dsp marker, labels.json and one
// folder per lab.
func FS() fs.FS { return files }
