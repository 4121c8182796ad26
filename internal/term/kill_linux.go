//go:build linux

package term

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// proc is a process as /proc/PID/stat describes it.
type proc struct {
	pid, ppid, pgrp, sid int
	tty, tpgid           int    // controlling terminal and its foreground process group
	start                uint64 // start time in clock ticks since boot: tells a reused PID apart
	state                byte
}

// readProc reads /proc/PID/stat; ok is false when the process is gone.
func readProc(pid int) (proc, bool) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return proc{}, false
	}
	// "pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt
	// majflt cmajflt utime stime cutime cstime priority nice threads
	// itrealvalue starttime ..."; comm may hold spaces and parentheses.
	s := string(data)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return proc{}, false
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 20 {
		return proc{}, false
	}
	p := proc{pid: pid, state: f[0][0]}
	p.ppid, _ = strconv.Atoi(f[1])
	p.pgrp, _ = strconv.Atoi(f[2])
	p.sid, _ = strconv.Atoi(f[3])
	p.tty, _ = strconv.Atoi(f[4])
	p.tpgid, _ = strconv.Atoi(f[5])
	p.start, _ = strconv.ParseUint(f[19], 10, 64)
	return p, true
}

// allProcs lists the processes this host shows in /proc.
func allProcs() ([]proc, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, err
	}
	var out []proc
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if p, ok := readProc(pid); ok {
			out = append(out, p)
		}
	}
	return out, nil
}

// inContainer reports whether the process belongs to the container's
// cgroup: this is what proves that a PID given by the engine names a process
// of this host (and not, with a remote engine, an unrelated one).
func inContainer(pid int, containerID string) bool {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cgroup")
	return err == nil && strings.Contains(string(data), containerID)
}

// CleanupError says that an exec's processes could not be ended from this
// host: the engine is remote, or its processes are not visible here.
type CleanupError struct {
	PID    int
	Reason string
}

func (e *CleanupError) Error() string {
	return fmt.Sprintf("cannot end the exec's process (PID %d on the engine's host): %s; it runs until it ends by itself or its container stops", e.PID, e.Reason)
}

// killSession ends the exec process execPid (when it still runs), its
// descendants and the other processes of its session, all verified to be
// in the container's cgroup: SIGHUP to the descendants first (so that the
// shell reaps them), then to the exec process, then SIGKILL to whatever is
// left after a short grace.
func killSession(ctx context.Context, containerID string, initPid, execPid int, running bool) error {
	if !inContainer(initPid, containerID) {
		return &CleanupError{PID: execPid, Reason: "the Docker Engine's processes are not visible from here (remote engine, or another PID namespace)"}
	}
	procs, err := allProcs()
	if err != nil {
		return &CleanupError{PID: execPid, Reason: err.Error()}
	}
	tree := newProcTree(procs)
	leader, leaderAlive := tree.byPID[execPid]
	leaderAlive = leaderAlive && running && leader.state != 'Z' && inContainer(execPid, containerID)

	targets := tree.session(execPid, leader, leaderAlive)
	var rest []proc
	for pid, p := range targets {
		if p.state != 'Z' && inContainer(pid, containerID) {
			rest = append(rest, p)
		}
	}
	fgGroup, fgRoot := -1, -1
	if leaderAlive {
		fgGroup, fgRoot = foreground(leader, tree.children[execPid], targets)
	}
	bg, fg := targets.split(rest, fgGroup, fgRoot)
	return endSession(ctx, execPid, bg, fg, leader, leaderAlive)
}

// procTree is the processes of the host, listed once.
type procTree struct {
	procs    []proc
	byPID    map[int]proc
	children map[int][]int // by parent PID
}

func newProcTree(procs []proc) procTree {
	t := procTree{procs: procs, byPID: map[int]proc{}, children: map[int][]int{}}
	for _, p := range procs {
		t.children[p.ppid] = append(t.children[p.ppid], p.pid)
		t.byPID[p.pid] = p
	}
	return t
}

// session returns the exec's descendants (when the exec process, the
// leader, still runs) and the rest of its session (jobs it left in the
// background, reparented to the container's init), without the exec
// process itself.
func (t procTree) session(execPid int, leader proc, leaderAlive bool) procSet {
	targets := procSet{}
	var add func(pid int)
	add = func(pid int) {
		for _, c := range t.children[pid] {
			if _, seen := targets[c]; !seen && c != execPid {
				targets[c] = t.byPID[c]
				add(c)
			}
		}
	}
	if leaderAlive {
		add(execPid)
	}
	for _, p := range t.procs {
		if p.sid == execPid && p.pid != execPid && (!leaderAlive || p.start >= leader.start) {
			if _, seen := targets[p.pid]; !seen {
				targets[p.pid] = p
				add(p.pid)
			}
		}
	}
	return targets
}

