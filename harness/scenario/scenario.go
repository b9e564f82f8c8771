// Package scenario parses and validates amqha scenario files.
//
// A scenario is data: a YAML file naming the profiles it runs on, the
// workload to drive, a timeline of faults and the checks' expectations.
// The format is documented in scenarios/README.md. Parsing is strict:
// unknown fields, duplicate keys, wrong types and bad values are errors,
// and every problem of a file is reported at once, each with its file,
// line and field, as a *Errors.
package scenario

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/amqha/amqha/harness/checker"
	"github.com/amqha/amqha/harness/fault"
	"github.com/amqha/amqha/harness/workload"
)

// File is one parsed and validated scenario, with defaults applied.
type File struct {
	// Path is the path the scenario was parsed from, as given.
	Path string
	// Name is the scenario's name; it equals the file's base name
	// without its .yaml extension.
	Name string
	// Description says what the scenario does and what is expected on
	// each profile.
	Description string
	// Tier is the suite the scenario belongs to (default TierDefault).
	Tier Tier
	// Seed is the seed an exploratory run drew its timeline from (see
	// Explore); 0 means none.
	Seed int64
	// Profiles lists the profiles the scenario runs on; never empty.
	Profiles []string
	// Workload is the producer/consumer load driven during the run.
	Workload Workload
	// Timeline is the faults to inject, in time order; may be empty.
	Timeline []Step
	// Expect holds what the checks should conclude.
	Expect Expect
}

// Workload is the load a scenario drives.
type Workload struct {
	// Duration is the total producer run time (default 40s).
	Duration time.Duration
	// Rate is the number of sends per second (default 100).
	Rate int
	// InFlight is the number of sends awaiting a receipt at once
	// (default 8).
	InFlight int
	// MessageSize is the message body size in bytes (default 256).
	MessageSize int
	// Persistent selects persistent delivery (default true).
	Persistent bool
	// ConsumerDelay is how long after the producer the consumer starts
	// (default 0).
	ConsumerDelay time.Duration
	// ConsumerRate caps deliveries per second; 0 means unlimited
	// (default 0).
	ConsumerRate int
	// DrainQuiet ends the final drain once the queue has stayed empty
	// this long (default 5s).
	DrainQuiet time.Duration
	// SendTimeout is how long the producer waits for a receipt before it
	// gives the connection up and reconnects (default 10s). A longer one
	// keeps a blocked client on its broker, as a JMS client with
	// ActiveMQ's default sendTimeout of 0 stays.
	SendTimeout time.Duration
	// Producers and Consumers are how many of each client the run drives,
	// each on its own connection (default 2 and 2). Rate is shared among
	// the producers; InFlight is each producer's window (default 4, so
	// the default population keeps 8 sends in flight).
	Producers int
	Consumers int
	// Queues is how many queues the clients spread over, the i-th client
	// of a kind on queue i mod Queues (default 1).
	Queues int
	// Connect is how each client picks its broker at every (re)connect
	// (default DefaultConnect).
	Connect workload.Connect
	// Silence is how long a client keeps a connection on which nothing,
	// not even the broker's heart-beat, arrives (default 5s). A longer one
	// keeps clients on a frozen broker, as ActiveMQ's inactivity monitor
	// (30 s by default) keeps a JMS client.
	Silence time.Duration
	// Transactions, when set, adds a producer of STOMP transactions on a
	// connection of its own (the transactions field).
	Transactions *Transactions
	// Topic, when set, adds a topic beside the queue, with a producer of
	// its own and durable subscribers (the topic field).
	Topic *Topic
}

// Step is one timeline entry: an action on a target at an offset from the
// workload's start.
type Step struct {
	// Line is the step's line in the scenario file.
	Line int
	// At is the offset from the workload's start.
	At     time.Duration
	Action fault.Action
	// Target is what the action applies to (see ParseTarget); the zero
	// Target for heal.
	Target fault.Target
	// From, when set, limits a partition or loss to the target's peers of
	// that kind (broker, zk or db); empty means every other node.
	From fault.NodeKind
	// Duration, if non-zero, heals the fault automatically after it; only
	// pause, partition, delay, loss, starve, clock-skew and store-delay
	// take one.
	Duration time.Duration
	// CPUs is, on a starve, the share of one CPU the target is left
	// (0.05: 5 ms of CPU time in every 100 ms); 0 on every other action.
	CPUs float64
	// Offset is how far a clock-skew step moves the target's wall clock:
	// ahead when positive, behind when negative; zero for other actions.
	Offset time.Duration
	// Latency is how much longer a store-delay step makes each round trip
	// on the target's path to the store; zero for other actions.
	Latency time.Duration
}

