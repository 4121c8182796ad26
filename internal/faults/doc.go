// Package faults holds the tests that break the machine under dsp: the
// Docker Engine restarted in the middle of a start, a full disk during a
// save. They change the whole machine (every container stops when the
// engine restarts), so they are built only with -tags faults and run on
// their own, after every other test (make test-faults). dsp killed with
// SIGKILL in the middle of a start is tested with the CLI
// (cmd/dsp TestUpStatusDownAcrossProcessesAndAfterAKill).
package faults
