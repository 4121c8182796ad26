package linkshape

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseRate(t *testing.T) {
	tests := []struct {
		in   string
		want uint64
	}{
		{"1mbit", 1_000_000},
		{"1Mbit", 1_000_000},
		{"500kbit", 500_000},
		{"1.5mbit", 1_500_000},
		{"2gbit", 2_000_000_000},
		{"1tbit", 1_000_000_000_000},
		{"800bit", 800},
		{"800", 800},
		{"0", 0},
		{" 64kbit ", 64_000},
		{"10Mbps", 80_000_000},
		{"100bps", 800},
		{"125kbps", 1_000_000},
		{"1gbps", 8_000_000_000},
		{"1kibit", 1024},
		{"1mibit", 1 << 20},
		{"1kibps", 8192},
	}
	for _, tt := range tests {
		got, err := ParseRate(tt.in)
		if err != nil {
			t.Errorf("ParseRate(%q): %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("ParseRate(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestParseRateErrors(t *testing.T) {
	for _, in := range []string{"1M", "", "mbit", "1 mbit", "1..2mbit", "-1mbit", "1e3kbit", "fast", "0.1bit", "99999999999tbps"} {
		_, err := ParseRate(in)
		if err == nil {
			t.Errorf("ParseRate(%q) succeeded, want an error", in)
			continue
		}
		if !strings.Contains(err.Error(), `"`+in+`"`) {
			t.Errorf("ParseRate(%q): error %q does not name the value", in, err)
		}
		var kind interface{ InvalidParameter() }
		if !errors.As(err, &kind) {
			t.Errorf("ParseRate(%q): error %v is not classified InvalidParameter", in, err)
		}
	}
}

func TestShapeString(t *testing.T) {
	tests := []struct {
		s    Shape
		want string
	}{
		{Shape{}, "none"},
		{Shape{Rate: 1_000_000}, "rate 1Mbit/s"},
		{Shape{Rate: 1_500_000}, "rate 1.5Mbit/s"},
		{Shape{Rate: 64_000}, "rate 64kbit/s"},
		{Shape{Delay: 50 * time.Millisecond}, "delay 50ms"},
		{Shape{Loss: 0.5}, "loss 0.5%"},
		{Shape{Rate: 1_000_000, Delay: 50 * time.Millisecond, Jitter: 10 * time.Millisecond, Loss: 1}, "rate 1Mbit/s, delay 50ms ±10ms, loss 1%"},
	}
	for _, tt := range tests {
		if got := tt.s.String(); got != tt.want {
			t.Errorf("%#v.String() = %q, want %q", tt.s, got, tt.want)
		}
		if got := tt.s.IsZero(); got != (tt.want == "none") {
			t.Errorf("%#v.IsZero() = %v", tt.s, got)
		}
	}
}

func TestValidate(t *testing.T) {
	valid := []Shape{
		{},
		{Rate: MinRate},
		{Rate: 1_000_000, Delay: time.Second, Jitter: 2 * time.Second, Loss: 100},
		{Delay: MaxDelay},
	}
	for _, s := range valid {
		if err := s.Validate(); err != nil {
			t.Errorf("%v: %v", s, err)
		}
	}
	invalid := map[string]Shape{
		"below":                   {Rate: MinRate - 1},
		"delay -1ms is negative":  {Delay: -time.Millisecond},
		"jitter -1ms is negative": {Delay: time.Second, Jitter: -time.Millisecond},
		"needs a delay":           {Jitter: time.Millisecond},
		"more than":               {Delay: MaxDelay + time.Second},
		"not between":             {Loss: 100.5},
	}
	for want, s := range invalid {
		err := s.Validate()
		var se *ShapeError
		if !errors.As(err, &se) {
			t.Errorf("%#v: error %v, want a *ShapeError", s, err)
			continue
		}
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%#v: error %q does not say %q", s, err, want)
		}
	}
}

func TestMissingKernelFeatureError(t *testing.T) {
	err := error(&MissingKernelFeatureError{Feature: "sch_netem", Wanted: "delay 50ms", Err: errors.New("no such file or directory")})
	want := "delay 50ms needs the kernel's sch_netem queueing discipline, which this kernel does not have (modprobe sch_netem, or a kernel built with CONFIG_NET_SCH_NETEM); rate limits work without it"
	if err.Error() != want {
		t.Errorf("Error() = %q\nwant      %q", err, want)
	}
	var kind interface{ Unavailable() }
	if !errors.As(err, &kind) {
		t.Error("not classified Unavailable")
	}
}
