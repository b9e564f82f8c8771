package checker

import (
	"slices"
	"strings"
)

// Check is a check's name, as scenario files and result.json spell it.
type Check string

// The checks, in the order Analyze runs them and the docs list them.
const (
	// CompleteEvidence is the guard that runs before every verdict: the
	// recorded history must cover the run and the scenario's timeline.
	CompleteEvidence Check = "complete-evidence"

	NoLoss       Check = "no-loss"
	NoUnexpected Check = "no-unexpected"
	NoDuplicates Check = "no-duplicates"
	NoStranded   Check = "no-stranded"
	// NoDeadlock: no broker JVM reported a Java-level deadlock.
	NoDeadlock Check = "no-deadlock"
	Ordered    Check = "ordered"
	// DurableSubscribers: total-queue per durable topic subscriber.
	DurableSubscribers Check = "durable-subscribers"
	// AtomicTransactions: every STOMP transaction all or nothing.
	AtomicTransactions Check = "atomic-transactions"
	MaxFailover        Check = "max-failover"
	Availability       Check = "availability"
	SingleMaster       Check = "single-master"
	SplitBrainAcks     Check = "split-brain-acks"
	QuorumBlocking     Check = "quorum-blocking"
	RejoinAsSlave      Check = "rejoin-as-slave"
	RejoinAsFollower   Check = "rejoin-as-follower"
)

// Evidence is a part of the recorded history that a check reads. The
// completeness guard names what is missing in the same terms, and every
// check that needs it becomes unknown.
type Evidence string

// Kinds of evidence.
const (
	// Coverage: the history spans the run (start, drain and end markers,
	// every recorded operation present, no unexplained silence).
	Coverage Evidence = "coverage"
	// Traffic: enough acknowledged sends in every phase to judge by.
	Traffic Evidence = "traffic"
	// Faults: a start and an end event for every timeline step.
	Faults Evidence = "fault events"
	// Roles: role samples of the nodes the check judges.
	Roles Evidence = "role samples"
)

// Spec is what the harness knows about one check: the parser, the
// checker, the report and the docs read it from Registry.
type Spec struct {
	Name Check
	// Doc is the one-line description the docs show.
	Doc string
	// EnabledBy says, in scenario terms, what turns the check on.
	EnabledBy string
	// Needs lists the evidence the check reads; if the guard finds any of
	// it missing, the check's status is unknown.
	Needs []Evidence
	// On reports whether the configuration enables the check.
	On func(Config) bool
	// CannotFail explains why the check cannot fail as configured, or is
	// empty when it can. Such a check reports info instead of pass, and a
	// scenario cannot expect it to fail.
	CannotFail func(Config) string
	run        func(*analysis) CheckResult
}

func always(Config) bool     { return true }
func canFail(Config) string  { return "" }
func needsAll() []Evidence   { return []Evidence{Coverage, Traffic} }
func withFaults() []Evidence { return []Evidence{Coverage, Traffic, Faults} }
func withRoles() []Evidence  { return []Evidence{Coverage, Traffic, Faults, Roles} }

// roleNeeds is for checks that judge role samples only: a quiet run does
// not hide a second master.
func roleNeeds() []Evidence { return []Evidence{Coverage, Faults, Roles} }

// registry is in Analyze's order. It is filled in init because the run
// functions refer back to it through Judge's error messages.
var registry []Spec

