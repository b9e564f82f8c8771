package scenario

import (
	"fmt"
	"strconv"
	"strings"
)

// Profiles: the cluster layouts a scenario can run on.
const (
	ProfileSharedKahaDB = "shared-kahadb"
	ProfileJDBC         = "jdbc"
	ProfileZooKeeper    = "zookeeper"
	ProfileReplicated   = "replicated"
	ProfileLevelDB      = "leveldb"
)

// Actions: what a timeline step does to its target.
const (
	ActionKill      = "kill"
	ActionStop      = "stop"
	ActionStart     = "start"
	ActionRestart   = "restart"
	ActionPause     = "pause"
	ActionResume    = "resume"
	ActionPartition = "partition"
	ActionHeal      = "heal"
	ActionDelay     = "delay"
	ActionLoss      = "loss"
)

// Targets that are not numbered. The numbered ones are written
// "node:N", "broker:N", "db:N" and "zk:N" with N >= 1; see ParseTarget.
const (
	TargetMaster     = "master"
	TargetSlave      = "slave"
	TargetSlaves     = "slaves"
	TargetDB         = "db"
	TargetZKLeader   = "zk:leader"
	TargetZKFollower = "zk:follower"
	TargetMajority   = "majority"
	TargetMinority   = "minority"
	// TargetBridge cuts the master's (or leader's) node from one other node
	// while the third still talks to both: a bridge.
	TargetBridge   = "bridge"
	TargetPrevious = "previous"
	TargetAll      = "all"
)

// Check names, as expect.failures spells them. They match the checker's
// names in result.json.
const (
	CheckNoLoss        = "no-loss"
	CheckNoUnexpected  = "no-unexpected"
	CheckNoDuplicates  = "no-duplicates"
	CheckMaxFailover   = "max-failover"
	CheckSingleMaster  = "single-master"
	CheckRejoinAsSlave = "rejoin-as-slave"

	CheckAvailability     = "availability"
	CheckSplitBrainAcks   = "split-brain-acks"
	CheckQuorumBlocking   = "quorum-blocking"
	CheckRejoinAsFollower = "rejoin-as-follower"
)

var (
	profiles = []string{ProfileSharedKahaDB, ProfileJDBC, ProfileZooKeeper, ProfileReplicated, ProfileLevelDB}
	actions  = []string{ActionKill, ActionStop, ActionStart, ActionRestart, ActionPause, ActionResume,
		ActionPartition, ActionHeal, ActionDelay, ActionLoss}
	plainTargets = []string{TargetMaster, TargetSlave, TargetSlaves, TargetDB, TargetZKLeader, TargetZKFollower,
		TargetMajority, TargetMinority, TargetBridge, TargetPrevious, TargetAll}
	numberedTargets = []string{"node", "broker", "db", "zk"}
	checks          = []string{CheckNoLoss, CheckNoUnexpected, CheckNoDuplicates, CheckMaxFailover,
		CheckAvailability, CheckSingleMaster, CheckSplitBrainAcks, CheckQuorumBlocking,
		CheckRejoinAsSlave, CheckRejoinAsFollower}
	// selfHealing are the actions that accept a duration, after which the
	// fault is undone automatically.
	selfHealing = []string{ActionPause, ActionPartition, ActionDelay, ActionLoss}
)

// KnownProfile reports whether p is a profile name scenarios may list.
func KnownProfile(p string) bool { return contains(profiles, p) }

// KnownAction reports whether a is a timeline action.
func KnownAction(a string) bool { return contains(actions, a) }

// KnownCheck reports whether c is a check name expect.failures may list.
func KnownCheck(c string) bool { return contains(checks, c) }

// Target is a parsed timeline target.
type Target struct {
	// Kind is the target without its number: one of the Target* constants,
	// or "node", "broker", "db" or "zk" for numbered targets.
	Kind string
	// N is the 1-based number of a numbered target ("node:2" has N 2),
	// and 0 otherwise.
	N int
}

// String returns the target as a scenario file spells it.
func (t Target) String() string {
	if t.N > 0 {
		return t.Kind + ":" + strconv.Itoa(t.N)
	}
	return t.Kind
}

// ParseTarget parses and validates a timeline target such as "master",
// "node:2" or "zk:leader". Its error message does not name a file or field.
func ParseTarget(s string) (Target, error) {
	if contains(plainTargets, s) {
		return Target{Kind: s}, nil
	}
	kind, num, numbered := strings.Cut(s, ":")
	if numbered && contains(numberedTargets, kind) {
		n, err := strconv.Atoi(num)
		if err != nil || num == "" || strings.Trim(num, "0123456789") != "" {
			return Target{}, fmt.Errorf("%q is not a target: %s:N needs a whole number N (e.g. %s:1)", s, kind, kind)
		}
		if n < 1 {
			return Target{}, fmt.Errorf("%q is not a target: %s numbers start at 1", s, kind)
		}
		return Target{Kind: kind, N: n}, nil
	}
	if numbered {
		if k := suggest(kind, numberedTargets); k != "" {
			return Target{}, fmt.Errorf("unknown target %q (did you mean %q?)", s, k+":"+num)
		}
	}
	if t := suggest(s, plainTargets); t != "" {
		return Target{}, fmt.Errorf("unknown target %q (did you mean %q?)", s, t)
	}
	return Target{}, fmt.Errorf("unknown target %q (use %s, node:N, broker:N, db:N or zk:N)", s, strings.Join(plainTargets, ", "))
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// suggest returns the candidate nearest to s, or "" if none is near enough
// to be a plausible typo.
func suggest(s string, candidates []string) string {
	norm := func(x string) string { return strings.ReplaceAll(strings.ToLower(x), "_", "-") }
	best, bestD := "", -1
	for _, c := range candidates {
		d := distance(norm(s), norm(c))
		if limit := max(1, len(c)/3); d > limit {
			continue
		}
		if bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// distance is the edit distance between a and b, counting an insertion,
// deletion, substitution or swap of adjacent characters as one edit
// (optimal string alignment).
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
