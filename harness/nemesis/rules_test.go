package nemesis

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/amqha/amqha/harness/cluster"
)

func TestPartitionRulesCutBothDirectionsOfEveryPeer(t *testing.T) {
	got := dropRules([]string{"172.18.0.3", "172.18.0.4"}, "")
	assert.Equal(t, []string{
		"*filter",
		"-I INPUT -s 172.18.0.3 -m comment --comment amqha -j DROP",
		"-I OUTPUT -d 172.18.0.3 -m comment --comment amqha -j DROP",
		"-I INPUT -s 172.18.0.4 -m comment --comment amqha -j DROP",
		"-I OUTPUT -d 172.18.0.4 -m comment --comment amqha -j DROP",
		"COMMIT",
	}, got)
	assertOnlyFilterTable(t, got)
}

func TestLossRulesDropOnlyTheGivenShare(t *testing.T) {
	got := dropRules([]string{"10.0.0.7"}, "0.2")
	assert.Equal(t, []string{
		"*filter",
		"-I INPUT -s 10.0.0.7 -m statistic --mode random --probability 0.2 -m comment --comment amqha -j DROP",
		"-I OUTPUT -d 10.0.0.7 -m statistic --mode random --probability 0.2 -m comment --comment amqha -j DROP",
		"COMMIT",
	}, got)
	assertOnlyFilterTable(t, got)
}

func TestHealFlushesOnlyInputAndOutput(t *testing.T) {
	got := flushRules()
	assert.Equal(t, []string{"*filter", "-F INPUT", "-F OUTPUT", "COMMIT"}, got)
	assertOnlyFilterTable(t, got)
	assert.NotContains(t, strings.Join(got, "\n"), "FORWARD")
}

// Rule text travels as sh's arguments, never inside the script, so no
// address or comment has to survive shell quoting.
func TestRestoreCmdPassesRulesAsArguments(t *testing.T) {
	lines := dropRules([]string{"172.18.0.3"}, "")
	cmd := restoreCmd(lines, false)
	require.Len(t, cmd, 4+len(lines))
	assert.Equal(t, []string{"sh", "-c", `printf '%s\n' "$@" | iptables-restore -w --noflush`, "amqha"}, cmd[:4])
	assert.Equal(t, lines, cmd[4:])
}

func TestRestoreCmdFoldsTheNetemDeleteIntoTheSameExec(t *testing.T) {
	cmd := restoreCmd(flushRules(), true)
	script := cmd[2]
	assert.True(t, strings.HasPrefix(script, restoreScript), script)
	assert.Contains(t, script, "tc qdisc del dev eth0 root")
	assert.True(t, strings.HasSuffix(script, "exit $rc"), "the flush's status must be the exec's: %s", script)
}

// assertOnlyFilterTable checks that lines open one table, the filter
// table, commit it, and tag every rule they add.
func assertOnlyFilterTable(t *testing.T, lines []string) {
	t.Helper()
	require.NotEmpty(t, lines)
	assert.Equal(t, "*filter", lines[0])
	assert.Equal(t, "COMMIT", lines[len(lines)-1])
	for _, line := range lines[1 : len(lines)-1] {
		assert.False(t, strings.HasPrefix(line, "*"), "a second table: %q", line)
		assert.False(t, strings.HasPrefix(line, ":"), "a chain declaration resets a policy: %q", line)
		if strings.HasPrefix(line, "-I") || strings.HasPrefix(line, "-A") {
			assert.True(t, strings.HasSuffix(line, "-m comment --comment amqha -j DROP"), "untagged rule: %q", line)
			assert.Regexp(t, `^-I (INPUT -s|OUTPUT -d) `, line)
		}
	}
}

func TestPartitionCutsEachTargetFromEveryPeerThatIsUp(t *testing.T) {
	zk1, zk2, zk3, b1 := node("zk1", 1), node("zk2", 2), node("zk3", 3), node("broker1", 1)
	ips := map[string]string{"zk1": "172.18.0.2", "zk2": "172.18.0.3", "broker1": "172.18.0.5"} // zk3 is down
	jobs := dropJobs(partitionCuts(nodes(zk1, b1), nodes(zk1, zk2, zk3, b1), ips), "")
	require.Len(t, jobs, 2, "one rule set per target")
	for i, target := range nodes(zk1, b1) {
		assert.Same(t, target, jobs[i].node)
		assert.Equal(t, dropRules([]string{"172.18.0.3"}, ""), jobs[i].rules,
			"%s is cut from zk2 only: zk3 is down and broker1 is on its side", target.Name)
	}
}

func TestLossJobsCarryTheProbability(t *testing.T) {
	b1, b2 := node("broker1", 1), node("broker2", 2)
	jobs := dropJobs(partitionCuts(nodes(b1), nodes(b1, b2), map[string]string{"broker2": "172.18.0.4"}), "0.2")
	require.Len(t, jobs, 1)
	assert.Equal(t, dropRules([]string{"172.18.0.4"}, "0.2"), jobs[0].rules)
}

func TestATargetWithNobodyToCutGetsNoExec(t *testing.T) {
	b1, b2 := node("broker1", 1), node("broker2", 2)
	assert.Empty(t, dropJobs(partitionCuts(nodes(b1), nodes(b1, b2), map[string]string{"broker1": "172.18.0.3"}), ""))
}

func TestBridgeCutsOnlyBetweenTheTwoHosts(t *testing.T) {
	b1, p1, b2, p2 := node("broker1", 1), node("pg1", 1), node("broker2", 2), node("pg2", 2)
	ips := map[string]string{"broker1": "10.0.0.1", "pg1": "10.0.0.11", "broker2": "10.0.0.2", "pg2": "10.0.0.12", "broker3": "10.0.0.3"}
	cuts, err := bridgeCuts(nodes(b1, p1, b2, p2), ips)
	require.NoError(t, err)
	got := map[string][]string{}
	for _, c := range cuts {
		got[c.node.Name] = c.ips
	}
	assert.Equal(t, map[string][]string{
		"broker1": {"10.0.0.2", "10.0.0.12"}, "pg1": {"10.0.0.2", "10.0.0.12"},
		"broker2": {"10.0.0.1", "10.0.0.11"}, "pg2": {"10.0.0.1", "10.0.0.11"},
	}, got, "the third host (broker3) stays reachable from both sides")
}

func TestBridgeRefusesOtherThanTwoHosts(t *testing.T) {
	_, err := bridgeCuts(nodes(node("broker1", 1)), nil)
	assert.ErrorContains(t, err, "exactly two nodes")
}

func node(name string, host int) *cluster.Node { return &cluster.Node{Name: name, Host: host} }

func nodes(ns ...*cluster.Node) []*cluster.Node { return ns }