// procSet is the processes to end, by PID.
type procSet map[int]proc

// depth is how many of p's ancestors are in the set.
func (s procSet) depth(p proc) int {
	d := 0
	for ; d < 64; d++ {
		parent, ok := s[p.ppid]
		if !ok {
			break
		}
		p = parent
	}
	return d
}

// under reports whether p is root or descends from it through the set.
func (s procSet) under(p proc, root int) bool {
	for d := 0; d < 64; d++ {
		if p.pid == root {
			return true
		}
		parent, ok := s[p.ppid]
		if !ok {
			return false
		}
		p = parent
	}
	return false
}

// foreground finds the foreground job of a running exec process (the
// leader): on a terminal, the terminal's foreground process group when it
// is not the leader's own; without one, the newest of the leader's children
// (children are their PIDs), the one the shell waits for. Either is -1
// when there is none.
func foreground(leader proc, children []int, targets procSet) (group, root int) {
	group, root = -1, -1
	if leader.tty != 0 {
		if leader.tpgid > 0 && leader.tpgid != leader.pgrp {
			group = leader.tpgid
		}
		return group, root
	}
	// No terminal, no job control: the shell waits for its newest child.
	var newest uint64
	for _, c := range children {
		if p, ok := targets[c]; ok && p.start >= newest {
			newest, root = p.start, c
		}
	}
	return group, root
}

// split sorts the processes rest into the background and the foreground
// job (the process group fgGroup, or what is under fgRoot).
//
// Order matters where PID 1 does not reap orphans (most lab images run
// `sleep infinity` or a server as PID 1): a process that dies after its
// parent shell is reparented to PID 1 and stays a zombie. So the
// background jobs go first, while the shell still waits for its
// foreground job and reaps them; then the foreground job; then the
// shell; deepest processes first within each step.
func (s procSet) split(rest []proc, fgGroup, fgRoot int) (bg, fg []proc) {
	for _, p := range rest {
		if p.pgrp == fgGroup || (fgRoot > 0 && s.under(p, fgRoot)) {
			fg = append(fg, p)
		} else {
			bg = append(bg, p)
		}
	}
	for _, ps := range [][]proc{bg, fg} {
		sort.Slice(ps, func(i, j int) bool { return s.depth(ps[i]) > s.depth(ps[j]) })
	}
	return bg, fg
}

// endSession signals the background jobs, the foreground job and then the
// leader (when it is alive) with SIGHUP, one step after the other, and
// with SIGKILL whatever is left after a grace.
func endSession(ctx context.Context, execPid int, bg, fg []proc, leader proc, leaderAlive bool) error {
	signal(bg, syscall.SIGHUP)
	waitGone(ctx, bg, 300*time.Millisecond, present)
	signal(fg, syscall.SIGHUP)
	waitGone(ctx, fg, 300*time.Millisecond, present)
	rest := append(bg, fg...)
	all := rest
	if leaderAlive {
		signal([]proc{leader}, syscall.SIGHUP)
		all = append(append([]proc(nil), rest...), leader)
	}
	if waitGone(ctx, all, 700*time.Millisecond, alive) {
		return nil
	}
	signal(rest, syscall.SIGKILL)
	waitGone(ctx, rest, 200*time.Millisecond, present)
	if leaderAlive {
		signal([]proc{leader}, syscall.SIGKILL)
	}
	if !waitGone(ctx, all, 2*time.Second, alive) {
		return &CleanupError{PID: execPid, Reason: "it survived SIGKILL"}
	}
	return nil
}

// signal sends sig (and SIGCONT, so that stopped jobs act on it) to each
// process that is still the one that was listed.
func signal(ps []proc, sig syscall.Signal) {
	for _, p := range ps {
		if alive(p) {
			_ = syscall.Kill(p.pid, sig)
			if sig != syscall.SIGKILL {
				_ = syscall.Kill(p.pid, syscall.SIGCONT)
			}
		}
	}
}

// alive reports whether the listed process still runs (not a zombie, PID
// not reused).
func alive(p proc) bool {
	now, ok := readProc(p.pid)
	return ok && now.start == p.start && now.state != 'Z' && now.state != 'X'
}

// present reports whether the listed process still exists, even as a
// zombie that its parent has not reaped yet.
func present(p proc) bool {
	now, ok := readProc(p.pid)
	return ok && now.start == p.start
}

// waitGone waits up to d until exists is false for every process; it
// reports whether it became so.
func waitGone(ctx context.Context, ps []proc, d time.Duration, exists func(proc) bool) bool {
	deadline := time.Now().Add(d)
	for {
		gone := true
		for _, p := range ps {
			if exists(p) {
				gone = false
				break
			}
		}
		if gone {
			return true
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
}