// DelaysStore reports whether a step of the timeline slows the store: the
// scenario then runs on a cluster whose brokers reach it through the store
// proxy, and only such a scenario does.
func (f *File) DelaysStore() bool {
	for _, s := range f.Timeline {
		if spec, _ := fault.Lookup(s.Action); spec.Latency {
			return true
		}
	}
	return false
}

// String describes the step, e.g. "10s kill master",
// "20s partition minority for 5s" or "10s starve master to 0.05 cpus for 15s".
func (s Step) String() string {
	out := s.At.String() + " " + string(s.Action)
	if !s.Target.IsZero() {
		out += " " + s.Target.String()
	}
	if s.From != "" {
		out += " from " + string(s.From)
	}
	if s.CPUs > 0 {
		out += " to " + strconv.FormatFloat(s.CPUs, 'g', -1, 64) + " cpus"
	}
	if s.Offset != 0 {
		out += " by " + signed(s.Offset)
	}
	if s.Latency > 0 {
		out += " by " + s.Latency.String()
	}
	if s.Duration > 0 {
		out += " for " + s.Duration.String()
	}
	return out
}

// signed writes an offset with its sign, as a skewed clock is described.
func signed(d time.Duration) string {
	if d > 0 {
		return "+" + d.String()
	}
	return d.String()
}

// Expect is what the checks of a run should conclude.
type Expect struct {
	// SingleMaster enables the single-master check (default true).
	SingleMaster bool
	// SplitBrainAcks enables the split-brain-acks check: no send may be
	// acknowledged by a broker while another is master (default true).
	SplitBrainAcks bool
	// QuorumBlocking enables the quorum-blocking check: no send may be
	// acknowledged without quorum (default true). On a profile without a
	// quorum the check reports n/a.
	QuorumBlocking bool
	// QuorumResume bounds how long after quorum returns the first send
	// must be acknowledged; 0 disables the bound (default 30s).
	QuorumResume time.Duration
	// MaxFailover is the failover budget; 0 disables the check
	// (default 30s).
	MaxFailover time.Duration
	// MaxUnavailable bounds each disruptive fault's client-visible
	// outage, the longest time without an acknowledged send; 0 makes the
	// availability check report only (default 0).
	MaxUnavailable time.Duration
	// RejoinWithin bounds how long a restarted broker may take to show as
	// a slave (the rejoin-as-slave field); 0 disables the check
	// (default 30s).
	RejoinWithin time.Duration
	// RejoinFollowerWithin bounds how long a restarted ZooKeeper or
	// PostgreSQL node may take to show as follower or replica (the
	// rejoin-as-follower field); 0 disables the check (default 30s).
	RejoinFollowerWithin time.Duration
	// FailOnDuplicates makes duplicate deliveries a failure instead of a
	// report (duplicates: fail; default report).
	FailOnDuplicates bool
	// RequireOrder makes a delivery out of its producer's order a failure
	// instead of a report (ordered: true; default false).
	RequireOrder bool
	// MinAcks is the traffic guard: the least number of acknowledged
	// sends before the first fault and after the last one ends (the
	// min-acks field; default checker.DefaultMinAcks).
	MinAcks int
	// Failures lists the checks expected to fail: known findings and
	// negative controls.
	Failures []checker.Check
	// FailuresOn, when the file gives failures per profile, lists the
	// checks expected to fail on each profile; a profile it leaves out
	// is expected to pass. It replaces Failures.
	FailuresOn map[string][]checker.Check
	// Findings is free-text evidence for the known findings.
	Findings string
}

// Defaults for the optional fields.
const (
	DefaultDuration     = 40 * time.Second
	DefaultRate         = 100
	DefaultInFlight     = 4
	DefaultProducers    = 2
	DefaultConsumers    = 2
	DefaultSilence      = 5 * time.Second
	DefaultMessageSize  = 256
	DefaultDrainQuiet   = 5 * time.Second
	DefaultMaxFailover  = 30 * time.Second
	DefaultRejoinWithin = 30 * time.Second

	DefaultQuorumResume         = 30 * time.Second
	DefaultRejoinFollowerWithin = 30 * time.Second
)

// DefaultConnect is mixed, because a production fleet has clients of both
// kinds: a scenario that sets nothing has one client of each kind on a
// fixed broker order and one shuffling, so a deposed master that still
// accepts is seen by someone.
const DefaultConnect = workload.ConnectMixed

