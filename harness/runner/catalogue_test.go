package runner

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/amqha/amqha/harness/cluster"
	"github.com/amqha/amqha/harness/fault"
	"github.com/amqha/amqha/harness/scenario"
)

// The default tier is what plain `go test ./scenarios/...` runs, so it is
// the suite's promise: every profile this build can start and every
// family of fault this host can inject keeps a scenario in it, however
// long the extended tier grows.
func TestTheDefaultTierCoversEveryProfileAndFaultFamily(t *testing.T) {
	plan, err := Plan([]string{"../../scenarios"}, "")
	require.NoError(t, err)
	profiles := map[string]bool{}
	families := map[fault.Family]bool{}
	for _, p := range InTier(plan, scenario.TierDefault) {
		profiles[p.Profile] = true
		for _, s := range p.File.Timeline {
			families[s.Action.Family()] = true
		}
	}
	for name, p := range cluster.Profiles {
		if p.BrokerImage != "" {
			continue // its image is built from a distribution the user supplies (leveldb)
		}
		assert.True(t, profiles[name], "no default-tier scenario runs on profile %s", name)
	}
	for _, fam := range fault.Families() {
		if netemOnly(fam) {
			continue // refused on a kernel without sch_netem, so no catalogue scenario can run it everywhere
		}
		assert.True(t, families[fam], "no default-tier scenario injects a %s fault", fam)
	}
}

func netemOnly(fam fault.Family) bool {
	for _, s := range fault.Specs() {
		if s.Family == fam && !s.NeedsNetem {
			return false
		}
	}
	return true
}
