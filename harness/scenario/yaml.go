package scenario

import (
	"bytes"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/amqha/amqha/harness/fault"
)

// nonDefault is v, or the zero value where v is the default d, which
// omitempty then leaves out.
func nonDefault[T comparable](v, d T) T {
	var zero T
	if v == d {
		return zero
	}
	return v
}

// The YAML shape of a File, in documentation order. Durations are strings
// in Go syntax, as the format wants them.
type (
	yamlFile struct {
		Name        string       `yaml:"name"`
		Description string       `yaml:"description"`
		Tier        string       `yaml:"tier,omitempty"`
		Profiles    []string     `yaml:"profiles,flow"`
		Seed        int64        `yaml:"seed,omitempty"`
		Workload    yamlWorkload `yaml:"workload"`
		Timeline    []yamlStep   `yaml:"timeline,omitempty"`
		Expect      yamlExpect   `yaml:"expect"`
	}
	yamlWorkload struct {
		Duration      string `yaml:"duration"`
		Rate          int    `yaml:"rate"`
		InFlight      int    `yaml:"in-flight"`
		MessageSize   int    `yaml:"message-size"`
		Persistent    bool   `yaml:"persistent"`
		ConsumerDelay string `yaml:"consumer-delay"`
		ConsumerRate  int    `yaml:"consumer-rate"`
		DrainQuiet    string `yaml:"drain-quiet"`
		SendTimeout   string `yaml:"send-timeout"`
		// The population's fields are left out at their defaults, so a
		// scenario that keeps the default population does not spell it out.
		Producers int    `yaml:"producers,omitempty"`
		Consumers int    `yaml:"consumers,omitempty"`
		Queues    int    `yaml:"queues,omitempty"`
		Connect   string `yaml:"connect,omitempty"`
		Silence   string `yaml:"silence-limit,omitempty"`
		// Transactions is left out when the workload has none.
		Transactions *yamlTransactions `yaml:"transactions,omitempty"`
		Topic        *yamlTopic        `yaml:"topic,omitempty"`
	}
	yamlStep struct {
		At       string `yaml:"at"`
		Action   string `yaml:"action"`
		Target   string `yaml:"target,omitempty"`
		From     string `yaml:"from,omitempty"`
		Duration string `yaml:"duration,omitempty"`
		// CPUs is a number, as the format reads it; 0 leaves it out.
		CPUs    float64 `yaml:"cpus,omitempty"`
		Offset  string  `yaml:"offset,omitempty"`
		Latency string  `yaml:"latency,omitempty"`
	}
	yamlTopic struct {
		Rate        int `yaml:"rate"`
		Subscribers int `yaml:"subscribers"`
	}
	yamlTransactions struct {
		Rate       int `yaml:"rate"`
		Size       int `yaml:"size"`
		AbortEvery int `yaml:"abort-every"`
	}
	yamlExpect struct {
		SingleMaster     bool   `yaml:"single-master"`
		SplitBrainAcks   bool   `yaml:"split-brain-acks"`
		QuorumBlocking   bool   `yaml:"quorum-blocking"`
		QuorumResume     string `yaml:"quorum-resume"`
		MaxFailover      string `yaml:"max-failover"`
		MaxUnavailable   string `yaml:"max-unavailable"`
		RejoinAsSlave    string `yaml:"rejoin-as-slave"`
		RejoinAsFollower string `yaml:"rejoin-as-follower"`
		Duplicates       string `yaml:"duplicates"`
		Ordered          bool   `yaml:"ordered"`
		MinAcks          int    `yaml:"min-acks,omitempty"`
		// Failures is a list, or a mapping from profile to a list.
		Failures any    `yaml:"failures,flow,omitempty"`
		Findings string `yaml:"findings,omitempty"`
	}
)

// YAML renders f as a scenario file, every field written out, that Parse
// reads back to the same File (but for Path and the steps' Line). Steps
// are written one per line: - {at: 10s, action: kill, target: master}.
func (f *File) YAML() []byte {
	w, x := f.Workload, f.Expect
	doc := yamlFile{
		Name:        f.Name,
		Description: f.Description,
		Tier:        string(f.Tier),
		Profiles:    f.Profiles,
		Seed:        f.Seed,
		Workload: yamlWorkload{
			Duration: dur(w.Duration), Rate: w.Rate, InFlight: w.InFlight, MessageSize: w.MessageSize,
			Persistent: w.Persistent, ConsumerDelay: dur(w.ConsumerDelay), ConsumerRate: w.ConsumerRate,
			DrainQuiet: dur(w.DrainQuiet), SendTimeout: dur(w.SendTimeout),
			Producers: nonDefault(w.Producers, DefaultProducers), Consumers: nonDefault(w.Consumers, DefaultConsumers), Queues: nonDefault(w.Queues, 1),
			Connect: string(nonDefault(w.Connect, DefaultConnect)), Silence: string(nonDefault(dur(w.Silence), dur(DefaultSilence))),
		},
		Expect: yamlExpect{
			SingleMaster: x.SingleMaster, MinAcks: x.MinAcks, SplitBrainAcks: x.SplitBrainAcks,
			QuorumBlocking: x.QuorumBlocking, QuorumResume: dur(x.QuorumResume),
			MaxFailover: dur(x.MaxFailover), MaxUnavailable: dur(x.MaxUnavailable),
			RejoinAsSlave: dur(x.RejoinWithin), RejoinAsFollower: dur(x.RejoinFollowerWithin),
			Duplicates: "report", Ordered: x.RequireOrder, Findings: x.Findings,
		},
	}
	if t := w.Topic; t != nil {
		doc.Workload.Topic = &yamlTopic{Rate: t.Rate, Subscribers: t.Subscribers}
	}
	if t := w.Transactions; t != nil {
		doc.Workload.Transactions = &yamlTransactions{Rate: t.Rate, Size: t.Size, AbortEvery: t.AbortEvery}
	}
	switch {
	case x.FailuresOn != nil:
		on := map[string][]string{}
		for p, cs := range x.FailuresOn {
			on[p] = fault.Names(cs)
		}
		doc.Expect.Failures = on
	case len(x.Failures) > 0:
		doc.Expect.Failures = fault.Names(x.Failures)
	}
	if x.FailOnDuplicates {
		doc.Expect.Duplicates = "fail"
	}
	for _, s := range f.Timeline {
		st := yamlStep{At: dur(s.At), Action: string(s.Action), Target: s.Target.String(), From: string(s.From), CPUs: s.CPUs}
		if s.Duration > 0 {
			st.Duration = dur(s.Duration)
		}
		if s.Offset != 0 {
			st.Offset = dur(s.Offset)
		}
		if s.Latency > 0 {
			st.Latency = dur(s.Latency)
		}
		doc.Timeline = append(doc.Timeline, st)
	}

	var root yaml.Node
	if err := root.Encode(doc); err != nil {
		panic("scenario: encode " + f.Name + ": " + err.Error()) // plain data: cannot fail
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "timeline" {
			for _, step := range root.Content[i+1].Content {
				step.Style = yaml.FlowStyle
			}
		}
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&root); err != nil {
		panic("scenario: render " + f.Name + ": " + err.Error())
	}
	enc.Close()
	return b.Bytes()
}

// dur writes a duration the way the format reads it; zero is "0s".
func dur(d time.Duration) string { return d.String() }
