package scenario

import (
	"github.com/amqha/amqha/harness/checker"
)

// config is the checker's configuration for these expectations, without
// the parts that need the whole file (the timeline) or the profile (the
// quorum).
func (x Expect) config() checker.Config {
	return checker.Config{MaxFailover: x.MaxFailover, RejoinWithin: x.RejoinWithin,
		FailOnDuplicates: x.FailOnDuplicates, SingleMaster: x.SingleMaster,
		SplitBrainAcks: x.SplitBrainAcks, MaxUnavailable: x.MaxUnavailable,
		QuorumBlocking: x.QuorumBlocking, RejoinFollowerWithin: x.RejoinFollowerWithin,
		MinAcks: x.MinAcks, RequireOrder: x.RequireOrder}
}

// CheckConfig turns the scenario into the checker's configuration: its
// thresholds, and its timeline as the plan the recorded fault events must
// reconcile with. The quorum depends on the profile, so the caller adds it.
func (f *File) CheckConfig() checker.Config {
	cfg := f.Expect.config()
	// The silence guard must assume the producer's own receipt timeout.
	cfg.SendTimeout = f.Workload.SendTimeout
	cfg.Transactions = f.Workload.Transactions != nil
	if t := f.Workload.Topic; t != nil {
		cfg.Subscribers = t.Subscribers
	}
	for i, s := range f.Timeline {
		cfg.Timeline = append(cfg.Timeline, checker.PlannedStep{Step: i + 1, Action: s.Action, Target: s.Target.String(), Offset: s.At})
	}
	return cfg
}
