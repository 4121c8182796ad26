package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/tools"
)

// OpTool is the kind of a one-shot tool's operation.
const OpTool = "tool"

// ToolsFile is the user's own catalogue of one-shot tools, in the main
// directory's .dsp.d: it adds tools to dsp's and overrides them by name.
const ToolsFile = "tools.json"

// Tools is the catalogue of one-shot tools: dsp's, with the user's file
// merged in. A broken user file is an error that names it.
func (a *App) Tools() (*tools.Catalogue, error) {
	path := filepath.Join(a.StateDir(), ToolsFile)
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return tools.Builtin(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("tool catalogue: %w", err)
	}
	defer f.Close()
	extra, err := tools.Load(f)
	if err != nil {
		return nil, fmt.Errorf("tool catalogue %s: %w", path, err)
	}
	return tools.Merge(tools.Builtin(), extra), nil
}

// ToolRequest is a one-shot tool to run on a running instance.
type ToolRequest struct {
	Tool string `json:"tool"`
	// Args replace the tool's default arguments when given.
	Args []string `json:"args,omitempty"`
	// Network is a lab network; empty: the lab's first one.
	Network string `json:"network,omitempty"`
	// Target fills {target} in the default arguments: a service's name or
	// an address; empty: the network's subnet for a tool that scans
	// networks (targetsNetwork), else an error when the tool needs one.
	Target string `json:"target,omitempty"`
}

// toolRun checks a request and turns it into what the engine runs.
func (a *App) toolRun(ctx context.Context, t *Target, ref engine.Ref, req ToolRequest) (engine.ToolRun, engine.Engine, error) {
	catalogue, err := a.Tools()
	if err != nil {
		return engine.ToolRun{}, nil, err
	}
	tool, ok := catalogue.Tool(req.Tool)
	if !ok {
		return engine.ToolRun{}, nil, &ArgError{Arg: "tool", Err: &tools.NotFoundError{Name: req.Tool}}
	}
	eng, err := a.Engine(ctx)
	if err != nil {
		return engine.ToolRun{}, nil, err
	}
	st, err := eng.Status(ctx, ref, t.Lab)
	if err != nil {
		return engine.ToolRun{}, nil, err
	}
	if !st.State.Live() {
		return engine.ToolRun{}, nil, &engine.NotRunningError{Ref: ref}
	}
	network := req.Network
	if network == "" && len(st.Networks) > 0 {
		network = st.Networks[0].Name
	}
	ns, ok := st.Network(network)
	if !ok {
		return engine.ToolRun{}, nil, &ArgError{Arg: "network", Err: &engine.NoNetworkError{Ref: ref, Network: network}}
	}
	target := req.Target
	if target == "" && tool.TargetsNetwork {
		target = ns.Subnet
	}
	argv, err := tool.Argv(req.Args, target)
	if err != nil {
		return engine.ToolRun{}, nil, &ArgError{Arg: "args", Err: &InvalidError{Msg: err.Error()}}
	}
	if err := a.imagePresent(ctx, eng, tool.Image, "tool "+tool.Name); err != nil {
		return engine.ToolRun{}, nil, err
	}
	return engine.ToolRun{Image: tool.Image, Argv: argv, Network: network}, eng, nil
}

// RunTool runs a one-shot tool on a network of a running instance, sends
// its output to onLine line by line, and returns its exit code; cancelling
// ctx stops and removes it.
func (a *App) RunTool(ctx context.Context, t *Target, ref engine.Ref, req ToolRequest, onLine func(string)) (int, error) {
	run, eng, err := a.toolRun(ctx, t, ref, req)
	if err != nil {
		return 0, err
	}
	a.log.Info("tool run", "lab", ref.String(), "tool", req.Tool, "network", run.Network, "argv", strings.Join(run.Argv, " "))
	code, err := eng.RunTool(ctx, ref, run, onLine)
	if err != nil {
		return code, fmt.Errorf("tool %s on %s: %w", req.Tool, ref, err)
	}
	return code, nil
}

// ToolExitError means a tool ended with a non-zero exit code.
type ToolExitError struct {
	Tool string
	Code int
}

func (e *ToolExitError) Error() string { return fmt.Sprintf("%s exited with code %d", e.Tool, e.Code) }

// StartTool runs a one-shot tool as an operation: its output is the
// operation's log, line by line (step "tool"), and CancelOperation stops
// it. Several tools may run on one instance at once, beside its start or
// stop.
func (a *App) StartTool(ctx context.Context, t *Target, ref engine.Ref, req ToolRequest) (*Operation, error) {
	run, eng, err := a.toolRun(ctx, t, ref, req)
	if err != nil {
		return nil, err
	}
	r := ref
	return a.ops.startCancellable(OpTool, &r, func(ctx context.Context, progress engine.Progress) error {
		progress.Emit(engine.StepTool, req.Tool, engine.StatusWorking, strings.Join(run.Argv, " ")+" (network "+run.Network+")")
		code, err := eng.RunTool(ctx, ref, run, func(line string) {
			progress.Emit(engine.StepTool, req.Tool, engine.StatusInfo, line)
		})
		switch {
		case errors.Is(err, context.Canceled):
			return fmt.Errorf("%s was cancelled", req.Tool)
		case err != nil:
			return err
		case code != 0:
			return &ToolExitError{Tool: req.Tool, Code: code}
		}
		progress.Emit(engine.StepDone, req.Tool, engine.StatusDone, req.Tool+" exited with code 0")
		return nil
	})
}
