// Package checker holds amqha's verdicts: pure functions over a recorded
// history.Run that return typed results with a pass, fail, unknown or
// not-applicable status. Nothing here touches Docker or the network.
package checker

import (
	"time"

	"github.com/amqha/amqha/harness/fault"
)

// Status is the outcome of one check.
type Status string

// Check outcomes. Unknown means the history cannot decide (e.g. no role
// samples, or evidence the guard found missing); NotApplicable means the
// check has no meaning for this run (e.g. failover time in a run without a
// disruptive fault); Info is a check that cannot fail as configured
// (availability without a bound): it reports, and is never shown as a pass.
const (
	Pass          Status = "pass"
	Fail          Status = "fail"
	Unknown       Status = "unknown"
	NotApplicable Status = "n/a"
	Info          Status = "info"
)

// CheckResult is one row of result.json's checks.
type CheckResult struct {
	Name   Check  `json:"name"`
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
	// Stranded counts acknowledged, undelivered sends that the JDBC store
	// still held after the drain: not lost, never dispatched. Lost does
	// not count them.
	Stranded int `json:"stranded,omitempty"`
}

// QueueResult is the total-queue analysis: every id set is sorted.
type QueueResult struct {
	Counts     Counts   `json:"counts"`
	Lost       []string `json:"lost,omitempty"`
	Stranded   []string `json:"stranded,omitempty"`
	Duplicated []string `json:"duplicated,omitempty"`
	Unexpected []string `json:"unexpected,omitempty"`
	Recovered  []string `json:"recovered,omitempty"`
}

// Failover is the recovery of one disruptive fault, in two figures:
//   - RTOms, as OpenChaos's RTO checker measures it: from the fault's start
//     stamp to the first send acknowledged after it. max-failover judges it.
//   - OutageMS, the outage as clients saw it: from the last send
//     acknowledged before the fault to the first one after. It is longer
//     than the RTO by however long the fault took to land and the
//     connection took to die, which the start stamp cannot see.
//
// UnavailableMS is the longest stretch without an acknowledged send from
// the last ack before the fault on; availability judges it.
type Failover struct {
	Step   int          `json:"step"`
	Action fault.Action `json:"action"`
	Target string       `json:"target"`
	Nodes  []string     `json:"nodes,omitempty"`
	At     time.Time    `json:"at"`
	// RTOms is -1 when no send was acknowledged after the fault.
	RTOms     int64  `json:"rto_ms"`
	Recovered bool   `json:"recovered"`
	FirstOKID string `json:"first_ok_id,omitempty"`
	// FirstOKAt is when FirstOKID was acknowledged.
	FirstOKAt time.Time `json:"first_ok_at,omitzero"`
	// LastOKAt is the last acknowledgement before the fault's start, zero
	// if there was none; OutageMS runs from it to FirstOKAt, and is -1
	// when either is missing.
	LastOKAt time.Time `json:"last_ok_at,omitzero"`
	OutageMS int64     `json:"outage_ms"`
	// UnavailableMS is the longest stretch without any acknowledged send
	// from the last ack before the fault (else its start) to the next
	// disruptive fault's start, or to the producer's end (the run's drain
	// event, else its end). UnavailableFrom is where that stretch began.
	UnavailableMS   int64     `json:"unavailable_ms"`
	UnavailableFrom time.Time `json:"unavailable_from,omitzero"`
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
	// Acks, when set, is how many of A's acknowledgements show the
	// overlap: each can only have been handled inside B's window, so
	// AWindow is the stretch they span, not a window of A's log or
	// probe. FirstAck names the first of them.
	Acks     int    `json:"acks,omitempty"`
	FirstAck string `json:"first_ack,omitempty"`
}

// SplitBrainAck is evidence of a write acknowledged by one broker while
// another was master: the ack, and the other broker's master window that
// contains it.
type SplitBrainAck struct {
	// ID, Broker and At are the acknowledged send, the broker that
	// acknowledged it and when.
	ID     string    `json:"id"`
	Broker string    `json:"broker"`
	At     time.Time `json:"at"`
	// Process and Conn are the client that was told "stored" and the
	// connection the receipt came on; empty in histories without them.
	Process string `json:"process,omitempty"`
	Conn    string `json:"conn,omitempty"`
	// Other is the broker whose master window OtherWindow contains At.
	Other       string       `json:"other"`
	OtherWindow MasterWindow `json:"other_window"`
	// OtherAckID is Other's acknowledged send nearest in time to At, if
	// Other acknowledged any, and OtherAckAt when.
	OtherAckID string    `json:"other_ack_id,omitempty"`
	OtherAckAt time.Time `json:"other_ack_at,omitzero"`
}

