// Package linkshape impairs a network interface of a container the way a
// slow or bad link would: a rate limit, a delay with jitter, a share of
// lost packets. It sets one root queueing discipline (qdisc) of its own on
// the interface, in the network namespace of one of the container's
// processes, through netlink: no tc binary and no shell.
//
// A rate alone is a token bucket filter (tbf), which every kernel dsp runs
// on has. Delay, jitter and loss need the network emulator (netem, module
// sch_netem), which some kernels lack: Set then returns a
// *MissingKernelFeatureError and leaves the interface as it was.
//
// Changing a queueing discipline needs CAP_NET_ADMIN in the namespace:
// dsp must run as root on the Docker host (Linux).
package linkshape

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Limits of what Set applies.
const (
	MinRate  = 8000        // the lowest rate limit, in bits per second
	MaxDelay = time.Minute // the longest delay, and the largest jitter
)

// Shape is how an interface's outgoing traffic is impaired. The zero Shape
// leaves it alone.
type Shape struct {
	Rate   uint64        // bits per second, 0 = unlimited
	Delay  time.Duration // needs sch_netem
	Jitter time.Duration // needs sch_netem (and Delay)
	Loss   float64       // percent 0..100, needs sch_netem
}

// IsZero reports whether the shape impairs nothing.
func (s Shape) IsZero() bool { return s == Shape{} }

// needsNetem reports whether the shape has anything only netem does.
func (s Shape) needsNetem() bool { return s.Delay != 0 || s.Jitter != 0 || s.Loss != 0 }

