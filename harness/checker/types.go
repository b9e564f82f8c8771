// Package checker holds amqha's verdicts: pure functions over a recorded
// history.Run that return typed results with a pass, fail, unknown or
// not-applicable status. Nothing here touches Docker or the network.
package checker

import "time"

// Status is the outcome of one check.
type Status string

// Check outcomes. Unknown means the history cannot decide (e.g. no role
// samples); NotApplicable means the check has no meaning for this run
// (e.g. failover time in a run without a disruptive fault).
const (
	Pass          Status = "pass"
	Fail          Status = "fail"
	Unknown       Status = "unknown"
	NotApplicable Status = "n/a"
)

// Check names, as scenario files and result.json spell them.
const (
	NoLoss        = "no-loss"
	NoUnexpected  = "no-unexpected"
	NoDuplicates  = "no-duplicates"
	MaxFailover   = "max-failover"
	SingleMaster  = "single-master"
	RejoinAsSlave = "rejoin-as-slave"
)

// CheckResult is one row of result.json's checks.
type CheckResult struct {
	Name   string `json:"name"`
	Status Status `json:"status"`
	Detail string `json:"detail"`
	// Expected is the status the scenario expects; a check listed in the
	// scenario's expected failures expects Fail, every other check Pass.
	Expected Status `json:"expected,omitempty"`
}

// Counts is result.json's counts, in Jepsen total-queue terms. Delivered
// counts delivery operations, so a message delivered twice counts twice;
// every other field counts distinct message ids.
type Counts struct {
	SentOK     int `json:"sent_ok"`
	SentFail   int `json:"sent_fail"`
	SentInfo   int `json:"sent_info"`
	Delivered  int `json:"delivered"`
	Lost       int `json:"lost"`
	Duplicated int `json:"duplicated"`
	Unexpected int `json:"unexpected"`
	Recovered  int `json:"recovered"`
}

// QueueResult is the total-queue analysis: every id set is sorted.
type QueueResult struct {
	Counts     Counts   `json:"counts"`
	Lost       []string `json:"lost,omitempty"`
	Duplicated []string `json:"duplicated,omitempty"`
	Unexpected []string `json:"unexpected,omitempty"`
	Recovered  []string `json:"recovered,omitempty"`
}

// Failover is the recovery time of one disruptive fault, as OpenChaos's RTO
// checker measures it: from the fault's injection to the first send
// acknowledged after it.
type Failover struct {
	Step   int       `json:"step"`
	Action string    `json:"action"`
	Target string    `json:"target"`
	Nodes  []string  `json:"nodes,omitempty"`
	At     time.Time `json:"at"`
	// RTOms is -1 when no send was acknowledged after the fault.
	RTOms     int64  `json:"rto_ms"`
	Recovered bool   `json:"recovered"`
	FirstOKID string `json:"first_ok_id,omitempty"`
	// FirstOKAt is when FirstOKID was acknowledged.
	FirstOKAt time.Time `json:"first_ok_at,omitzero"`
}

// MasterWindow is one broker's uninterrupted run of master samples. From
// and To are the first and last master sample: the probe proves mastership
// at those instants, not in the gap before the sample that closed the run.
type MasterWindow struct {
	Node    string    `json:"node"`
	From    time.Time `json:"from"`
	To      time.Time `json:"to"`
	Samples int       `json:"samples"`
}

// MasterOverlap is evidence of two masters at once: two brokers whose
// master windows intersect, during From..To.
type MasterOverlap struct {
	A       string       `json:"a"`
	B       string       `json:"b"`
	From    time.Time    `json:"from"`
	To      time.Time    `json:"to"`
	AWindow MasterWindow `json:"a_window"`
	BWindow MasterWindow `json:"b_window"`
	// SampleTimes are the distinct instants inside From..To at which A or B
	// was sampled as master, capped at 10 so a long split brain does not
	// bloat result.json.
	SampleTimes []time.Time `json:"sample_times"`
}

// Config holds the scenario's thresholds for the checks.
type Config struct {
	// MaxFailover is the failover budget; zero disables the check.
	MaxFailover time.Duration
	// RejoinWithin bounds how long a restarted broker may take to show as
	// a slave; zero disables the check.
	RejoinWithin time.Duration
	// FailOnDuplicates makes duplicates a failure instead of a report.
	FailOnDuplicates bool
	// SingleMaster enables the single-master check.
	SingleMaster bool
	// NoLoss is ignored: no-loss always runs, because a zero-valued switch
	// would let a forgotten field turn off the one check that matters most.
	// A scenario that expects loss lists no-loss among its expected failures.
	//
	// Deprecated: kept so existing callers compile; it has no effect.
	NoLoss bool
}

// Result is result.json.
type Result struct {
	Scenario string          `json:"scenario"`
	Profile  string          `json:"profile"`
	Verdict  Status          `json:"verdict"`
	Checks   []CheckResult   `json:"checks"`
	Counts   Counts          `json:"counts"`
	Failover []Failover      `json:"failover"`
	Queue    QueueResult     `json:"queue"`
	Overlaps []MasterOverlap `json:"master_overlaps,omitempty"`
	Start    time.Time       `json:"start"`
	End      time.Time       `json:"end"`
}
