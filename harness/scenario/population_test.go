package scenario

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/amqha/amqha/harness/workload"
)

func TestPopulationMistakesAreCaught(t *testing.T) {
	w := func(lines string) string { return head + "workload:\n" + lines }
	checkMistakes(t, []mistake{
		{"unknown connect policy", "", w("  connect: anywhere\n"), 5, "workload.connect", `unknown connect policy "anywhere" (use one of master, any, mixed)`},
		{"rate below the default producers", "", w("  rate: 1\n"), 5, "workload.rate", "cannot be shared by the default 2 producers"},
		{"connect as a list", "", w("  connect: [any]\n"), 5, "workload.connect", "must be a single word"},
		{"no producers", "", w("  producers: 0\n"), 5, "workload.producers", "0 is out of range (1..256)"},
		{"queues without producers", "", w("  queues: 3\n  consumers: 3\n"), 5, "workload.queues", "3 queues need at least as many producers, got 2"},
		{"queues without consumers", "", w("  queues: 3\n  producers: 3\n"), 5, "workload.queues", "3 queues need at least as many consumers, got 2"},
		{"rate below producers", "", w("  rate: 4\n  producers: 8\n"), 6, "workload.producers", "8 producers share a rate of 4 sends/s"},
		{"zero silence limit", "", w("  silence-limit: 0s\n"), 5, "workload.silence-limit", "must be greater than 0"},
	})
}

func TestPopulationParsesAndRoundTrips(t *testing.T) {
	src := head + "workload:\n  rate: 400\n  producers: 8\n  consumers: 4\n  queues: 2\n  connect: any\n  silence-limit: 30s\n"
	f, err := Parse("t.yaml", []byte(src))
	require.NoError(t, err)
	w := f.Workload
	assert.Equal(t, []any{8, 4, 2, workload.ConnectAny, 30 * time.Second}, []any{w.Producers, w.Consumers, w.Queues, w.Connect, w.Silence})

	again, err := Parse("t.yaml", f.YAML())
	require.NoError(t, err)
	assert.Equal(t, f.Workload, again.Workload)
}

// A scenario that sets none of the new fields writes none of them back,
// so the saved copy of an old scenario reads as it always did.
func TestDefaultPopulationIsLeftOutOfTheYAML(t *testing.T) {
	f, err := Parse("t.yaml", []byte(head))
	require.NoError(t, err)
	out := string(f.YAML())
	for _, field := range []string{"producers", "consumers", "queues", "connect", "silence-limit"} {
		assert.NotContains(t, out, field+":")
	}
}