// defaultWorkload is the workload of a scenario that sets no field.
func defaultWorkload() Workload {
	return Workload{
		Duration:    DefaultDuration,
		Rate:        DefaultRate,
		InFlight:    DefaultInFlight,
		MessageSize: DefaultMessageSize,
		Persistent:  true,
		DrainQuiet:  DefaultDrainQuiet,
		SendTimeout: checker.DefaultSendTimeout,
		Producers:   DefaultProducers,
		Consumers:   DefaultConsumers,
		Queues:      1,
		Connect:     DefaultConnect,
		Silence:     DefaultSilence,
	}
}

// defaultExpect is the expectations of a scenario that sets no field.
func defaultExpect() Expect {
	return Expect{
		SingleMaster:         true,
		SplitBrainAcks:       true,
		QuorumBlocking:       true,
		QuorumResume:         DefaultQuorumResume,
		MaxFailover:          DefaultMaxFailover,
		RejoinWithin:         DefaultRejoinWithin,
		RejoinFollowerWithin: DefaultRejoinFollowerWithin,
	}
}

// Parse parses and validates the scenario in data. path is used in error
// messages and, unless empty, to check that the scenario's name matches
// the file name. On failure it returns a nil File and a *Errors holding
// every problem found.
func Parse(path string, data []byte) (*File, error) {
	p := &parser{file: path}
	f := p.parse(data)
	if len(p.errs.List) > 0 {
		p.errs.sortByLine()
		return nil, &p.errs
	}
	f.Path = path
	return f, nil
}

// Load reads and parses the scenario file at path. Errors, including a
// file that cannot be read, is not a regular file or is larger than
// MaxFileSize, are returned as a *Errors.
func Load(path string) (*File, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, &Errors{List: []Error{*err}}
	}
	return Parse(path, data)
}

// LoadAll loads every scenario named by paths. A directory stands for the
// *.yaml files directly inside it, in name order; a directory without any
// is an error. Two files defining the same scenario name are an error.
// All the files' problems are returned together as one *Errors; the files
// that loaded cleanly are returned even then.
func LoadAll(paths ...string) ([]*File, error) {
	var (
		files  []*File
		all    Errors
		seen   = map[string]bool{} // cleaned paths already loaded
		byName = map[string]string{}
	)
	load := func(path string) {
		if seen[filepath.Clean(path)] {
			return
		}
		seen[filepath.Clean(path)] = true
		f, err := Load(path)
		if err != nil {
			var errs *Errors
			if errors.As(err, &errs) {
				all.List = append(all.List, errs.List...)
			} else {
				all.List = append(all.List, Error{File: path, Msg: err.Error()})
			}
			return
		}
		if other, dup := byName[f.Name]; dup {
			all.List = append(all.List, Error{File: path, Field: "name",
				Msg: "scenario " + f.Name + " is also defined by " + other})
			return
		}
		byName[f.Name] = path
		files = append(files, f)
	}
	for _, path := range paths {
		info, err := os.Stat(path)
		if err != nil {
			all.List = append(all.List, Error{File: path, Msg: ioMessage(err)})
			continue
		}
		if !info.IsDir() {
			load(path)
			continue
		}
		entries, err := os.ReadDir(path)
		if err != nil {
			all.List = append(all.List, Error{File: path, Msg: ioMessage(err)})
			continue
		}
		found := false
		for _, e := range entries { // ReadDir sorts by name
			if !e.IsDir() && strings.HasSuffix(e.Name(), ".yaml") {
				found = true
				load(filepath.Join(path, e.Name()))
			}
		}
		if !found {
			all.List = append(all.List, Error{File: path, Msg: "directory holds no *.yaml scenario files"})
		}
	}
	if len(all.List) > 0 {
		return files, &all
	}
	return files, nil
}

// ioMessage is err without the path that Error already prints.
func ioMessage(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		if errors.Is(err, fs.ErrNotExist) {
			return "no such file or directory"
		}
		return pe.Op + ": " + pe.Err.Error()
	}
	return err.Error()
}

// FailuresFor lists the checks expected to fail on profile.
func (x Expect) FailuresFor(profile string) []checker.Check {
	if x.FailuresOn != nil {
		return x.FailuresOn[profile]
	}
	return x.Failures
}

// FillsStore reports whether the timeline fills a store's disk: its
// cluster then needs stores on size-limited volumes, which every other
// scenario runs without (tmpfs makes fsync free).
func (f *File) FillsStore() bool {
	for _, s := range f.Timeline {
		if spec, _ := fault.Lookup(s.Action); spec.Store {
			return true
		}
	}
	return false
}
