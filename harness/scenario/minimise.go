package scenario

import (
	"fmt"
	"slices"

	"github.com/amqha/amqha/harness/fault"
)

// Trial is one candidate a minimisation tried: the steps it dropped, the
// steps left, and whether the verdict still failed.
type Trial struct {
	// N counts the trials, from 1.
	N int
	// Dropped is the fault (with its undo steps) left out of this trial.
	Dropped []Step
	// Left is the number of steps the candidate kept.
	Left   int
	Failed bool
}

// Minimise shrinks a failing scenario: it drops one fault at a time, with
// the steps that undo it (a restart, resume, unstarve or clock-sync naming
// previous, a heal), and keeps the drop when fails still reports a
// failure, until no single fault can go; a previous never outlives the
// fault it names (see faultGroups). progress,
// if not nil, hears of each trial. The returned File is a copy named
// name; f is left alone. An error from fails ends the minimisation: the
// smallest failing File so far is returned with it.
func Minimise(f *File, name string, fails func(*File) (bool, error), progress func(Trial)) (*File, error) {
	// The groups are f's: dropping whole groups leaves every other one
	// as it was, so they need not be found again on each candidate.
	groups := faultGroups(f.Timeline)
	dropped := make([]bool, len(groups))
	build := func() *File {
		c := clone(f, name)
		c.Timeline = nil
		for i, s := range f.Timeline {
			if !dropped[groupOf(groups, i)] {
				c.Timeline = append(c.Timeline, s)
			}
		}
		return c
	}
	cur, n, drops := build(), 0, 0
	// keptAt is the number of drops when a fault was last found needed:
	// it is tried again only once another fault has gone since.
	keptAt := make([]int, len(groups))
	for i := range keptAt {
		keptAt[i] = -1
	}
	for shrunk := true; shrunk; {
		shrunk = false
		// From the last fault back: the late ones are more often noise
		// after the failure already happened.
		for g := len(groups) - 1; g >= 0; g-- {
			if dropped[g] || keptAt[g] == drops {
				continue
			}
			dropped[g] = true
			cand := build()
			n++
			failed, err := fails(cand)
			if err != nil {
				dropped[g] = false
				return cur, fmt.Errorf("trial %d: %w", n, err)
			}
			if progress != nil {
				progress(Trial{N: n, Dropped: pick(f.Timeline, groups[g]), Left: len(cand.Timeline), Failed: failed})
			}
			if failed {
				cur, shrunk = cand, true
				drops++
			} else {
				dropped[g], keptAt[g] = false, drops
			}
		}
	}
	return cur, nil
}

// groupOf is the group holding step i.
func groupOf(groups [][]int, i int) int {
	return slices.IndexFunc(groups, func(g []int) bool { return slices.Contains(g, i) })
}

// faultGroups splits a timeline into faults, each the indices of its
// steps: a step naming previous belongs with the latest step before it
// that names a node, as the nemesis resolves it, and a heal with the
// latest network fault before it.
func faultGroups(steps []Step) [][]int {
	var groups [][]int
	of := make([]int, len(steps)) // step index -> its group
	lastNamed, lastNetwork := -1, -1
	for i, s := range steps {
		spec, _ := fault.Lookup(s.Action)
		switch {
		case s.Target.Kind == TargetPrevious && lastNamed >= 0:
			of[i] = of[lastNamed]
			groups[of[i]] = append(groups[of[i]], i)
			continue
		case spec.Targetless && lastNetwork >= 0:
			of[i] = of[lastNetwork]
			groups[of[i]] = append(groups[of[i]], i)
			continue
		}
		of[i] = len(groups)
		groups = append(groups, []int{i})
		if !s.Target.IsZero() {
			lastNamed = i
		}
		if spec.Network {
			lastNetwork = i
		}
	}
	// No other group's named step can lie between a group's named step
	// and its previous (previous would have joined that one instead), so
	// dropping any group leaves every previous naming the same node.
	return groups
}

func pick(steps []Step, idx []int) []Step {
	out := make([]Step, len(idx))
	for i, j := range idx {
		out[i] = steps[j]
	}
	return out
}

// clone copies f under a new name, without a Path: it is not the file f
// was read from.
func clone(f *File, name string) *File {
	c := *f
	c.Name, c.Path = name, ""
	c.Profiles = slices.Clone(f.Profiles)
	c.Timeline = slices.Clone(f.Timeline)
	return &c
}