// QuorumSpec describes a profile's quorum: the nodes that vote (e.g. zk1,
// zk2, zk3) and how many must be available for writes.
type QuorumSpec struct {
	Members []string
	Size    int
	// Resume bounds how long after quorum returns the first send must be
	// acknowledged; zero disables the bound.
	Resume time.Duration
	// Also lists further groups that each need their own quorum, such as
	// the ZooKeeper ensemble under Patroni's databases: writes need every
	// group quorate. Only Members and Size of these are used.
	Also []QuorumSpec
}

// AckRef names one acknowledged send.
type AckRef struct {
	ID     string    `json:"id"`
	Broker string    `json:"broker,omitempty"`
	At     time.Time `json:"at"`
}

// QuorumWindow is a span during which fewer than QuorumSpec.Size members
// were available, with what clients saw during and after it.
type QuorumWindow struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// Open means the history ended without quorum; To is then its end.
	Open bool `json:"open,omitempty"`
	// Unavailable lists the members down, paused or
	// partitioned when the window opened.
	Unavailable []string `json:"unavailable"`
	// AcksInside counts the sends acknowledged inside the window past the
	// grace after its opening; Acks quotes them, capped across windows.
	AcksInside int      `json:"acks_inside"`
	Acks       []AckRef `json:"acks,omitempty"`
	// ResumeMS is the time from To to the first acknowledged send after
	// it, FirstOKID that send; -1 when none came before quorum was lost
	// again or the producer stopped.
	ResumeMS  int64  `json:"resume_ms"`
	FirstOKID string `json:"first_ok_id,omitempty"`
}

// Config holds the scenario's thresholds for the checks.
type Config struct {
	// MaxFailover is the failover budget; zero disables the check.
	MaxFailover time.Duration
	// RejoinWithin bounds how long a restarted broker may take to show as
	// a slave; zero disables the check.
	RejoinWithin time.Duration
	// RejoinFollowerWithin bounds how long a restarted ZooKeeper (zk*) or
	// PostgreSQL (pg*) node may take to show as follower or replica; zero
	// disables the rejoin-as-follower check.
	RejoinFollowerWithin time.Duration
	// FailOnDuplicates makes duplicates a failure instead of a report.
	FailOnDuplicates bool
	// RequireOrder makes a reordered delivery a failure instead of a report.
	RequireOrder bool
	// Subscribers is how many durable subscribers the workload's topic
	// has; above 0 the durable-subscribers check runs.
	Subscribers int
	// Transactions says the workload sends STOMP transactions: the
	// atomic-transactions check runs.
	Transactions bool
	// SingleMaster enables the single-master check.
	SingleMaster bool
	// SplitBrainAcks enables the split-brain-acks check.
	SplitBrainAcks bool
	// MaxUnavailable bounds each disruptive fault's client-visible outage
	// (Failover.UnavailableMS); zero makes availability report only.
	MaxUnavailable time.Duration
	// QuorumBlocking enables the quorum-blocking check; with a nil Quorum
	// (a profile without one) it reports n/a.
	QuorumBlocking bool
	Quorum         *QuorumSpec

	// Timeline is the scenario's plan: the completeness guard requires a
	// start and an end event for each step, and no fault event beyond
	// them. A nil Timeline is a plan without faults.
	Timeline []PlannedStep
	// MinAcks is the traffic guard: the least number of acknowledged sends
	// before the first fault and after the last one ends (0: DefaultMinAcks).
	MinAcks int
	// StoreChecked says the profile keeps messages in a JDBC store that the
	// runner looked up after the drain: the no-stranded check runs, and an
	// undelivered id found there is stranded, not lost.
	StoreChecked bool
	// SendTimeout is how long the producer waits for one receipt; a
	// silence in the history longer than it needs a fault to explain it
	// (0: DefaultSendTimeout).
	SendTimeout time.Duration
}

