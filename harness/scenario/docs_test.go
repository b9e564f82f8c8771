package scenario

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/amqha/amqha/harness/checker"
	"github.com/amqha/amqha/harness/fault"
)

// The docs are read from the same vocabulary as the code: every action,
// target and check has its row, so none can be added without its docs.
func TestTheDocsListTheWholeVocabulary(t *testing.T) {
	guide := read(t, "../../scenarios/README.md")
	readme := read(t, "../../README.md")
	for _, a := range fault.Actions() {
		assert.Contains(t, guide, "| `"+string(a)+"` |", "scenarios/README.md has no row for action %s", a)
		assert.Contains(t, readme, "`"+string(a)+"`", "README.md's fault table lacks %s", a)
	}
	for _, k := range fault.PlainTargets() {
		assert.Contains(t, guide, "| `"+string(k)+"` |", "scenarios/README.md has no row for target %s", k)
	}
	for _, k := range fault.NumberedTargets() {
		assert.Contains(t, guide, "| `"+string(k)+":N` |", "scenarios/README.md has no row for target %s:N", k)
	}
	for _, f := range workloadFields {
		assert.Contains(t, guide, "| `"+f+"` |", "scenarios/README.md has no row for workload field %s", f)
	}
	for _, c := range checker.Checks() {
		assert.Contains(t, readme, "| `"+string(c)+"` |", "README.md's check table has no row for %s", c)
	}
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return strings.ReplaceAll(string(b), "\r\n", "\n")
}
