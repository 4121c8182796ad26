// Package engine runs labs on the local Docker Engine: it starts them with
// Docker Compose's Go SDK, runs their wrapper actions, copies their files,
// reads their state back from Docker and tears them down.
package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/docker/cli/cli/command"
	"github.com/docker/cli/cli/flags"
	"github.com/docker/compose/v5/pkg/api"
	"github.com/docker/compose/v5/pkg/compose"
	"github.com/moby/moby/client"

	"github.com/dsp-lab/dsp/internal/lab"
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
)

// DefaultInstance is the instance the CLI starts; the instance is part of
// a running lab's identity so that one lab can later run once per student.
const DefaultInstance = "default"

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
		return nil, fmt.Errorf("cannot reach the Docker Engine (is dockerd running? `docker info` should answer): %w", err)
	}
	return e, nil
}

// Close releases the connection to Docker.
func (e *Engine) Close() error { return e.docker.Close() }

// Docker returns the Engine API client, for packages that work on a lab's
// containers (terminals, captures).
func (e *Engine) Docker() client.APIClient { return e.docker }

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

// Ref names one running instance of a lab.
type Ref struct {
	Repo     string `json:"repo"`
	Lab      string `json:"lab"`
	Instance string `json:"instance"`
}

// RefOf returns the default instance of a lab.
func RefOf(l *lab.Lab) Ref { return Ref{Repo: l.Repo, Lab: l.Name, Instance: DefaultInstance} }

func (r Ref) String() string {
	s := r.Repo + "/" + r.Lab
	if r.Instance != "" && r.Instance != DefaultInstance {
		s += "#" + r.Instance
	}
	return s
}

// Project is the compose project name of the instance: readable, and unique
// even when two repositories (or two main directories) hold labs of the same
// name or names that slug alike ("My Lab" and "my-lab").
func (e *Engine) Project(r Ref) string {
	instance := r.Instance
	if instance == "" {
		instance = DefaultInstance
	}
	sum := sha256.Sum256([]byte(e.namespace + "\x00" + r.Repo + "\x00" + r.Lab + "\x00" + instance))
	name := "dsp_" + trim(lab.Slug(r.Repo), 20) + "_" + trim(lab.Slug(r.Lab), 30)
	if instance != DefaultInstance {
		name += "_" + trim(lab.Slug(instance), 20)
	}
	return name + "_" + hex.EncodeToString(sum[:3])
}

func (e *Engine) labels(r Ref, dir string) map[string]string {
	instance := r.Instance
	if instance == "" {
		instance = DefaultInstance
	}
	return map[string]string{
		LabelManaged:   "true",
		LabelRepo:      r.Repo,
		LabelLab:       r.Lab,
		LabelInstance:  instance,
		LabelLabDir:    dir,
		LabelProject:   e.Project(r),
		LabelNamespace: e.namespace,
	}
}

func trim(s string, n int) string {
	if len(s) > n {
		return strings.Trim(s[:n], "-")
	}
	return s
}

func projectFilter(project string) client.Filters {
	return client.Filters{}.Add("label", LabelProject+"="+project)
}

func absDir(dir string) string {
	if abs, err := filepath.Abs(dir); err == nil {
		return abs
	}
	return dir
}