// String describes the shape, as "rate 1Mbit/s, delay 50ms ±10ms, loss 1%";
// the zero shape is "none".
func (s Shape) String() string {
	var parts []string
	if s.Rate != 0 {
		parts = append(parts, "rate "+FormatRate(s.Rate))
	}
	if netem := s.netemString(); netem != "" {
		parts = append(parts, netem)
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// netemString describes the parts of the shape that need netem.
func (s Shape) netemString() string {
	var parts []string
	if s.Delay != 0 || s.Jitter != 0 {
		d := "delay " + s.Delay.String()
		if s.Jitter != 0 {
			d += " ±" + s.Jitter.String()
		}
		parts = append(parts, d)
	}
	if s.Loss != 0 {
		parts = append(parts, "loss "+strconv.FormatFloat(s.Loss, 'f', -1, 64)+"%")
	}
	return strings.Join(parts, ", ")
}

// Validate checks that Set can apply the shape: a rate of at least MinRate
// (or none), durations between 0 and MaxDelay, jitter only with a delay, a
// loss between 0 and 100 percent. The error is a *ShapeError. Durations
// are applied in whole microseconds.
func (s Shape) Validate() error {
	switch {
	case s.Rate != 0 && s.Rate < MinRate:
		return &ShapeError{Shape: s, Msg: fmt.Sprintf("rate %s is below %s, the lowest dsp sets", FormatRate(s.Rate), FormatRate(MinRate))}
	case s.Delay < 0:
		return &ShapeError{Shape: s, Msg: "delay " + s.Delay.String() + " is negative"}
	case s.Jitter < 0:
		return &ShapeError{Shape: s, Msg: "jitter " + s.Jitter.String() + " is negative"}
	case s.Jitter != 0 && s.Delay == 0:
		return &ShapeError{Shape: s, Msg: "jitter needs a delay"}
	case s.Delay > MaxDelay:
		return &ShapeError{Shape: s, Msg: "delay " + s.Delay.String() + " is more than " + MaxDelay.String()}
	case s.Jitter > MaxDelay:
		return &ShapeError{Shape: s, Msg: "jitter " + s.Jitter.String() + " is more than " + MaxDelay.String()}
	case math.IsNaN(s.Loss) || s.Loss < 0 || s.Loss > 100:
		return &ShapeError{Shape: s, Msg: "loss " + strconv.FormatFloat(s.Loss, 'f', -1, 64) + "% is not between 0 and 100%"}
	}
	return nil
}

// rateUnits are tc's units of rates, by lower case name, in bits per
// second: "bit" and SI prefixes of bits, "bps" and SI prefixes of bytes,
// and their binary (IEC) forms.
var rateUnits = map[string]float64{
	"bit": 1, "kbit": 1e3, "mbit": 1e6, "gbit": 1e9, "tbit": 1e12,
	"kibit": 1 << 10, "mibit": 1 << 20, "gibit": 1 << 30, "tibit": 1 << 40,
	"bps": 8, "kbps": 8e3, "mbps": 8e6, "gbps": 8e9, "tbps": 8e12,
	"kibps": 8 << 10, "mibps": 8 << 20, "gibps": 8 << 30, "tibps": 8 << 40,
}

// ParseRate reads a rate the way tc does and returns it in bits per
// second: a number, possibly with a fraction, then a unit (case does not
// matter): bit, kbit, mbit, gbit, tbit (1000-based, bits per second); bps,
// kbps, mbps, gbps, tbps (bytes per second: "10Mbps" is 80 Mbit/s); kibit,
// mibit ... and kibps, mibps ... (1024-based). A bare number is bits per
// second. "0" is no limit. The error (a *RateError) names the value.
func ParseRate(s string) (uint64, error) {
	v := strings.TrimSpace(s)
	i := strings.IndexFunc(v, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	num, unit := v, "bit"
	if i >= 0 {
		num, unit = v[:i], strings.ToLower(v[i:])
	}
	mult, ok := rateUnits[unit]
	if !ok {
		return 0, &RateError{Value: s, Msg: fmt.Sprintf("unknown unit %q (use bit, kbit, mbit, gbit, or bps, kbps, mbps, gbps for bytes per second)", v[max(i, 0):])}
	}
	if num == "" {
		return 0, &RateError{Value: s, Msg: "no number"}
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, &RateError{Value: s, Msg: "not a number"}
	}
	bits := math.Round(f * mult)
	if bits >= math.MaxUint64 {
		return 0, &RateError{Value: s, Msg: "too large"}
	}
	if f != 0 && bits < 1 {
		return 0, &RateError{Value: s, Msg: "less than 1 bit per second"}
	}
	return uint64(bits), nil
}

// FormatRate writes a rate in bits per second with the largest SI unit it
// reaches: "1Mbit/s", "1.5kbit/s", "800bit/s".
func FormatRate(bits uint64) string {
	units := []struct {
		name string
		size float64
	}{{"Tbit/s", 1e12}, {"Gbit/s", 1e9}, {"Mbit/s", 1e6}, {"kbit/s", 1e3}}
	for _, u := range units {
		if float64(bits) >= u.size {
			return strconv.FormatFloat(float64(bits)/u.size, 'f', -1, 64) + u.name
		}
	}
	return strconv.FormatUint(bits, 10) + "bit/s"
}

// RateError is a rate that ParseRate cannot read.
type RateError struct {
	Value string
	Msg   string
}

func (e *RateError) Error() string { return fmt.Sprintf("rate %q: %s", e.Value, e.Msg) }

// InvalidParameter classifies the error (errdefs).
func (e *RateError) InvalidParameter() {}

// ShapeError is a shape that Set refuses.
type ShapeError struct {
	Shape Shape
	Msg   string
}

func (e *ShapeError) Error() string { return "link shape: " + e.Msg }

// InvalidParameter classifies the error (errdefs).
func (e *ShapeError) InvalidParameter() {}

// MissingKernelFeatureError means the kernel lacks what a shape needs:
// sch_netem for a delay, jitter or loss.
type MissingKernelFeatureError struct {
	Feature string // the kernel's name for it: "sch_netem"
	Wanted  string // what needed it: "delay 50ms"
	Err     error  // the kernel's answer
}

func (e *MissingKernelFeatureError) Error() string {
	return fmt.Sprintf("%s needs the kernel's %s queueing discipline, which this kernel does not have (modprobe %s, or a kernel built with CONFIG_%s); rate limits work without it",
		e.Wanted, e.Feature, e.Feature, kernelConfig(e.Feature))
}

// kernelConfig is the kernel build option of a queueing discipline's
// module: sch_netem is CONFIG_NET_SCH_NETEM.
func kernelConfig(feature string) string {
	return "NET_" + strings.ToUpper(feature)
}

func (e *MissingKernelFeatureError) Unwrap() error { return e.Err }

// Unavailable classifies the error (errdefs): this kernel cannot do it, and
// trying again will not help.
func (e *MissingKernelFeatureError) Unavailable() {}

// NamespaceError means dsp could not work in the network namespace of a
// process: it is not root on the Docker host, or the process is gone.
type NamespaceError struct {
	PID int
	Err error
}

func (e *NamespaceError) Error() string {
	return fmt.Sprintf("open the network namespace of process %d (shaping a link needs dsp to run as root on the Docker host's Linux): %v", e.PID, e.Err)
}

func (e *NamespaceError) Unwrap() error { return e.Err }

// Unavailable classifies the error (errdefs).
func (e *NamespaceError) Unavailable() {}

// LinkNotFoundError is an interface that the namespace does not have.
type LinkNotFoundError struct {
	PID   int
	Iface string
	Err   error
}

func (e *LinkNotFoundError) Error() string {
	return fmt.Sprintf("no interface %q in the network namespace of process %d", e.Iface, e.PID)
}

func (e *LinkNotFoundError) Unwrap() error { return e.Err }

// NotFound classifies the error (errdefs).
func (e *LinkNotFoundError) NotFound() {}
