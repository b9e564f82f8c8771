// Package scenarios runs every scenario file in this folder against a real
// cluster. Select one with -run, e.g. -run 'TestScenarios/kill-master$';
// AMQHA_PROFILE overrides the files' profiles.
package scenarios

import (
	"context"
	"flag"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/amqha/amqha/harness/runner"
	"github.com/amqha/amqha/harness/scenario"
)

var session *runner.Session

func TestMain(m *testing.M) {
	flag.Parse()
	var code int
	session, code = runner.NewSession(context.Background(), "../reports", os.Stdout)
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
	files, err := scenario.LoadAll(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		for _, profile := range runner.Profiles(f, os.Getenv("AMQHA_PROFILE")) {
			t.Run(f.Name+"/"+profile, func(t *testing.T) {
				out, err := session.Run(f, profile)
				if err != nil {
					t.Fatalf("%s on %s could not run: %v", f.Name, profile, err)
				}
				t.Logf("report: %s/report.html", out.Dir)
				if failed := runner.Mismatches(out.Result); len(failed) > 0 {
					t.Errorf("%s on %s: verdict %s\n%s", f.Name, profile, out.Result.Verdict, strings.Join(failed, "\n"))
				}
			})
		}
	}
}