func init() {
	registry = []Spec{
		{Name: CompleteEvidence, Doc: "the history covers the run: markers, every operation, every timeline step's fault events, enough acknowledged sends in each phase",
			EnabledBy: "always", On: always, CannotFail: canFail, run: (*analysis).evidence},
		{Name: NoLoss, Doc: "every send acknowledged with a RECEIPT is delivered",
			EnabledBy: "always; list it in expect.failures to expect loss", Needs: needsAll(), On: always, CannotFail: canFail, run: (*analysis).loss},
		{Name: NoUnexpected, Doc: "every delivered id was sent, and not with a failed outcome",
			EnabledBy: "always", Needs: needsAll(), On: always, CannotFail: canFail, run: (*analysis).unexpected},
		{Name: NoDuplicates, Doc: "no message is delivered twice",
			EnabledBy: "always; fails only with expect.duplicates: fail", Needs: needsAll(), On: always,
			CannotFail: func(c Config) string { return unless(c.FailOnDuplicates, "expect.duplicates is report") }, run: (*analysis).duplicates},
		{Name: NoStranded, Doc: "no acknowledged send is left in the JDBC store undelivered after the drain (stranded: stored, never dispatched)",
			EnabledBy: "always; n/a on a profile without a JDBC store", Needs: needsAll(), On: always,
			CannotFail: canFail, run: (*analysis).stranded},
		{Name: NoDeadlock, Doc: "no broker's JVM reports a Java-level deadlock in the thread dump taken at the run's end (SIGQUIT; the JVM's own detection)",
			EnabledBy: "always; n/a without a dump (a profile without brokers)", Needs: []Evidence{Coverage}, On: always,
			CannotFail: canFail, run: (*analysis).deadlock},
		{Name: Ordered, Doc: "each consumer receives a producer's messages to a queue in the order it sent them (first reordered pair as evidence)",
			EnabledBy: "always; fails only with expect.ordered: true", Needs: needsAll(), On: always,
			CannotFail: func(c Config) string { return unless(c.RequireOrder, "expect.ordered is false") }, run: (*analysis).ordered},
		{Name: AtomicTransactions, Doc: "every STOMP transaction is delivered whole or not at all, and an aborted one never (a commit whose receipt was lost too)",
			EnabledBy: "workload.transactions", Needs: needsAll(), On: func(c Config) bool { return c.Transactions }, CannotFail: canFail, run: (*analysis).atomicity},
		{Name: DurableSubscribers, Doc: "every send acknowledged to the topic reaches each durable subscriber, across failovers (total-queue per subscriber)",
			EnabledBy: "workload.topic", Needs: needsAll(), On: func(c Config) bool { return c.Subscribers > 0 }, CannotFail: canFail, run: (*analysis).durable},
		{Name: MaxFailover, Doc: "every disruptive fault is followed by an acknowledged send within the budget (RTO from the fault's start)",
			EnabledBy: "expect.max-failover above 0", Needs: withFaults(), On: func(c Config) bool { return c.MaxFailover > 0 }, CannotFail: canFail, run: (*analysis).failover},
		{Name: Availability, Doc: "clients are never without an acknowledged send for longer than the bound",
			EnabledBy: "always; fails only with expect.max-unavailable above 0", Needs: withFaults(), On: always,
			CannotFail: func(c Config) string { return unless(c.MaxUnavailable > 0, "expect.max-unavailable is 0") }, run: (*analysis).availability},
		{Name: SingleMaster, Doc: "never two brokers master at once",
			EnabledBy: "expect.single-master (default true)", Needs: roleNeeds(), On: func(c Config) bool { return c.SingleMaster }, CannotFail: canFail, run: (*analysis).singleMaster},
		{Name: SplitBrainAcks, Doc: "no send is acknowledged by one broker while another is master",
			EnabledBy: "expect.split-brain-acks (default true)", Needs: withRoles(), On: func(c Config) bool { return c.SplitBrainAcks }, CannotFail: canFail, run: (*analysis).splitBrain},
		{Name: QuorumBlocking, Doc: "nothing is acknowledged while a quorum is missing, and writes resume once it is back",
			EnabledBy: "expect.quorum-blocking (default true); n/a on a profile without a quorum", Needs: withRoles(), On: func(c Config) bool { return c.QuorumBlocking }, CannotFail: canFail, run: (*analysis).quorum},
		{Name: RejoinAsSlave, Doc: "a restarted broker comes back as a slave within the bound and never as master",
			EnabledBy: "expect.rejoin-as-slave above 0", Needs: roleNeeds(), On: func(c Config) bool { return c.RejoinWithin > 0 }, CannotFail: canFail, run: (*analysis).rejoinSlave},
		{Name: RejoinAsFollower, Doc: "a restarted ZooKeeper or PostgreSQL node comes back as follower or replica within the bound",
			EnabledBy: "expect.rejoin-as-follower above 0", Needs: roleNeeds(), On: func(c Config) bool { return c.RejoinFollowerWithin > 0 }, CannotFail: canFail, run: (*analysis).rejoinFollower},
	}
}

func unless(ok bool, why string) string {
	if ok {
		return ""
	}
	return why
}

// Registry returns every check, in Analyze's order.
func Registry() []Spec { return slices.Clone(registry) }

// Checks returns every check's name, in Analyze's order.
func Checks() []Check {
	out := make([]Check, len(registry))
	for i, s := range registry {
		out[i] = s.Name
	}
	return out
}

// Lookup returns the spec of the check called name.
func Lookup(name string) (Spec, bool) {
	for _, s := range registry {
		if string(s.Name) == name {
			return s, true
		}
	}
	return Spec{}, false
}

// Expectable explains why a scenario configured as cfg cannot expect the
// check to fail, or returns "" when it can: the guard never fails (it is
// unknown), a disabled check never runs, and one that cannot fail as
// configured only informs.
func (s Spec) Expectable(cfg Config) string {
	switch {
	case s.Name == CompleteEvidence:
		return "missing evidence makes a run unknown, never a failure to expect"
	case !s.On(cfg):
		return "it is disabled: it runs only with " + s.EnabledBy
	}
	return s.CannotFail(cfg)
}

func (s Spec) needs(e Evidence) bool { return slices.Contains(s.Needs, e) }

// names lists check names for messages.
func names(cs []CheckResult) string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = string(c.Name)
	}
	return strings.Join(out, ", ")
}
