package scenario

import (
	"fmt"
	"sort"
	"strings"
)

// Error is one problem in a scenario file: where it is and what is wrong.
// Line and Column are 1-based; Line is 0 only for problems that concern the
// file as a whole (e.g. it cannot be read). Field is the path of the
// offending field, e.g. "workload.rate" or "timeline[1].at" (list indexes
// count from 0), and is empty for problems that are not about one field.
type Error struct {
	File   string
	Line   int
	Column int
	Field  string
	Msg    string
}

// Error formats e as "file:line: field: msg", leaving out the parts that
// are empty.
func (e Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Field != "" {
		b.WriteString(": ")
		b.WriteString(e.Field)
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	return b.String()
}

// Errors is every problem found in one or more scenario files. Parse, Load
// and LoadAll return their errors as a *Errors so that callers can list
// them all, not just the first.
type Errors struct {
	// List holds the problems in file order, and by line within a file.
	List []Error
}

// Error prints one problem per line.
func (e *Errors) Error() string {
	lines := make([]string, len(e.List))
	for i, x := range e.List {
		lines[i] = x.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap returns the problems as individual errors, so that errors.As can
// reach an Error.
func (e *Errors) Unwrap() []error {
	out := make([]error, len(e.List))
	for i, x := range e.List {
		out[i] = x
	}
	return out
}

// sortByLine orders the problems of one file by position, keeping the
// discovery order of problems on the same spot.
func (e *Errors) sortByLine() {
	sort.SliceStable(e.List, func(i, j int) bool {
		a, b := e.List[i], e.List[j]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
}
