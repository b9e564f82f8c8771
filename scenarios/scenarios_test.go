// Package scenarios runs every scenario file in this folder against real
// clusters: one cluster per profile, the profiles side by side. Select
// with -run, e.g. -run 'TestScenarios/jdbc/kill-master$'. -short runs the
// smoke tier only; AMQHA_TIER=extended adds the long scenarios;
// AMQHA_PROFILE overrides the files' profiles; AMQHA_LANES sets how many
// profiles run at once.
package scenarios

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/amqha/amqha/harness/runner"
	"github.com/stretchr/testify/require"
)

var session *runner.Session

const reportsDir = "../reports"

func TestMain(m *testing.M) {
	flag.Parse()
	// go test caches a passing result until a file the test read changes;
	// reports/latest moves on every run, so reading it here keeps a plain
	// `go test ./scenarios/...` from answering "(cached)" for clusters it
	// never started.
	_, _ = os.Stat(filepath.Join(reportsDir, "latest"))
	var code int
	session, code = runner.NewSession(context.Background(), reportsDir, os.Stdout)
	if session == nil {
		os.Exit(code)
	}
	if f := flag.Lookup("test.timeout"); f != nil {
		session.AbortBefore(f.Value.(flag.Getter).Get().(time.Duration))
	}
	code = m.Run()
	os.Exit(session.Close(code))
}

func TestScenarios(t *testing.T) {
	plan, err := runner.Plan([]string{"."}, os.Getenv("AMQHA_PROFILE"))
	require.NoError(t, err)
	tier, err := runner.SuiteTier(testing.Short(), os.Getenv(runner.TierEnv))
	require.NoError(t, err)
	lanes, err := runner.LanesFromEnv()
	require.NoError(t, err)
	plan = runner.InTier(plan, tier)
	require.NotEmpty(t, plan, "no scenario in tier %s", tier)

	runner.RunLanesWithRest(runner.Lanes(plan, lanes), func(p runner.Planned, rest []runner.Planned) {
		t.Run(p.Profile+"/"+p.File.Name, func(t *testing.T) { runScenario(t, p) })
		session.Retire(p.Profile, rest)
	})
}

func runScenario(t *testing.T, p runner.Planned) {
	out, err := session.Run(p.File, p.Profile)
	require.NoError(t, err, "%s on %s could not run", p.File.Name, p.Profile)
	t.Logf("report: %s/report.html (cluster %s)", out.Dir, out.Cluster)
	if failed := runner.Mismatches(out.Result); len(failed) > 0 {
		t.Errorf("%s on %s: verdict %s\n%s", p.File.Name, p.Profile, out.Result.Verdict, strings.Join(failed, "\n"))
	}
}
