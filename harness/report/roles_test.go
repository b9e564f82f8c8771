package report

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/amqha/amqha/harness/history"
)

// Who leads the ensemble and which database is primary each get a colour
// of their own, so the seed topology's story reads from the picture; and
// every class the timeline draws has a rule in the stylesheet.
func TestEveryRoleHasItsOwnColour(t *testing.T) {
	css, err := os.ReadFile("style.css")
	require.NoError(t, err)
	seen := map[string]history.Role{}
	for _, r := range []history.Role{history.Master, history.Slave, history.Starting, history.Unresponsive, history.Paused,
		history.Down, history.Leader, history.Follower, history.Looking, history.Primary, history.Replica} {
		c := roleClass(r)
		assert.NotEqual(t, "r-other", c, "%s is drawn in the neutral colour", r)
		assert.NotContains(t, seen, c, "%s shares %s with %s", r, c, seen[c])
		seen[c] = r
		assert.True(t, strings.Contains(string(css), "."+c+" {"), "style.css has no rule for .%s", c)
	}
}
