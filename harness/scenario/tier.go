package scenario

import "strings"

// Tier says which suite a scenario belongs to: the suites differ in how
// long they may take, not in what a scenario checks.
type Tier string

// The tiers, from the quickest suite to the longest.
const (
	// TierSmoke scenarios run everywhere, including `go test -short`: one
	// kill of the master (or ZooKeeper leader) per profile.
	TierSmoke Tier = "smoke"
	// TierDefault scenarios run in plain `go test ./scenarios/...`, which
	// must fit Go's default 10-minute timeout on 2 cores.
	TierDefault Tier = "default"
	// TierExtended scenarios run only when asked for (AMQHA_TIER=extended,
	// make chaos): long timelines that would break the default budget.
	TierExtended Tier = "extended"
)

// Tiers lists the tiers in order, for messages and docs.
var Tiers = []Tier{TierSmoke, TierDefault, TierExtended}

// Includes reports whether a suite run at tier t runs a scenario of tier s:
// every suite includes the quicker tiers.
func (t Tier) Includes(s Tier) bool { return t.rank() >= s.rank() }

func (t Tier) rank() int {
	for i, x := range Tiers {
		if x == t {
			return i
		}
	}
	return -1
}

// ParseTier returns the named tier; ok is false for an unknown name.
func ParseTier(s string) (Tier, bool) {
	t := Tier(s)
	return t, t.rank() >= 0
}

func tierNames() string {
	names := make([]string, len(Tiers))
	for i, t := range Tiers {
		names[i] = string(t)
	}
	return strings.Join(names, ", ")
}

// tier reads the optional top-level tier: field (default: TierDefault).
func (p *parser) tier(f *File, m map[string]field) {
	f.Tier = TierDefault
	e, ok := m["tier"]
	if !ok || isNull(e.val) {
		return
	}
	s, ok := p.str("tier", e.val)
	if !ok {
		return
	}
	t, known := ParseTier(s)
	if !known {
		p.at(e.val, "tier", "unknown tier %q (known: %s)", s, tierNames())
		return
	}
	f.Tier = t
}
