package local

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/docker/compose/v5/pkg/api"

	"github.com/dsp-lab/dsp/internal/engine"
)

// composeEvents turns Compose's progress into dsp events.
type composeEvents struct {
	progress engine.Progress
	project  string
	mu       sync.Mutex
}

func (c *composeEvents) Start(context.Context, string) {}
func (c *composeEvents) Done(string, bool)             {}

func (c *composeEvents) On(events ...api.Resource) {
	if c.progress == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, r := range events {
		kind, target := c.classify(r.ID)
		if kind == "" {
			continue
		}
		status := engine.StatusWorking
		switch r.Status {
		case api.Done:
			status = engine.StatusDone
		case api.Warning:
			status = engine.StatusWarning
		case api.Error:
			status = engine.StatusError
		}
		msg := strings.TrimSpace(r.Text + " " + r.Details)
		c.progress(engine.Event{Time: time.Now(), Step: kind, Target: target, Status: status, Message: msg, Percent: r.Percent})
	}
}

// classify maps a Compose resource id ("Container dsp_x-web-1",
// "Network dsp_x_lan", "Image foo") to a step and a short target name.
func (c *composeEvents) classify(id string) (engine.Step, string) {
	kind, name, ok := strings.Cut(id, " ")
	if !ok {
		return "", ""
	}
	short := strings.TrimPrefix(strings.TrimPrefix(name, c.project+"-"), c.project+"_")
	switch kind {
	case "Container":
		short = strings.TrimSuffix(short, "-1")
		return engine.StepContainer, short
	case "Network":
		return engine.StepNetwork, short
	case "Image":
		return engine.StepBuild, name
	case "Volume":
		return engine.StepContainer, "volume " + short
	}
	return "", ""
}
