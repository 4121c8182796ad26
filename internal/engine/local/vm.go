package local

import (
	"context"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/lab"
)

// applyVMs turns every VM service of the project into the helper
// container that runs it: dsp's QEMU image and launcher, the lab folder
// read-only, /dev/net/tun (and /dev/kvm where the host has it: the launcher
// falls back to TCG when it does not work) and NET_ADMIN in the service's
// own network namespace, to bridge its lab interfaces to the VM. What the
// lab asked of the service otherwise (its networks, addresses, ports,
// limits) is kept. It runs after the policy check: these are dsp's own.
func applyVMs(p *types.Project, l *lab.Lab) error {
	for _, name := range sortedKeys(p.Services) {
		vm := l.VM(name)
		if vm == nil {
			continue
		}
		cfg, err := engine.VMConfigOf(name, vm, l.Dir)
		if err != nil {
			return err
		}
		s := p.Services[name]
		s.Image, s.Build = lab.VMHelperImage, nil
		s.PullPolicy = types.PullPolicyNever
		s.Entrypoint = types.ShellCommand{engine.VMLauncher}
		s.Command = types.ShellCommand{"run"}
		env := types.MappingWithEquals{}
		for k, v := range s.Environment {
			env[k] = v
		}
		value := cfg.JSON()
		env[engine.VMConfigEnv] = &value
		s.Environment = env
		s.CapAdd = appendMissing(s.CapAdd, "NET_ADMIN")
		s.Devices = append(s.Devices, types.DeviceMapping{Source: "/dev/net/tun", Target: "/dev/net/tun", Permissions: "rwm"})
		if _, err := os.Stat("/dev/kvm"); err == nil {
			s.Devices = append(s.Devices, types.DeviceMapping{Source: "/dev/kvm", Target: "/dev/kvm", Permissions: "rwm"})
		}
		s.Volumes = append(s.Volumes, types.ServiceVolumeConfig{Type: types.VolumeTypeBind, Source: l.Dir, Target: engine.VMLabMount, ReadOnly: true})
		if vm.KeepDisk {
			key := keptDiskVolume(name)
			p.Volumes[key] = types.VolumeConfig{Name: keptDiskName(p.Name, name), Labels: types.Labels{LabelManaged: "true", LabelNamespace: namespaceOf(p), LabelKeptDisk: p.Name + "/" + name}}
			s.Volumes = append(s.Volumes, types.ServiceVolumeConfig{Type: types.VolumeTypeVolume, Source: key, Target: engine.VMStateMount})
		}
		if s.StopGracePeriod == nil {
			// the launcher quits QEMU at once on SIGTERM
			d := types.Duration(2 * time.Second)
			s.StopGracePeriod = &d
		}
		p.Services[name] = s
	}
	return nil
}

// LabelKeptDisk marks the volume that keeps a VM's disk across stops
// (x-dsp.vm.keep_disk): PROJECT/SERVICE. It has no project label, so that
// a stop leaves it; the next start of the instance finds it by name.
const LabelKeptDisk = "io.dsp.vm-disk"

func keptDiskVolume(service string) string { return "dsp-vm-disk-" + service }

// keptDiskName is the Docker name of an instance's kept VM disk.
func keptDiskName(project, service string) string { return project + "_vmdisk_" + service }

// namespaceOf reads the main directory a project's services are labelled
// with.
func namespaceOf(p *types.Project) string {
	for _, s := range p.Services {
		if ns := s.Labels[LabelNamespace]; ns != "" {
			return ns
		}
	}
	return ""
}

func appendMissing(list []string, v string) []string {
	for _, x := range list {
		if x == v {
			return list
		}
	}
	return append(list, v)
}

