package engine

import (
	"context"
	"io"

	"github.com/dsp-lab/dsp/internal/archive"
)

// ServiceFiles is the archive API of one service's container, for the
// copy rules of package archive (docker cp's).
func ServiceFiles(s Services, ref Ref, service string) archive.Container {
	return serviceFiles{s: s, ref: ref, service: service}
}

type serviceFiles struct {
	s       Services
	ref     Ref
	service string
}

func (f serviceFiles) StatPath(ctx context.Context, path string) (archive.PathStat, error) {
	return f.s.StatPath(ctx, f.ref, f.service, path)
}

func (f serviceFiles) CopyIn(ctx context.Context, dir string, content io.Reader) error {
	return f.s.CopyIn(ctx, f.ref, f.service, dir, content)
}

func (f serviceFiles) CopyOut(ctx context.Context, path string) (io.ReadCloser, error) {
	return f.s.CopyOut(ctx, f.ref, f.service, path)
}
