package benchkit

import (
	"slices"
	"strconv"
	"time"
)

// Stats of a set of timings.
type Stats struct {
	N                int
	Median, Min, Max time.Duration
}

// Summarize computes the median, minimum and maximum.
func Summarize(ds []time.Duration) Stats {
	if len(ds) == 0 {
		return Stats{}
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	st := Stats{N: len(s), Min: s[0], Max: s[len(s)-1]}
	if len(s)%2 == 1 {
		st.Median = s[len(s)/2]
	} else {
		st.Median = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return st
}

// Ratio is a ÷ b.
func Ratio(a, b time.Duration) float64 { return a.Seconds() / b.Seconds() }

// Seconds prints a duration as seconds with two decimals: "1.23 s".
func Seconds(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', 2, 64) + " s"
}

// Millis prints a duration as milliseconds: "123 ms".
func Millis(d time.Duration) string {
	return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 0, 64) + " ms"
}
