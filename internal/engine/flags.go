package engine

import (
	"slices"
	"strings"

	"github.com/dsp-lab/dsp/internal/ctf"
	"github.com/dsp-lab/dsp/internal/lab"
)

// PlantFlag returns the lab as it runs with its flag, the flag, and the
// hashes of the flags a user may submit: the instance's fresh flag and the literal flags
// of ctf actions. flag is used when given; otherwise a lab that declares a
// flag gets a fresh one.
func PlantFlag(l *lab.Lab, flag string) (*lab.Lab, string, []string, error) {
	if l.Flag != nil && flag == "" {
		var err error
		if flag, err = ctf.NewFlag(l.Flag.Prefix); err != nil {
			return nil, "", nil, err
		}
	}
	planted := l.WithFlag(flag)
	var hashes []string
	if l.Flag != nil {
		hashes = append(hashes, ctf.Hash(flag))
	}
	for _, f := range planted.CTFFlags() {
		if h := ctf.Hash(f); !slices.Contains(hashes, h) {
			hashes = append(hashes, h)
		}
	}
	return planted, flag, hashes, nil
}

// HideFlag keeps the instance's flag out of progress messages, which
// students see: an action's arguments and output may carry it.
func HideFlag(progress Progress, flag string) Progress {
	if progress == nil || flag == "" {
		return progress
	}
	return func(ev Event) {
		ev.Message = strings.ReplaceAll(ev.Message, flag, "•••")
		progress(ev)
	}
}
