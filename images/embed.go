// Package images bundles the build contexts of the images dsp makes for
// itself, so that the binary can build them where the repository is not at
// hand (the toolbox on first use).
package images

import (
	"embed"
	"io/fs"
)

//go:embed toolbox
var files embed.FS

// Toolbox is the build context of dsp/toolbox:latest (FROM
// dsp/debian:bookworm).
func Toolbox() fs.FS {
	sub, err := fs.Sub(files, "toolbox")
	if err != nil {
		panic(err) // the folder is embedded above
	}
	return sub
}
