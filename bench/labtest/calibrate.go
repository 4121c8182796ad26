package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/dsp-lab/dsp/bench/internal/benchkit"
)

// probe is one kind of single command timed on a running lab, to show what
// one check costs each tool apart from the check itself.
type probe struct {
	name  string // short name
	shown string // the command, for the report
	note  string // what it does, for the report
	times []time.Duration
}

// calibrate starts the lab with compose (untimed), times single commands
// of each kind -calibrate times, alternating them, and takes it down.
func (h *harness) calibrate(ctx context.Context, l *labSpec) ([]*probe, error) {
	fmt.Printf("\ncalibration on %s: %d of each single command\n", l.row, h.cfg.calibrate)
	left, err := resources(ctx, h.filters(l, toolCompose))
	if err != nil {
		return nil, err
	}
	if !left.empty() {
		return nil, fmt.Errorf("not starting from nothing: %s", left)
	}
	base := h.composeBase(l)
	_, upOut, code, err := timedRun(ctx, append(slices.Clone(base), "up", "-d", "--wait"), stepTimeout)
	if err == nil && code != 0 {
		err = fmt.Errorf("exit status %d", code)
	}
	if err != nil {
		return nil, fmt.Errorf("compose up: %w\n%s", err, benchkit.Indent(upOut))
	}
	defer func() {
		_, _, _, _ = timedRun(context.WithoutCancel(ctx), append(slices.Clone(base), "down", "--timeout", "0"), stepTimeout)
	}()
	id, err := benchkit.Output(ctx, "", h.compose, append(slices.Clone(base[1:]), "ps", "-q", "client")...)
	if err != nil {
		return nil, fmt.Errorf("find the client container: %w", err)
	}
	if id == "" {
		return nil, errors.New("find the client container: compose lists none")
	}
	probes := []struct {
		p    *probe
		argv []string
	}{
		{&probe{name: "compose exec", shown: "docker-compose -p P -f compose.yaml exec -T client true", note: "what the script runs per check, minus the check"}, append(slices.Clone(base), "exec", "-T", "client", "true")},
		{&probe{name: "docker exec", shown: "docker exec CONTAINER true", note: "the docker CLI: no compose file, the container given"}, []string{"docker", "exec", strings.Fields(id)[0], "true"}},
		{&probe{name: "compose config", shown: "docker-compose -p P -f compose.yaml config --quiet", note: "start the compose CLI and load the file; no Engine call"}, append(slices.Clone(base), "config", "--quiet")},
		{&probe{name: "dsp validate", shown: "dsp --home H lab validate benchlt/LAB", note: "start dsp and load the lab; no Engine call"}, []string{h.dsp, "--home", h.cfg.home, "lab", "validate", l.ref()}},
	}
	for i := 0; i < h.cfg.calibrate+1; i++ { // the first round is a warm-up
		for _, pr := range probes {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			d, out, code, err := timedRun(ctx, pr.argv, time.Minute)
			if err == nil && code != 0 {
				err = fmt.Errorf("exit status %d", code)
			}
			if err != nil {
				return nil, fmt.Errorf("%s: %w\n%s", strings.Join(pr.argv, " "), err, benchkit.Indent(out))
			}
			if i > 0 {
				pr.p.times = append(pr.p.times, d)
			}
		}
	}
	var out []*probe
	for _, pr := range probes {
		st := benchkit.Summarize(pr.p.times)
		fmt.Printf("  %-16s median %s\n", pr.p.name, benchkit.Millis(st.Median))
		out = append(out, pr.p)
	}
	return out, nil
}

// healthSeen is what `dsp lab status --json` says about the server of the
// healthcheck lab right after `dsp lab up`, while its healthcheck is still
// starting.
type healthSeen struct {
	health string // the service's "health" field ("" when dsp reports none)
	status string // the container's status text from the Engine
}

// probeHealth starts the healthcheck lab with `dsp lab up` (untimed), asks
// `dsp lab status --json` at once whether dsp sees the server's health,
// and stops it: dsp's `healthy` step waits only for the health it sees.
func (h *harness) probeHealth(ctx context.Context, l *labSpec) (*healthSeen, error) {
	fmt.Printf("\nhealth probe on %s\n", l.row)
	filters := h.filters(l, toolDSP)
	if left, err := resources(ctx, filters); err != nil {
		return nil, err
	} else if !left.empty() {
		return nil, fmt.Errorf("not starting from nothing: %s", left)
	}
	base := []string{h.dsp, "--home", h.cfg.home, "lab"}
	_, upOut, code, err := timedRun(ctx, append(slices.Clone(base), "up", l.ref(), "--plain"), stepTimeout)
	if err == nil && code != 0 {
		err = fmt.Errorf("exit status %d", code)
	}
	if err != nil {
		return nil, fmt.Errorf("dsp lab up: %w\n%s", err, benchkit.Indent(upOut))
	}
	defer func() {
		_, _, _, _ = timedRun(context.WithoutCancel(ctx), append(slices.Clone(base), "down", l.ref(), "--plain"), stepTimeout)
	}()
	out, err := benchkit.Output(ctx, "", h.dsp, "--home", h.cfg.home, "lab", "status", l.ref(), "--json")
	if err != nil {
		return nil, err
	}
	var st struct {
		Services []struct {
			Name   string `json:"name"`
			Health string `json:"health"`
			Status string `json:"status"`
		} `json:"services"`
	}
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		return nil, fmt.Errorf("dsp lab status --json: %w", err)
	}
	for _, s := range st.Services {
		if s.Name == "server" {
			fmt.Printf("  dsp sees health %q, the Engine's status says %q\n", s.Health, s.Status)
			return &healthSeen{health: s.Health, status: s.Status}, nil
		}
	}
	return nil, fmt.Errorf("dsp lab status shows no server:\n%s", benchkit.Indent(out))
}

// blind tells whether dsp could not see a healthcheck the Engine reports.
func (s *healthSeen) blind() bool {
	return s != nil && s.health == "" && strings.Contains(s.status, "health:")
}
