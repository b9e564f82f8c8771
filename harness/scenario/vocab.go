package scenario

import (
	"github.com/amqha/amqha/harness/fault"
)

// Profiles: the cluster layouts a scenario can run on.
const (
	ProfileSharedKahaDB = "shared-kahadb"
	ProfileJDBC         = "jdbc"
	ProfileZooKeeper    = "zookeeper"
	ProfileReplicated   = "replicated"
	ProfileLevelDB      = "leveldb"
	// jdbc and replicated with ActiveMQ's stock, unfenced lease (see
	// harness/cluster/lease.go): their split brain beside the fix.
	ProfileJDBCStock       = "jdbc-stock"
	ProfileReplicatedStock = "replicated-stock"
)

// The timeline's actions and targets are the fault package's; these names
// keep the parser's code in the scenario's own words.
const (
	ActionKill      = fault.Kill
	ActionStop      = fault.Stop
	ActionStart     = fault.Start
	ActionRestart   = fault.Restart
	ActionPause     = fault.Pause
	ActionResume    = fault.Resume
	ActionPartition = fault.Partition
	ActionHeal      = fault.Heal
	ActionDelay     = fault.Delay
	ActionLoss      = fault.Loss
	ActionStarve    = fault.Starve
	ActionUnstarve  = fault.Unstarve

	TargetMaster     = fault.Master
	TargetSlave      = fault.Slave
	TargetSlaves     = fault.Slaves
	TargetDB         = fault.DB
	TargetZKLeader   = fault.ZKLeader
	TargetZKFollower = fault.ZKFollower
	TargetMajority   = fault.Majority
	TargetMinority   = fault.Minority
	TargetBridge     = fault.Bridge
	TargetPrevious   = fault.Previous
	TargetAll        = fault.All
)

var profiles = []string{ProfileSharedKahaDB, ProfileJDBC, ProfileJDBCStock, ProfileZooKeeper, ProfileReplicated,
	ProfileReplicatedStock, ProfileLevelDB}

// Profiles returns the profile names scenarios may list.
func Profiles() []string { return append([]string(nil), profiles...) }

// KnownProfile reports whether p is a profile name scenarios may list.
func KnownProfile(p string) bool { return contains(profiles, p) }

// Target is a parsed timeline target.
type Target = fault.Target

// ParseTarget parses and validates a timeline target such as "master",
// "node:2" or "zk:leader". Its error message does not name a file or field.
func ParseTarget(s string) (Target, error) { return fault.ParseTarget(s) }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func suggest(s string, candidates []string) string { return fault.Suggest(s, candidates) }
