package runner

import (
	"cmp"
	"fmt"
	"os"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/amqha/amqha/harness/cluster"
	"github.com/amqha/amqha/harness/scenario"
)

// LanesEnv sets how many profiles run side by side (default DefaultLanes).
const LanesEnv = "AMQHA_LANES"

// DefaultLanes runs every profile of the catalogue side by side: on 2 cores
// the four clusters together still gave the same verdicts and failover
// times as one at a time (README, "Suite wall time"), and the catalogue
// fits Go's default 10-minute test timeout only this way.
const DefaultLanes = 4

// Lanes from the environment; bad input is an error naming the variable.
func LanesFromEnv() (int, error) {
	v := os.Getenv(LanesEnv)
	if v == "" {
		return DefaultLanes, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("%s=%q: want a whole number of lanes, at least 1", LanesEnv, v)
	}
	return n, nil
}

// Lanes splits a plan into at most n lanes that can run side by side. The
// scenarios of one profile stay in one lane, in plan order, because they
// take the profile's one cluster in turn, except that they are grouped by
// the cluster variant they need (variantOf), the plain one first: the
// pool replaces the profile's cluster whenever the next scenario wants
// sized stores or not, and a lane retires a cluster once no later run
// needs it, so grouping costs one rebuild per variant and keeps two
// variants from idling side by side. The heaviest profiles are placed
// first, each on the lightest lane so far.
func Lanes(plan []Planned, n int) [][]Planned {
	byProfile := map[string][]Planned{}
	var order []string
	for _, p := range plan {
		if _, ok := byProfile[p.Profile]; !ok {
			order = append(order, p.Profile)
		}
		byProfile[p.Profile] = append(byProfile[p.Profile], p)
	}
	for _, ps := range byProfile {
		slices.SortStableFunc(ps, func(a, b Planned) int { return cmp.Compare(variantOf(a), variantOf(b)) })
	}
	slices.SortStableFunc(order, func(a, b string) int { return cmp.Compare(cost(byProfile[b]), cost(byProfile[a])) })
	n = max(1, min(n, len(order)))
	lanes := make([][]Planned, n)
	load := make([]time.Duration, n)
	for _, pf := range order {
		i := slices.Index(load, slices.Min(load))
		lanes[i] = append(lanes[i], byProfile[pf]...)
		load[i] += cost(byProfile[pf])
	}
	return slices.DeleteFunc(lanes, func(l []Planned) bool { return len(l) == 0 })
}

// variant is the kind of cluster a scenario needs beside its profile's
// plain one: sized stores (it fills a disk), the store proxy (it delays
// the store), or both.
type variant int

const (
	plainCluster variant = iota
	sizedCluster
	proxiedCluster
	proxiedSizedCluster
)

func variantOf(p Planned) variant {
	v := plainCluster
	if p.File.FillsStore() {
		v |= sizedCluster
	}
	if p.File.DelaysStore() {
		v |= proxiedCluster
	}
	return v
}

// variantBuild is what a profile's proxied twin or its sized-store
// cluster adds to a lane: another cluster to start (a jdbc one takes
// 15-20 s on 2 cores, a replicated one 35-55 s).
const variantBuild = 30 * time.Second

// cost estimates a lane's wall time from its workloads, each profile's
// overhead per run and the cluster variants they need beside the plain
// one: a replicated scenario's restore alone can outlast a ZooKeeper
// scenario.
func cost(ps []Planned) time.Duration {
	var d time.Duration
	built := map[variant]bool{plainCluster: true}
	for _, p := range ps {
		d += p.File.Workload.Duration + cluster.Profiles[p.Profile].RunOverhead
		if v := variantOf(p); !built[v] {
			built[v] = true
			d += variantBuild
		}
	}
	return d
}

// RunLanes runs each lane in its own goroutine, the lane's runs one after
// another, and waits for all of them.
func RunLanes[T any](lanes [][]T, run func(T)) {
	RunLanesWithRest(lanes, func(item T, _ []T) { run(item) })
}

// RunLanesWithRest is RunLanes that also hands each run the runs left
// after it in its lane, so the caller can retire what none of them needs.
func RunLanesWithRest[T any](lanes [][]T, run func(item T, rest []T)) {
	var wg sync.WaitGroup
	for _, lane := range lanes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, p := range lane {
				run(p, lane[i+1:])
			}
		}()
	}
	wg.Wait()
}

// InTier keeps the planned runs whose scenario belongs to the suite tier.
func InTier(plan []Planned, tier scenario.Tier) []Planned {
	return slices.DeleteFunc(slices.Clone(plan), func(p Planned) bool { return !tier.Includes(p.File.Tier) })
}

// TierEnv selects the suite tier of the scenario tests (default: default).
const TierEnv = "AMQHA_TIER"

// SuiteTier is the tier a test run covers: smoke under -short, else the
// tier named by TierEnv, else the default tier.
func SuiteTier(short bool, env string) (scenario.Tier, error) {
	if short {
		return scenario.TierSmoke, nil
	}
	if env == "" {
		return scenario.TierDefault, nil
	}
	t, ok := scenario.ParseTier(env)
	if !ok {
		return "", fmt.Errorf("%s=%q: unknown tier (known: %v)", TierEnv, env, scenario.Tiers)
	}
	return t, nil
}