// waitVMs waits until every VM service whose lab names a ready condition
// meets it (its console printed the line, or its port answers), with
// progress: a VM under TCG takes a while.
func (e *Engine) waitVMs(ctx context.Context, l *lab.Lab, ref engine.Ref, containers map[string]string, progress engine.Progress) error {
	for _, svc := range l.Services() {
		vm := svc.VM
		if vm == nil || (vm.ReadyConsole == "" && vm.ReadyPort == 0) {
			continue
		}
		started := time.Now()
		var err error
		if vm.ReadyConsole != "" {
			progress.Emit(engine.StepContainer, svc.Name, engine.StatusWorking, fmt.Sprintf("booting the VM (%s): waiting for %q on its console", vm, vm.ReadyConsole))
			err = e.waitConsole(ctx, svc.Name, vm, containers[svc.Name])
		} else {
			progress.Emit(engine.StepContainer, svc.Name, engine.StatusWorking, fmt.Sprintf("booting the VM (%s): waiting for its port %d", vm, vm.ReadyPort))
			err = e.waitPort(ctx, ref, svc.Name, vm)
		}
		if err != nil {
			progress.Emit(engine.StepContainer, svc.Name, engine.StatusError, err.Error())
			return &engine.StepError{Step: engine.StepContainer, Target: svc.Name, Err: err}
		}
		progress.Emit(engine.StepContainer, svc.Name, engine.StatusDone, fmt.Sprintf("VM up in %s", time.Since(started).Round(100*time.Millisecond)))
	}
	return nil
}

// waitConsole waits in the helper container for the console's ready line.
func (e *Engine) waitConsole(ctx context.Context, service string, vm *lab.VM, container string) error {
	code, out, err := e.exec(ctx, container, engine.VMWaitCommand(vm.ReadyConsole, int(vm.ReadyTimeout.Seconds())), false, func(string) {})
	if err != nil {
		// the launcher exited (a bad image, a kernel that does not boot):
		// what it said is the reason
		if tail := e.logTail(context.WithoutCancel(ctx), container, 15); tail != "" {
			return fmt.Errorf("VM %s stopped: %s", service, tail)
		}
		return err
	}
	if code != 0 {
		return &engine.VMNotReadyError{Service: service, Pattern: vm.ReadyConsole, Timeout: vm.ReadyTimeout, Console: out}
	}
	return nil
}

// waitPort waits until the VM's port answers on its first lab address,
// dialled from the host, which is on every bridge network of the lab.
func (e *Engine) waitPort(ctx context.Context, ref engine.Ref, service string, vm *lab.VM) error {
	st, err := e.status(ctx, ref, nil, false)
	if err != nil {
		return err
	}
	s, _ := st.Service(service)
	if len(s.Networks) == 0 || s.Networks[0].IP == "" {
		return fmt.Errorf("VM %s has no lab address to wait on", service)
	}
	addr := net.JoinHostPort(s.Networks[0].IP, strconv.Itoa(vm.ReadyPort))
	ctx, cancel := context.WithTimeout(ctx, vm.ReadyTimeout)
	defer cancel()
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	var d net.Dialer
	for {
		attempt, stop := context.WithTimeout(ctx, 2*time.Second)
		conn, err := d.DialContext(attempt, "tcp", addr)
		stop()
		if err == nil {
			conn.Close()
			return nil
		}
		select {
		case <-ctx.Done():
			return &engine.VMNotReadyError{Service: service, Pattern: "port " + addr, Timeout: vm.ReadyTimeout, Console: err.Error()}
		case <-tick.C:
		}
	}
}

// logTail is the last lines a container printed, or "".
func (e *Engine) logTail(ctx context.Context, id string, lines int) string {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	// a container on its way out says its last words first
	wait := e.docker.ContainerWait(ctx, id, client.ContainerWaitOptions{Condition: container.WaitConditionNotRunning})
	select {
	case <-wait.Result:
	case err := <-wait.Error:
		_ = err // gone already, or never there: the logs say what they can
	case <-ctx.Done():
	}
	r, err := e.docker.ContainerLogs(ctx, id, client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true, Tail: strconv.Itoa(lines)})
	if err != nil {
		return ""
	}
	defer r.Close()
	var out strings.Builder
	if _, err := stdcopy.StdCopy(&out, &out, r); err != nil {
		return ""
	}
	return strings.TrimSpace(out.String())
}