// PlannedStep is one step of a scenario's timeline, as the completeness
// guard reconciles it with the recorded fault events.
type PlannedStep struct {
	// Step is the 1-based index of the step in the timeline.
	Step   int
	Action fault.Action
	Target string
	// Offset is the step's at, from the workload's start.
	Offset time.Duration
}

// Defaults of the guards.
const (
	DefaultMinAcks     = 20
	DefaultSendTimeout = 10 * time.Second
)

// Result is result.json.
type Result struct {
	Scenario string        `json:"scenario"`
	Profile  string        `json:"profile"`
	Verdict  Status        `json:"verdict"`
	Checks   []CheckResult `json:"checks"`
	Counts   Counts        `json:"counts"`
	Failover []Failover    `json:"failover"`
	Queue    QueueResult   `json:"queue"`
	// Queues is the total-queue analysis of each queue, for a run whose
	// clients spread over several; Queue is then their total.
	Queues []PerQueue `json:"queues,omitempty"`
	// Order is what the consumers received out of their producers' order.
	Order OrderResult `json:"order"`
	// Subscribers is the total-queue of each durable topic subscriber.
	Subscribers []SubscriberResult `json:"subscribers,omitempty"`
	// Transactions is the atomicity analysis of the STOMP transactions.
	Transactions *TxnResult `json:"transactions,omitempty"`
	// Phases is send latency and acknowledged rate before, during and
	// after the faults.
	Phases   []Phase         `json:"phases,omitempty"`
	Overlaps []MasterOverlap `json:"master_overlaps,omitempty"`
	// SplitBrainAcks is the split-brain-acks evidence, capped at 100.
	SplitBrainAcks []SplitBrainAck `json:"split_brain_acks,omitempty"`
	// QuorumWindows are the no-quorum windows the quorum-blocking check found.
	QuorumWindows []QuorumWindow `json:"no_quorum_windows,omitempty"`
	// Missing is what the completeness guard found missing from the
	// history; every check that needs it is unknown.
	Missing []Gap `json:"missing_evidence,omitempty"`
	// Lease is the lease timing budget of a lease profile (jdbc,
	// replicated); nil for the others.
	Lease *LeaseBudget `json:"lease_budget,omitempty"`
	Start time.Time    `json:"start"`
	End   time.Time    `json:"end"`
	// Incomplete marks a run whose history stops early (no run end event,
	// or a last line cut short): its checks show what was recorded, but
	// its verdict is Unknown, since the missing part may hold the very
	// deliveries or failures the checks look for. IncompleteReason says why.
	Incomplete       bool   `json:"incomplete,omitempty"`
	IncompleteReason string `json:"incomplete_reason,omitempty"`
}

// LeaseBudget is a lease profile's timing budget, in result.json and
// the report: the lease, how it is renewed, and how late a master can
// notice that a renewal failed. Unsafe when that is later than the lease
// runs out; Advice then names the setting to change.
type LeaseBudget struct {
	LeaseMS          int64 `json:"lease_ms"`
	KeepAliveMS      int64 `json:"keepalive_ms"`
	Hosts            int   `json:"hosts"`
	ConnectTimeoutMS int64 `json:"connect_timeout_ms"`
	SocketTimeoutMS  int64 `json:"socket_timeout_ms"`
	// NoticeMS is hosts × connectTimeout + socketTimeout: how long one
	// failing renewal can take to fail.
	NoticeMS int64 `json:"notice_ms"`
	// WorstLagMS adds the keep-alive period: from the last good renewal to
	// the master's noticing, at worst.
	WorstLagMS int64  `json:"worst_lag_ms"`
	Unsafe     bool   `json:"unsafe,omitempty"`
	Advice     string `json:"advice,omitempty"`
	// Fenced: the lease has its own unpooled data source (whose timeouts
	// ConnectTimeoutMS and SocketTimeoutMS then are, with a loginTimeout
	// in NoticeMS), and the broker stops on the first failed renewal.
	Fenced bool `json:"fenced,omitempty"`
	// MaxDiffFromDBTimeMS is the locker's maxAllowableDiffFromDBTime: above
	// 0, a broker whose clock is off the database's by more stamps the
	// lease in the database's time (read once, when the locker starts).
	MaxDiffFromDBTimeMS int64 `json:"max_diff_from_db_time_ms,omitempty"`
}

// Gap is one piece of evidence the completeness guard found missing.
type Gap struct {
	Evidence Evidence `json:"evidence"`
	Detail   string   `json:"detail"`
}
