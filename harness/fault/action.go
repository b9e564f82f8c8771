// Package fault is amqha's fault vocabulary, defined once: the timeline
// actions, the targets they take and the kinds of node they act on. The
// scenario parser, the nemesis, the checker, the report and the docs all
// read it from here, as etcd's robustness tests read their failpoint
// registry, so a new action cannot be known to one and unknown to another.
package fault

import (
	"slices"
	"time"
)

// Action is what a timeline step does to its target.
type Action string

// Timeline actions.
const (
	Kill      Action = "kill"
	Stop      Action = "stop"
	Start     Action = "start"
	Restart   Action = "restart"
	Pause     Action = "pause"
	Resume    Action = "resume"
	Partition Action = "partition"
	Heal      Action = "heal"
	Delay     Action = "delay"
	Loss      Action = "loss"
	Starve    Action = "starve"
	Unstarve  Action = "unstarve"
	ClockSkew Action = "clock-skew"
	ClockSync Action = "clock-sync"
	// StoreDelay slows a broker's path to its store in userspace, where
	// delay needs the kernel's netem; StoreUndelay ends it.
	StoreDelay   Action = "store-delay"
	StoreUndelay Action = "store-undelay"
	DiskFull     Action = "disk-full"
	DiskFree     Action = "disk-free"
)

// Family is a kind of fault, as the catalogue and the explorer count
// them: every fault family keeps a scenario in the default tier, and an
// exploratory schedule draws from each.
type Family string

// Fault families.
const (
	// Process faults take a node's process down or freeze it.
	Process Family = "process"
	// Cuts are partitions, of a node, a side or across a bridge.
	Cuts Family = "partition"
	// Drops are packet loss on a node's links.
	Drops Family = "loss"
	// Lag is the kernel's netem delay, which hosts without sch_netem
	// refuse.
	Lag Family = "delay"
	// Starvation is a CPU quota: a gray failure.
	Starvation Family = "starve"
	// Skew is a broker's wall clock run ahead or behind.
	Skew Family = "clock-skew"
	// StoreLag is latency on a broker's path to its store.
	StoreLag Family = "store-delay"
	// FullDisk is a store's filesystem filled to the last byte.
	FullDisk Family = "disk-full"
)

// Spec is what the harness knows about one action.
type Spec struct {
	Action Action
	// Family is the kind of fault the action injects; empty for an
	// action that injects none (an undo, a start).
	Family Family
	// NeedsNetem actions run only on a kernel with sch_netem.
	NeedsNetem bool
	// Doc is the one-line description the docs show.
	Doc string
	// Disruptive actions take a node's service away; failover time and
	// availability are measured from them.
	Disruptive bool
	// Rejoining actions bring a node back, after which it must come back
	// as a slave (or follower, or replica).
	Rejoining bool
	// Undo is the action that ends the fault after a step's duration;
	// empty when the action takes no duration.
	Undo Action
	// Targetless actions take no target: heal undoes every network fault
	// in effect.
	Targetless bool
	// Network actions change packet filtering, so they act on a node's
	// links rather than its process; only they take link shapes such as
	// a bridge.
	Network bool
	// Scoped actions take from: a kind of peer to cut the target from,
	// leaving its other links alone.
	Scoped bool
	// Sized actions take cpus: the share of one CPU the target is left.
	Sized bool
	// Outlasting faults survive a restart of their node: a CPU quota is
	// part of the container's configuration, so a killed and started
	// node comes back as starved as it went down, and only the fault's
	// own undo ends it.
	Outlasting bool
	// Offset actions take an offset: a signed duration by which the
	// target's wall clock runs ahead (positive) or behind (negative).
	Offset bool
	// Latency actions take a latency: how much longer each round trip on
	// the target's path takes.
	Latency bool
	// Kinds, when set, are the only kinds of node the action can act on:
	// a broker's clock is skewed inside its JVM, under libfaketime, which
	// only the broker's entry point preloads.
	Kinds []NodeKind
	// KindsWhy says, for a refusal, why only Kinds are reached and which
	// targets to write instead.
	KindsWhy string
	// Store actions act on the filesystem of the target's store, which
	// the profile decides: the brokers' shared KahaDB volume, or a
	// database's data directory; a profile whose target has no store the
	// harness sized (a broker on jdbc keeps its messages in the database)
	// refuses them.
	Store bool
}

