// Package history holds the records a run leaves behind: the client
// operations (history.jsonl) and the cluster events (events.jsonl). Every
// other package reads or writes these types, so they stay plain data.
package history

import "time"

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

// Process names of the workload's clients.
const (
	Producer = "producer"
	Consumer = "consumer"
)

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
	// RetryOf names the send whose unknown outcome this send retries.
	RetryOf string `json:"retry_of,omitempty"`
	// Redelivered is the broker's redelivered flag on a delivery.
	Redelivered bool   `json:"redelivered,omitempty"`
	Error       string `json:"error,omitempty"`
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
)

// Phase of a fault or a run.
const (
	PhaseStart = "start"
	PhaseEnd   = "end"
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
	Step   int      `json:"step,omitempty"`
	Action string   `json:"action,omitempty"`
	Target string   `json:"target,omitempty"`
	Nodes  []string `json:"nodes,omitempty"`
	Detail string   `json:"detail,omitempty"`
	Error  string   `json:"error,omitempty"`
}

// Run is everything recorded about one scenario run.
type Run struct {
	Ops    []Op
	Events []Event
}

// Disruptive reports whether a fault action takes a node's service away,
// as opposed to giving it back (restart, start, resume, heal). Failover
// time is measured for disruptive faults only.
func Disruptive(action string) bool {
	switch action {
	case "kill", "stop", "pause", "partition", "isolate", "delay", "loss":
		return true
	}
	return false
}

// Rejoining reports whether a fault action brings a node back, after which
// the node must come back as a slave.
func Rejoining(action string) bool {
	switch action {
	case "restart", "start":
		return true
	}
	return false
}
