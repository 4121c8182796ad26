package local

import (
	"testing"

	"github.com/moby/moby/api/types/container"
)

func TestHealthOfOldAndNewEngines(t *testing.T) {
	for _, tc := range []struct {
		health *container.HealthSummary
		status string
		want   string
	}{
		{nil, "Up 3 seconds (health: starting)", "starting"},
		{nil, "Up 2 minutes (healthy)", "healthy"},
		{nil, "Up 2 minutes (unhealthy)", "unhealthy"},
		{nil, "Up 2 minutes", ""},
		{nil, "Exited (0) 3 seconds ago", ""},
		{&container.HealthSummary{Status: container.Healthy}, "Up 2 minutes (healthy)", "healthy"},
		{&container.HealthSummary{Status: container.Starting}, "Up 1 second", "starting"},
		{&container.HealthSummary{Status: container.NoHealthcheck}, "Up 1 second", ""},
	} {
		if got := healthOf(container.Summary{Health: tc.health, Status: tc.status}); got != tc.want {
			t.Errorf("health of %+v %q = %q, want %q", tc.health, tc.status, got, tc.want)
		}
	}
}
