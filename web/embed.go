// Package web holds the browser UI of dsp. The UI is built with
// `npm run build` (make web) into dist/, which is embedded into the binary.
// dist/ is not tracked except for dist/.gitkeep, so the package compiles on a
// fresh clone; the server then finds no index.html and says the UI is not built.
package web

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// Assets returns the built UI: index.html and assets/ at its root.
func Assets() (fs.FS, error) {
	return fs.Sub(dist, "dist")
}
