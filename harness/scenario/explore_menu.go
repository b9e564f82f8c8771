package scenario

import (
	"math/rand/v2"

	"github.com/amqha/amqha/harness/fault"
)

// family is one kind of fault an exploratory schedule draws from, with
// every shape of step it may take; sized steps get their cpus or offset
// when picked.
type family struct {
	name   fault.Family
	shapes []Step
}

// pick draws one shape and its size. It always draws the size, so that
// the values drawn after it do not depend on the shape.
func (fam family) pick(rng *rand.Rand) Step {
	s := fam.shapes[rng.IntN(len(fam.shapes))]
	cpus := exploreCPUs[rng.IntN(len(exploreCPUs))]
	offset := exploreOffsets[rng.IntN(len(exploreOffsets))]
	latency := exploreLatencies[rng.IntN(len(exploreLatencies))]
	switch spec, _ := fault.Lookup(s.Action); {
	case spec.Sized:
		s.CPUs = cpus
	case spec.Offset:
		s.Offset = offset
	case spec.Latency:
		s.Latency = latency
	}
	return s
}

// Every target an exploratory fault may name, the link shapes aside.
var (
	exploreNodes   = []string{"master", "slave", "zk:leader", "zk:follower", "db", "node:1", "node:2", "node:3"}
	exploreCuts    = []string{"master", "slave", "zk:leader", "db", "node:1", "node:2", "node:3", "minority", "majority", "bridge"}
	exploreScoped  = [][2]string{{"master", "db"}, {"master", "zk"}, {"db", "broker"}, {"zk:leader", "broker"}, {"slave", "broker"}, {"node:1", "broker"}}
	exploreBrokers = []string{"master", "slave"}
	// A broker's store is the shared KahaDB volume, db's the database's
	// data directory: each profile's allow keeps the one it has.
	exploreStores = []string{"master", "db"}
)

// exploreMenu returns every family of fault an exploratory schedule draws
// from, each with all its shapes, before a profile's allow removes those
// it cannot run: process faults, partitions of a node, of the master's
// side (minority, majority), across a bridge and scoped with from, packet
// loss, CPU starvation, broker clock skew, store delay (which the
// profile's allow keeps to the JDBC profiles; a schedule that draws it
// runs on the proxied cluster) and a full store disk. The netem delay is
// left out: the kernel of many hosts has no sch_netem, and a schedule
// must run wherever it was drawn; the store delay is the brokers' own
// proxy and runs anywhere.
func exploreMenu() []family {
	process := family{name: fault.Process}
	for _, a := range []fault.Action{ActionKill, ActionStop, ActionPause, ActionRestart} {
		for _, t := range exploreNodes {
			process.shapes = append(process.shapes, Step{Action: a, Target: fault.MustTarget(t)})
		}
	}
	partition := family{name: fault.Cuts}
	for _, t := range exploreCuts {
		partition.shapes = append(partition.shapes, Step{Action: ActionPartition, Target: fault.MustTarget(t)})
	}
	for _, c := range exploreScoped {
		partition.shapes = append(partition.shapes, Step{Action: ActionPartition, Target: fault.MustTarget(c[0]), From: fault.NodeKind(c[1])})
	}
	loss := family{name: fault.Drops}
	for _, t := range exploreNodes {
		loss.shapes = append(loss.shapes, Step{Action: ActionLoss, Target: fault.MustTarget(t)})
	}
	loss.shapes = append(loss.shapes, Step{Action: ActionLoss, Target: fault.MustTarget("master"), From: fault.NodeKind("db")})
	starve := family{name: fault.Starvation}
	for _, t := range exploreNodes {
		starve.shapes = append(starve.shapes, Step{Action: ActionStarve, Target: fault.MustTarget(t)})
	}
	skew := family{name: fault.Skew}
	for _, t := range exploreBrokers {
		skew.shapes = append(skew.shapes, Step{Action: fault.ClockSkew, Target: fault.MustTarget(t)})
	}
	store := family{name: fault.StoreLag}
	for _, t := range []string{"master", "slave", "db"} {
		store.shapes = append(store.shapes, Step{Action: fault.StoreDelay, Target: fault.MustTarget(t)})
	}
	disk := family{name: fault.FullDisk}
	for _, t := range exploreStores {
		disk.shapes = append(disk.shapes, Step{Action: fault.DiskFull, Target: fault.MustTarget(t)})
	}
	return []family{process, partition, loss, starve, skew, store, disk}
}

// allowedMenu is exploreMenu without the shapes allow refuses, and
// without the families left with none.
func allowedMenu(allow Allow) []family {
	var out []family
	for _, fam := range exploreMenu() {
		kept := family{name: fam.name}
		for _, s := range fam.shapes {
			if allow == nil || allow(s) == nil {
				kept.shapes = append(kept.shapes, s)
			}
		}
		if len(kept.shapes) > 0 {
			out = append(out, kept)
		}
	}
	return out
}
