package history

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Failover is measured from the faults that take service away, and the
// rejoin checks watch the nodes that faults bring back; an action that
// does neither (resume, heal) or is unknown must count as neither, or a
// thaw would start a failover clock and a typo would demand a rejoin.
func TestDisruptiveAndRejoining(t *testing.T) {
	cases := []struct {
		action                  string
		disruptive, rejoining   bool
		wantDisrupt, wantRejoin bool
	}{
		{"kill", Disruptive("kill"), Rejoining("kill"), true, false},
		{"stop", Disruptive("stop"), Rejoining("stop"), true, false},
		{"pause", Disruptive("pause"), Rejoining("pause"), true, false},
		{"partition", Disruptive("partition"), Rejoining("partition"), true, false},
		{"delay", Disruptive("delay"), Rejoining("delay"), true, false},
		{"loss", Disruptive("loss"), Rejoining("loss"), true, false},
		{"start", Disruptive("start"), Rejoining("start"), false, true},
		{"restart", Disruptive("restart"), Rejoining("restart"), false, true},
		{"resume", Disruptive("resume"), Rejoining("resume"), false, false},
		{"heal", Disruptive("heal"), Rejoining("heal"), false, false},
		{"unknown", Disruptive("explode"), Rejoining("explode"), false, false},
		{"empty", Disruptive(""), Rejoining(""), false, false},
	}
	for _, c := range cases {
		assert.Equal(t, c.wantDisrupt, c.disruptive, "Disruptive(%s)", c.action)
		assert.Equal(t, c.wantRejoin, c.rejoining, "Rejoining(%s)", c.action)
		assert.False(t, c.disruptive && c.rejoining, "%s is both disruptive and rejoining", c.action)
	}
}