var specs = []Spec{
	{Action: Kill, Family: Process, Doc: "SIGKILL the target's process (docker kill)", Disruptive: true},
	{Action: Stop, Family: Process, Doc: "stop the target gracefully (SIGTERM, then SIGKILL after the grace)", Disruptive: true},
	{Action: Start, Doc: "start the target's nodes that are down", Rejoining: true},
	{Action: Restart, Family: Process, Doc: "restart the target (stop, then start)", Rejoining: true},
	{Action: Pause, Family: Process, Doc: "freeze the target (SIGSTOP of every process, docker pause)", Disruptive: true, Undo: Resume},
	{Action: Resume, Doc: "thaw a paused target"},
	{Action: Partition, Family: Cuts, Doc: "cut the target off from its peers with iptables", Disruptive: true, Undo: Heal, Network: true, Scoped: true},
	{Action: Heal, Doc: "remove every partition, delay and loss in effect", Targetless: true, Network: true},
	{Action: Delay, Family: Lag, NeedsNetem: true, Doc: "delay the target's packets (tc netem; refused where the kernel has no sch_netem)", Disruptive: true, Undo: Heal, Network: true},
	{Action: Loss, Family: Drops, Doc: "drop 20% of the target's packets from its peers", Disruptive: true, Undo: Heal, Network: true, Scoped: true},
	{Action: Starve, Family: Starvation, Doc: "leave the target cpus of one CPU (a CFS quota on its container): it runs, slowly", Disruptive: true, Undo: Unstarve, Sized: true, Outlasting: true},
	{Action: Unstarve, Doc: "lift a starved target's CPU quota"},
	// A skewed clock takes no service away (the broker keeps serving), so
	// failover and availability are not measured from it; what it breaks
	// is the lease, which single-master and split-brain-acks judge.
	{Action: ClockSkew, Family: Skew, Doc: "run the target broker's wall clock ahead or behind by offset (libfaketime; monotonic time untouched)",
		Undo: ClockSync, Offset: true, Kinds: []NodeKind{Broker}, KindsWhy: faketimeWhy},
	{Action: ClockSync, Doc: "set a skewed broker's wall clock back to the host's", Kinds: []NodeKind{Broker}, KindsWhy: faketimeWhy},
	// The store delay is the brokers' own store proxy (a process in each
	// broker container), not the kernel's, so it runs on every host and a
	// verdict does not depend on where it ran. It outlasts a restart: the
	// proxy keeps the latency its control file holds.
	{Action: StoreDelay, Family: StoreLag, Doc: "delay every round trip between the target broker (or every broker, for db) and the store by latency (the brokers' store proxy; JDBC profiles)",
		Disruptive: true, Undo: StoreUndelay, Latency: true, Outlasting: true, Kinds: []NodeKind{Broker, Database}, KindsWhy: storeWhy},
	{Action: StoreUndelay, Doc: "end a store delay: the proxy passes the target's store traffic straight through", Kinds: []NodeKind{Broker, Database}, KindsWhy: storeWhy},
	// A full store takes the service away (no persistent send can be
	// written), and it outlasts a restart: the filler is on the volume.
	{Action: DiskFull, Family: FullDisk, Doc: "fill the filesystem of the target's store (KahaDB volume, PostgreSQL data directory) until writes fail with ENOSPC",
		Disruptive: true, Undo: DiskFree, Outlasting: true, Store: true, Kinds: storeKinds, KindsWhy: diskWhy},
	{Action: DiskFree, Doc: "remove the filler a disk-full left on the target's store", Store: true, Kinds: storeKinds, KindsWhy: diskWhy},
}

// Why the kind-limited actions reach only their kinds, for the parser's
// refusals.
const (
	faketimeWhy = "only their entry point runs under libfaketime"
	storeWhy    = "the delay sits on a broker's path to its store"
	diskWhy     = "only a broker's shared KahaDB volume or a database's data directory is a store the harness can fill"
)

var storeKinds = []NodeKind{Broker, Database}

// MaxLatency is the longest store delay a step may ask for: longer than
// any lease or statement timeout of the profiles, and short enough that a
// typo (800s for 800ms) is refused rather than run.
const MaxLatency = 30 * time.Second

// MinCPUs is the least share of one CPU a starve can leave: the kernel
// takes no CFS quota under 1 ms, and the longest period is 1 s.
const MinCPUs = 0.001

// Specs returns every action, in the order the docs list them.
func Specs() []Spec { return slices.Clone(specs) }

// Actions returns every action's name, in the order the docs list them.
func Actions() []Action {
	out := make([]Action, len(specs))
	for i, s := range specs {
		out[i] = s.Action
	}
	return out
}

// Lookup returns the spec of a, and false for an unknown action.
func Lookup(a Action) (Spec, bool) {
	for _, s := range specs {
		if s.Action == a {
			return s, true
		}
	}
	return Spec{}, false
}

// Families returns every fault family, in the order the docs list them.
func Families() []Family {
	var out []Family
	for _, s := range specs {
		if s.Family != "" && !slices.Contains(out, s.Family) {
			out = append(out, s.Family)
		}
	}
	return out
}

// Family is the kind of fault a injects, or "" for an action that
// injects none.
func (a Action) Family() Family { s, _ := Lookup(a); return s.Family }

// Disruptive reports whether a takes a node's service away; unknown
// actions are not.
func (a Action) Disruptive() bool { s, _ := Lookup(a); return s.Disruptive }

// Rejoining reports whether a brings a node back.
func (a Action) Rejoining() bool { s, _ := Lookup(a); return s.Rejoining }

// Undo is the action that heals a timed fault of kind a, or "".
func (a Action) Undo() Action { s, _ := Lookup(a); return s.Undo }

// SelfHealing reports whether a step of action a takes a duration.
func (a Action) SelfHealing() bool { return a.Undo() != "" }

// Lasting reports whether a fault of action a stays in effect until its
// undo: every disruptive action, and a clock skew, which is no outage but
// holds the node until its clock is synced.
func (a Action) Lasting() bool { return a.Disruptive() || a.SelfHealing() }

// Undoes reports whether a ends a fault of action open: a resume thaws a
// pause, a heal removes partitions, delays and losses, an unstarve lifts a
// CPU quota, and a start or restart ends whatever else held the node (a
// restarted container loses its rules with its network namespace, but
// keeps its quota).
func (a Action) Undoes(open Action) bool {
	if a.Rejoining() {
		s, _ := Lookup(open)
		return !s.Outlasting
	}
	return a != "" && open.Undo() == a
}

// Allows reports whether a takes a target of kind k: link shapes (a
// bridge) only make sense for cuts, and heal takes no target at all.
func (s Spec) Allows(k TargetKind) bool {
	switch {
	case s.Targetless:
		return false
	case k == Bridge:
		return s.Action == Partition
	}
	return true
}

// Reaches reports whether the action can act on nodes of kind k; an
// action without Kinds acts on every kind.
func (s Spec) Reaches(k NodeKind) bool { return len(s.Kinds) == 0 || slices.Contains(s.Kinds, k) }

// Names returns the names of xs as strings, for messages and docs.
func Names[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}
