// Package local implements engine.Engine on the local Docker Engine: it
// starts labs with Docker Compose's Go SDK, runs their wrapper actions,
// copies their files, reads their state back from Docker and tears them
// down. Docker is the source of truth: every container, network and volume
// carries dsp's labels, and no state file is kept.
package local

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/docker/cli/cli/command"
	"github.com/docker/cli/cli/flags"
	"github.com/docker/compose/v5/pkg/api"
	"github.com/docker/compose/v5/pkg/compose"
	"github.com/moby/moby/client"

	"github.com/dsp-lab/dsp/internal/engine"
)

// Labels put on every container, network and volume a lab creates. State
// is read back from them; dsp keeps no state file.
const (
	LabelManaged  = "io.dsp.managed"
	LabelRepo     = "io.dsp.repo"
	LabelLab      = "io.dsp.lab"
	LabelInstance = "io.dsp.instance"
	LabelLabDir   = "io.dsp.lab-dir"
	LabelProject  = "io.dsp.project"
	// LabelNamespace holds the main directory that started the lab: labs of
	// two main directories never share a project.
	LabelNamespace = "io.dsp.namespace"
	LabelReady     = "io.dsp.ready"
	// LabelOwner holds the owner of an instance that has one.
	LabelOwner = "io.dsp.owner"
)

// Engine runs labs on one Docker Engine.
type Engine struct {
	cli       command.Cli
	docker    client.APIClient
	lockDir   string
	namespace string
}

// Option configures an Engine.
type Option func(*Engine)

// WithNamespace keeps the labs of one main directory apart from those of
// another on the same Docker Engine (pass the main directory's path).
func WithNamespace(ns string) Option {
	return func(e *Engine) {
		if ns != "" {
			e.namespace = ns
		}
	}
}

// defaultNamespace is used when no namespace is given.
const defaultNamespace = "default"

// New connects to the Docker Engine the way the docker CLI does (DOCKER_HOST,
// the current context) and keeps per-lab locks in lockDir.
func New(ctx context.Context, lockDir string, opts ...Option) (*Engine, error) {
	dockerCli, err := command.NewDockerCli(command.WithOutputStream(io.Discard), command.WithErrorStream(io.Discard))
	if err != nil {
		return nil, fmt.Errorf("docker client: %w", err)
	}
	if err := dockerCli.Initialize(flags.NewClientOptions()); err != nil {
		return nil, fmt.Errorf("docker client: %w", err)
	}
	if err := os.MkdirAll(lockDir, 0o700); err != nil {
		return nil, fmt.Errorf("lock folder: %w", err)
	}
	e := &Engine{cli: dockerCli, docker: dockerCli.Client(), lockDir: lockDir, namespace: defaultNamespace}
	for _, o := range opts {
		o(e)
	}
	if _, err := e.docker.Ping(ctx, client.PingOptions{}); err != nil {
		_ = e.docker.Close()
		return nil, fmt.Errorf("ping %s: %w", e.docker.DaemonHost(), err)
	}
	return e, nil
}

// Close releases the connection to Docker.
func (e *Engine) Close() error { return e.docker.Close() }

// compose returns a Compose service whose progress goes to events.
func (e *Engine) compose(events api.EventProcessor) (api.Compose, error) {
	opts := []compose.Option{compose.WithStreams(io.Discard, io.Discard, strings.NewReader(""))}
	if events != nil {
		opts = append(opts, compose.WithEventProcessor(events))
	}
	svc, err := compose.NewComposeService(e.cli, opts...)
	if err != nil {
		return nil, fmt.Errorf("compose: %w", err)
	}
	return svc, nil
}

// Project is the compose project name of the instance: readable, and unique
// even when two repositories (or two main directories) hold labs of the same
// name or names that slug alike ("My Lab" and "my-lab").
func (e *Engine) Project(r engine.Ref) string { return engine.ProjectName(e.namespace, r) }

func (e *Engine) labels(r engine.Ref, dir string) map[string]string {
	labels := map[string]string{
		LabelManaged:   "true",
		LabelRepo:      r.Repo,
		LabelLab:       r.Lab,
		LabelInstance:  r.Instance,
		LabelLabDir:    dir,
		LabelProject:   e.Project(r),
		LabelNamespace: e.namespace,
	}
	if r.Owner != "" {
		labels[LabelOwner] = r.Owner
	}
	return labels
}

// refOf reads the instance a container, network or volume belongs to from
// its labels.
func refOf(labels map[string]string) engine.Ref {
	instance := labels[LabelInstance]
	if instance == "" {
		instance = engine.DefaultInstance
	}
	return engine.Ref{Owner: labels[LabelOwner], Repo: labels[LabelRepo], Lab: labels[LabelLab], Instance: instance}
}

func projectFilter(project string) client.Filters {
	return client.Filters{}.Add("label", LabelProject+"="+project)
}

// Compile-time proof that Engine is an engine.Engine.
var _ engine.Engine = (*Engine)(nil)

// Connect connects to the local Docker Engine for the labs of one main
// directory (namespace), with its cross-process locks in lockDir.
func Connect(ctx context.Context, lockDir, namespace string) (engine.Engine, error) {
	e, err := New(ctx, lockDir, WithNamespace(namespace))
	if err != nil {
		return nil, err
	}
	return e, nil
}
