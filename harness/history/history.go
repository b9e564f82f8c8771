// Package history holds the records a run leaves behind: the client
// operations (history.jsonl) and the cluster events (events.jsonl). Every
// other package reads or writes these types, so they stay plain data.
package history

import (
	"strconv"
	"strings"
	"time"

	"github.com/amqha/amqha/harness/fault"
)

// OpType is the phase of a client operation, in Jepsen's vocabulary.
type OpType string

// Operation phases. A send is invoked, then completes exactly once as ok,
// fail or info. A delivery is recorded as a single ok receive.
const (
	Invoke OpType = "invoke"
	// OK means the broker confirmed the operation (a RECEIPT for a send).
	OK OpType = "ok"
	// Fail means the operation definitely did not take effect.
	Fail OpType = "fail"
	// Info means the outcome is unknown: a timeout or a lost connection.
	Info OpType = "info"
)

// Func names what an operation does.
type Func string

// Operation functions.
const (
	Send    Func = "send"
	Receive Func = "receive"
)

// Process names of the workload's clients. A run with one producer and
// one consumer names them so; a population names its clients
// "producer-N" and "consumer-N" (see ClientName).
const (
	Producer = "producer"
	Consumer = "consumer"
)

// ClientName is the process name of the i-th (1-based) of n clients of a
// kind: the bare kind when it is the only one, so that histories recorded
// before populations keep their names.
func ClientName(kind string, i, n int) string {
	if n <= 1 {
		return kind
	}
	return kind + "-" + strconv.Itoa(i)
}

// IsProducer reports whether a process name is one of the producers.
func IsProducer(process string) bool {
	return process == Producer || strings.HasPrefix(process, Producer+"-")
}

// TopicPrefix starts the Queue of a send or delivery on a topic.
const TopicPrefix = "topic://"

// IsTopic reports whether an op's Queue names a topic.
func IsTopic(queue string) bool {
	return len(queue) >= len(TopicPrefix) && queue[:len(TopicPrefix)] == TopicPrefix
}

// Op is one line of history.jsonl.
type Op struct {
	Index   int64     `json:"index"`
	Time    time.Time `json:"time"`
	Process string    `json:"process"`
	Type    OpType    `json:"type"`
	F       Func      `json:"f"`
	// ID is the application message id, unique per send operation.
	ID string `json:"id"`
	// Broker is the broker that acknowledged a send or delivered a message.
	Broker string `json:"broker,omitempty"`
	// Txn is the STOMP transaction a send went in, empty for a single
	// send; the send completes with the transaction's COMMIT or ABORT.
	Txn string `json:"txn,omitempty"`
	// RetryOf names the send whose unknown outcome this send retries.
	RetryOf string `json:"retry_of,omitempty"`
	// Redelivered is the broker's redelivered flag on a delivery.
	Redelivered bool `json:"redelivered,omitempty"`
	// Queue is the queue sent to or delivered from, as the scenario's
	// queues are numbered (q1, q2, ...); empty for the single queue of a
	// scenario with one, so histories from before populations load as
	// they were; topic://<name> for the durable topic.
	Queue string `json:"queue,omitempty"`
	// Conn names the client's connection the operation went over; a
	// client gets a new one at every reconnect.
	Conn  string `json:"conn,omitempty"`
	Error string `json:"error,omitempty"`
}

// Role is what a broker is, as the role probe saw it.
type Role string

// Broker roles. Master means the broker completed a STOMP handshake; slave
// means it is running, refuses clients and has logged that it waits for the
// store's lock.
const (
	Master Role = "master"
	Slave  Role = "slave"
	// Starting is a running broker that neither serves nor has said it is a slave.
	Starting Role = "starting"
	// Unresponsive is a broker that accepts TCP but never answers, e.g. a frozen one.
	Unresponsive Role = "unresponsive"
	Down         Role = "down"
	Paused       Role = "paused"
	// ZooKeeper roles; Looking is a server without quorum.
	Leader   Role = "leader"
	Follower Role = "follower"
	Looking  Role = "looking"
	// Database roles.
	Primary Role = "primary"
	Replica Role = "replica"
)

// EventType classifies a line of events.jsonl.
type EventType string

// Event types.
const (
	// RunEvent marks the run's phases: start, faults-done, drain, end.
	RunEvent EventType = "run"
	// FaultEvent is the start or end of one step of the fault timeline.
	FaultEvent EventType = "fault"
	// RoleEvent is one role sample of one node.
	RoleEvent EventType = "role"
	// LogEvent is a broker's own log line that marks it starting or
	// ceasing to serve clients as master: Node, a Phase* of master log,
	// and the line in Detail.
	LogEvent EventType = "master-log"
	// StoreEvent is what a JDBC store still held for the run's queue once
	// the drain ended (ACTIVEMQ_MSGS on the primary): the ids in IDs, or
	// the query's Error.
	StoreEvent EventType = "store"
	// DumpEvent is one broker's thread dump at the run's end: Node, Phase
	// PhaseDeadlock (the JVM's deadlock section in Detail) or
	// PhaseNoDeadlock, or Error where the broker could not be dumped.
	DumpEvent EventType = "thread-dump"
)

// Phases of a DumpEvent.
const (
	PhaseDeadlock   = "deadlock"
	PhaseNoDeadlock = "no-deadlock"
)

// Phases of a LogEvent. MasterStart opens a broker's master window and
// MasterEnd closes it; MasterLease (the JDBC lease taken, before the
// transports open) is recorded for the reader and opens nothing.
const (
	PhaseMasterStart = "master-start"
	PhaseMasterEnd   = "master-end"
	PhaseMasterLease = "master-lease"
)

// Phase of a fault or a run. A run records start, baseline (its cluster
// is ready), drain (the producer stopped), drained (the consumer finished
// or gave up) and end, in that order; the checker requires them all.
const (
	PhaseStart    = "start"
	PhaseEnd      = "end"
	PhaseBaseline = "baseline"
	PhaseDrain    = "drain"
	PhaseDrained  = "drained"
)

// Event is one line of events.jsonl.
type Event struct {
	Time time.Time `json:"time"`
	Type EventType `json:"type"`
	// Phase is start or end for faults, and the run's phase for run events.
	Phase string `json:"phase,omitempty"`

	// Role sample fields.
	Node string `json:"node,omitempty"`
	Role Role   `json:"role,omitempty"`

	// Fault fields. Step is the 1-based index in the scenario's timeline.
	Step   int          `json:"step,omitempty"`
	Action fault.Action `json:"action,omitempty"`
	Target string       `json:"target,omitempty"`
	Nodes  []string     `json:"nodes,omitempty"`
	Detail string       `json:"detail,omitempty"`
	Error  string       `json:"error,omitempty"`
	// IDs is, on a store event, the application ids of the messages the
	// store still held for the run's queue after the drain.
	IDs []string `json:"ids,omitempty"`
	// From is, on a scoped cut's events, the kind of peer it cut the
	// nodes from; empty for a cut from everyone.
	From fault.NodeKind `json:"from,omitempty"`
	// Began is, on a fault's start, when the call that injects it began;
	// Time is when its effect was certain. Clients can feel a fault from
	// Began on (a kill of several nodes takes a second and more).
	Began time.Time `json:"began,omitzero"`

	// Ops is, on run events, how many operations had been recorded when
	// the event was: a history cut short or with lines missing holds
	// fewer than the run's end says, and the checker refuses to judge it.
	Ops int64 `json:"ops,omitempty"`
}

// Run is everything recorded about one scenario run.
type Run struct {
	Ops    []Op
	Events []Event
}
