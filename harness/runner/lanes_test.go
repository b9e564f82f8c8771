package runner

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/amqha/amqha/harness/cluster"
	"github.com/amqha/amqha/harness/fault"
	"github.com/amqha/amqha/harness/scenario"
)

func planned(name, profile string, d time.Duration, tier scenario.Tier) Planned {
	return Planned{File: &scenario.File{Name: name, Tier: tier, Workload: scenario.Workload{Duration: d}}, Profile: profile}
}

// A replicated run costs its restore besides its workload, so a
// replicated lane is heavier than its workloads say.
func TestAProfilesOverheadWeighsOnItsLane(t *testing.T) {
	plan := []Planned{
		planned("kill-master", "replicated", 30*time.Second, ""),
		planned("zk-bridge", "zookeeper", 40*time.Second, ""),
		planned("zk-kill-leader", "zookeeper", 20*time.Second, ""),
	}
	lanes := Lanes(plan, 2)
	assert.Equal(t, "replicated", lanes[0][0].Profile, "30 s of workload and a restore outweigh 60 s of ZooKeeper workload")
}

func TestAProfileStaysInOneLaneInPlanOrder(t *testing.T) {
	plan := []Planned{
		planned("kill-master", "jdbc", 25*time.Second, scenario.TierSmoke),
		planned("kill-master", "replicated", 25*time.Second, scenario.TierSmoke),
		planned("stop-master", "jdbc", 25*time.Second, scenario.TierDefault),
		planned("zk-quorum-loss", "replicated", 46*time.Second, scenario.TierDefault),
	}
	lanes := Lanes(plan, 4)
	require.Len(t, lanes, 2, "one lane per profile, however many lanes are allowed")
	assert.Equal(t, "replicated", lanes[0][0].Profile, "the heaviest profile is placed first")
	assert.Equal(t, []string{"kill-master", "stop-master"}, names(lanes[1]))
}

func TestFewerLanesThanProfilesBalanceTheLoad(t *testing.T) {
	plan := []Planned{
		planned("a", "replicated", 200*time.Second, scenario.TierDefault),
		planned("b", "jdbc", 150*time.Second, scenario.TierDefault),
		planned("c", "shared-kahadb", 120*time.Second, scenario.TierDefault),
		planned("d", "zookeeper", 60*time.Second, scenario.TierDefault),
	}
	lanes := Lanes(plan, 2)
	require.Len(t, lanes, 2)
	assert.Equal(t, []string{"a", "d"}, names(lanes[0]), "the lightest profile joins the lightest lane")
	assert.Equal(t, []string{"b", "c"}, names(lanes[1]))
}

func TestRepeatRunsEveryScenarioOncePerRound(t *testing.T) {
	lane := []Planned{planned("a", "jdbc", time.Second, ""), planned("b", "jdbc", time.Second, "")}
	jobs := Repeat([][]Planned{lane}, 2)[0]
	var got []string
	for _, j := range jobs {
		got = append(got, j.File.Name+"#"+string(rune('0'+j.Run)))
	}
	assert.Equal(t, []string{"a#1", "b#1", "a#2", "b#2"}, got, "a scenario's runs do not follow each other")
}

func TestSuitesIncludeTheQuickerTiers(t *testing.T) {
	plan := []Planned{
		planned("smoke", "jdbc", time.Second, scenario.TierSmoke),
		planned("default", "jdbc", time.Second, scenario.TierDefault),
		planned("long", "jdbc", time.Second, scenario.TierExtended),
	}
	assert.Equal(t, []string{"smoke"}, names(InTier(plan, scenario.TierSmoke)))
	assert.Equal(t, []string{"smoke", "default"}, names(InTier(plan, scenario.TierDefault)))
	assert.Equal(t, []string{"smoke", "default", "long"}, names(InTier(plan, scenario.TierExtended)))
}

func TestSuiteTierComesFromShortOrTheEnvironment(t *testing.T) {
	tier, err := SuiteTier(true, "extended")
	require.NoError(t, err)
	assert.Equal(t, scenario.TierSmoke, tier, "-short wins: it is the quick check")
	tier, err = SuiteTier(false, "")
	require.NoError(t, err)
	assert.Equal(t, scenario.TierDefault, tier)
	_, err = SuiteTier(false, "nightly")
	assert.ErrorContains(t, err, `AMQHA_TIER="nightly": unknown tier`)
}

func TestLanesFromEnvRefusesNonsense(t *testing.T) {
	t.Setenv(LanesEnv, "0")
	_, err := LanesFromEnv()
	assert.ErrorContains(t, err, "AMQHA_LANES")
	t.Setenv(LanesEnv, "2")
	n, err := LanesFromEnv()
	require.NoError(t, err)
	assert.Equal(t, 2, n)
}

func TestRejoinEvidenceIsAwaitedUntilTheLastRestartsBound(t *testing.T) {
	began := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	f := &scenario.File{Timeline: []scenario.Step{{At: 6 * time.Second, Action: scenario.ActionKill},
		{At: 22 * time.Second, Action: scenario.ActionStart}},
		Expect: scenario.Expect{RejoinWithin: 30 * time.Second, RejoinFollowerWithin: 40 * time.Second}}
	assert.Equal(t, began.Add(62*time.Second), rejoinDeadline(f, began))

	f.Expect.RejoinWithin, f.Expect.RejoinFollowerWithin = 0, 0
	assert.True(t, rejoinDeadline(f, began).IsZero(), "no rejoin check, nothing to wait for")
}

func names(ps []Planned) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.File.Name)
	}
	return out
}

func TestARepetitionBelongsToItsGrandparentsRun(t *testing.T) {
	assert.Equal(t, "20261201-231129", runIDOf("reports/20261201-231129/kill-master@jdbc"))
	assert.Equal(t, "20261201-231129", runIDOf("reports/20261201-231129/kill-master@jdbc/run-3"))
}

func TestAProfilesScenariosAreGroupedByTheClusterTheyNeed(t *testing.T) {
	full := planned("disk-full-db", "jdbc", time.Second, scenario.TierDefault)
	full.File.Timeline = []scenario.Step{{At: time.Second, Action: fault.DiskFull}}
	slow := planned("store-delay-db", "jdbc", time.Second, scenario.TierDefault)
	slow.File.Timeline = []scenario.Step{{At: time.Second, Action: fault.StoreDelay}}
	plan := []Planned{slow, planned("db-restart", "jdbc", time.Second, ""), full, planned("kill-master", "jdbc", time.Second, "")}
	lanes := Lanes(plan, 1)
	assert.Equal(t, []string{"db-restart", "kill-master", "disk-full-db", "store-delay-db"}, names(lanes[0]),
		"the plain cluster first, then the sized one that replaces it, then the proxied twin once the plain one can be retired")
}

func TestAClusterVariantWeighsOnItsLane(t *testing.T) {
	full := planned("disk-full-db", "jdbc", 10*time.Second, scenario.TierDefault)
	full.File.Timeline = []scenario.Step{{At: time.Second, Action: fault.DiskFull}}
	plain := planned("kill-master", "jdbc", 10*time.Second, "")
	run := 10*time.Second + cluster.Profiles["jdbc"].RunOverhead
	assert.Equal(t, 2*run, cost([]Planned{plain, plain}))
	assert.Equal(t, 2*run+variantBuild, cost([]Planned{plain, full}), "the sized cluster is another cluster to start")
	assert.Equal(t, 3*run+variantBuild, cost([]Planned{plain, full, full}), "once per variant, not per scenario")
}
