package scenario

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/amqha/amqha/harness/checker"
	"github.com/amqha/amqha/harness/fault"
	"github.com/amqha/amqha/harness/workload"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A scenario author writes the full format; every field lands in File.
func TestFullScenarioRoundTrips(t *testing.T) {
	src := `name: kill-master
description: |
  Kill the master, restart it, expect no loss.
profiles: [shared-kahadb, jdbc]
seed: 7
workload:
  duration: 45s
  rate: 200
  in-flight: 16
  message-size: 512
  persistent: false
  consumer-delay: 2s
  consumer-rate: 50
  drain-quiet: 3s
  send-timeout: 20s
timeline:
  - at: 10s
    action: kill
    target: master
  - at: 20s
    action: restart
    target: previous
  - at: 25s
    action: partition
    target: node:2
    duration: 5s
expect:
  no-loss: true
  single-master: true
  split-brain-acks: false
  quorum-blocking: true
  quorum-resume: 10s
  max-failover: 20s
  max-unavailable: 15s
  rejoin-as-slave: 0
  rejoin-as-follower: 0
  duplicates: fail
  min-acks: 50
  failures: [single-master, availability]
  findings: seen twice
`
	f, err := Parse("scenarios/kill-master.yaml", []byte(src))
	require.NoError(t, err)
	want := &File{
		Path:        "scenarios/kill-master.yaml",
		Name:        "kill-master",
		Description: "Kill the master, restart it, expect no loss.\n", Tier: TierDefault,
		Profiles: []string{"shared-kahadb", "jdbc"},
		Seed:     7,
		Workload: Workload{Duration: 45 * time.Second, Rate: 200, InFlight: 16, MessageSize: 512,
			Persistent: false, ConsumerDelay: 2 * time.Second, ConsumerRate: 50, DrainQuiet: 3 * time.Second, SendTimeout: 20 * time.Second,
			Producers: 2, Consumers: 2, Queues: 1, Connect: workload.ConnectMixed, Silence: 5 * time.Second},
		Timeline: []Step{
			{Line: 17, At: 10 * time.Second, Action: "kill", Target: fault.MustTarget("master")},
			{Line: 20, At: 20 * time.Second, Action: "restart", Target: fault.MustTarget("previous")},
			{Line: 23, At: 25 * time.Second, Action: "partition", Target: fault.MustTarget("node:2"), Duration: 5 * time.Second},
		},
		Expect: Expect{SingleMaster: true, MinAcks: 50, SplitBrainAcks: false, QuorumBlocking: true,
			QuorumResume: 10 * time.Second, MaxFailover: 20 * time.Second, MaxUnavailable: 15 * time.Second,
			RejoinWithin: 0, RejoinFollowerWithin: 0, FailOnDuplicates: true,
			Failures: []checker.Check{"single-master", "availability"}, Findings: "seen twice"},
	}
	assert.Equal(t, want, f)
	assert.Equal(t, "25s partition node:2 for 5s", f.Timeline[2].String(), "Step.String")
}

// A minimal scenario gets every default, and profile: is a shorthand.
func TestDefaultsApply(t *testing.T) {
	f, err := Parse("quiet.yaml", []byte("name: quiet\ndescription: no faults\nprofile: zookeeper\n"))
	require.NoError(t, err)
	want := &File{
		Path: "quiet.yaml", Name: "quiet", Description: "no faults", Tier: TierDefault, Profiles: []string{"zookeeper"},
		Workload: Workload{Duration: 40 * time.Second, Rate: 100, InFlight: 4, MessageSize: 256,
			Persistent: true, DrainQuiet: 5 * time.Second, SendTimeout: 10 * time.Second,
			Producers: 2, Consumers: 2, Queues: 1, Connect: workload.ConnectMixed, Silence: 5 * time.Second},
		Expect: Expect{SingleMaster: true, SplitBrainAcks: true, QuorumBlocking: true,
			QuorumResume: 30 * time.Second, MaxFailover: 30 * time.Second, MaxUnavailable: 0,
			RejoinWithin: 30 * time.Second, RejoinFollowerWithin: 30 * time.Second},
	}
	assert.Equal(t, want, f)
}

// head is a valid start of a scenario named "t": lines 1 to 3.
const head = "name: t\ndescription: d\nprofiles: [jdbc]\n"

// Each mistake an author can make is reported once, on its line, under its
// field, and nothing else is reported.
func TestEachMistakeIsCaught(t *testing.T) {
	step := func(lines string) string { return head + "timeline:\n" + lines }
	cases := []mistake{
		{"empty file", "", "", 1, "", "the file is empty"},
		{"only comments", "", "# nothing yet\n", 1, "", "the file is empty"},
		{"not a mapping", "", "- a\n", 1, "", "the file must be a mapping of fields"},
		{"YAML syntax", "", head + "workload: [1\n", 4, "", "invalid YAML"},
		{"missing description", "", "name: t\nprofiles: [jdbc]\n", 1, "description", "is required"},
		{"unknown tier", "", "name: t\ndescription: d\ntier: fast\nprofiles: [jdbc]\n", 3, "tier", "unknown tier \"fast\" (known: smoke, default, extended)"},
		{"unknown top-level field", "", head + "colour: red\n", 4, "colour", "unknown field (known fields: name, description"},
		{"field in the wrong section", "", head + "rate: 5\n", 4, "rate", "unknown field here (rate belongs under workload:)"},
		{"unknown nested field", "", head + "workload:\n  rat: 200\n", 5, "workload.rat", `unknown field (did you mean "rate"?)`},
		{"duplicate key", "", head + "workload:\n  rate: 10\n  rate: 20\n", 6, "workload.rate", "duplicate key (first set on line 5)"},
		{"name mismatch", "scenarios/other.yaml", head, 1, "name", `"t" does not match the file name other.yaml`},
		{"bad name", "scenarios/T_1.yaml", "name: T_1\ndescription: d\nprofiles: [jdbc]\n", 1, "name", "not a valid name"},
		{"profiles as a string", "", "name: t\ndescription: d\nprofiles: jdbc\n", 3, "profiles", "must be a list, got the string \"jdbc\" (write [jdbc], or profile: jdbc"},
		{"profile as a list", "", "name: t\ndescription: d\nprofile: [jdbc]\n", 3, "profile", "must be a single profile name"},
		{"unknown profile", "", "name: t\ndescription: d\nprofiles: [jdcb]\n", 3, "profiles[0]", `unknown profile "jdcb" (did you mean "jdbc"?)`},
		{"quoted number", "", head + "workload:\n  rate: \"200\"\n", 5, "workload.rate", `must be a whole number, got the string "200"`},
		{"out of range", "", head + "workload:\n  in-flight: 0\n", 5, "workload.in-flight", "0 is out of range (1..1024)"},
		{"not a boolean", "", head + "workload:\n  persistent: yes\n", 5, "workload.persistent", `"yes" is not a boolean`},
		{"zero duration", "", head + "workload:\n  duration: 0s\n", 5, "workload.duration", "must be greater than 0"},
		{"zero send timeout", "", head + "workload:\n  send-timeout: 0s\n", 5, "workload.send-timeout", "must be greater than 0"},
		{"bad duration", "", step("  - at: 10\n    action: kill\n    target: master\n"), 5, "timeline[0].at", `"10" is not a duration (use e.g. 10s)`},
		{"bad action", "", step("  - at: 1s\n    action: kil\n    target: master\n"), 6, "timeline[0].action", `unknown action "kil" (did you mean "kill"?)`},
		{"bad target", "", step("  - at: 1s\n    action: kill\n    target: mastr\n"), 7, "timeline[0].target", `unknown target "mastr" (did you mean "master"?)`},
		{"node:0", "", step("  - at: 1s\n    action: kill\n    target: node:0\n"), 7, "timeline[0].target", "node numbers start at 1"},
		{"missing target", "", step("  - at: 1s\n    action: stop\n"), 5, "timeline[0].target", "is required for stop"},
		{"heal with a target", "", step("  - at: 1s\n    action: heal\n    target: all\n"), 7, "timeline[0].target", "heal takes no target"},
		{"out-of-order at", "", step("  - {at: 10s, action: kill, target: master}\n  - {at: 5s, action: start, target: previous}\n"), 6, "timeline[1].at", "5s is before 10s, the time of the step on line 5"},
		{"duration on kill", "", step("  - at: 1s\n    action: kill\n    target: master\n    duration: 5s\n"), 8, "timeline[0].duration", "kill takes no duration"},
		{"previous first", "", step("  - at: 1s\n    action: restart\n    target: previous\n"), 7, "timeline[0].target", "no earlier step has one"},
		{"resume without pause", "", step("  - {at: 1s, action: kill, target: master}\n  - {at: 2s, action: resume, target: previous}\n"), 6, "timeline[1].action", "resume must follow a pause"},
		{"resume after a timed pause ended", "", step("  - {at: 1s, action: pause, target: master, duration: 2s}\n  - {at: 5s, action: resume, target: previous}\n"), 6, "timeline[1].action", "pause on line 5 has already resumed itself"},
		{"failures with typo", "", head + "expect:\n  failures: [no-los]\n", 5, "expect.failures[0]", `unknown check "no-los" (did you mean "no-loss"?)`},
		{"failures on a profile the file does not list", "", head + "expect:\n  failures:\n    jdbc-stock: [single-master]\n", 6, "expect.failures.jdbc-stock", `"jdbc-stock" is not one of the scenario's profiles (jdbc)`},
		{"failures on a profile with a typo", "", head + "expect:\n  failures:\n    jdbc: [no-los]\n", 6, "expect.failures.jdbc[0]", `unknown check "no-los"`},
		{"failures on a profile as a string", "", head + "expect:\n  failures:\n    jdbc: single-master\n", 6, "expect.failures.jdbc", "must be a list"},
		{"no-loss cannot be disabled", "", head + "expect:\n  no-loss: false\n  failures: [no-loss]\n", 5, "expect.no-loss", "no-loss cannot be disabled"},
		{"bridge with kill", "", step("  - {at: 1s, action: kill, target: bridge}\n"), 5, "timeline[0].target", "bridge is a link shape that only partition takes, not kill"},
		{"failure of the evidence guard", "", head + "expect:\n  failures: [complete-evidence]\n", 5, "expect.failures[0]", "missing evidence makes a run unknown"},
		{"min-acks zero", "", head + "expect:\n  min-acks: 0\n", 5, "expect.min-acks", ""},
		{"failure of report-only duplicates", "", head + "expect:\n  failures: [no-duplicates]\n", 5, "expect.failures[0]", "expect.duplicates is report"},
		{"duplicates mode", "", head + "expect:\n  duplicates: ignore\n", 5, "expect.duplicates", "use report or fail"},
		{"seed as a string", "", head + "seed: \"7\"\n", 4, "seed", `must be a whole number, got the string "7"`},
		{"seed too big", "", head + "seed: 99999999999999999999\n", 4, "seed", "out of range for a 64-bit seed"},
		{"new expect field misspelt", "", head + "expect:\n  split-brain-ack: true\n", 5, "expect.split-brain-ack", `did you mean "split-brain-acks"?`},
		{"quorum-resume as a number", "", head + "expect:\n  quorum-resume: 10\n", 5, "expect.quorum-resume", `"10" is not a duration`},
		{"quorum-blocking not a boolean", "", head + "expect:\n  quorum-blocking: no\n", 5, "expect.quorum-blocking", `"no" is not a boolean`},
		{"failure of disabled split-brain-acks", "", head + "expect:\n  split-brain-acks: false\n  failures: [split-brain-acks]\n", 6, "expect.failures[0]", "disabled: it runs only with expect.split-brain-acks"},
		{"failure of disabled quorum-blocking", "", head + "expect:\n  quorum-blocking: false\n  failures: [quorum-blocking]\n", 6, "expect.failures[0]", "disabled: it runs only with expect.quorum-blocking"},
		{"failure of disabled rejoin-as-follower", "", head + "expect:\n  rejoin-as-follower: 0\n  failures: [rejoin-as-follower]\n", 6, "expect.failures[0]", "disabled: it runs only with expect.rejoin-as-follower above 0"},
		{"failure of report-only availability", "", head + "expect:\n  failures: [availability]\n", 5, "expect.failures[0]", "cannot be expected to fail: expect.max-unavailable is 0"},
	}
	checkMistakes(t, cases)
}

// A file with many mistakes reports them all, in line order.
func TestAllErrorsOfAFileAreCollected(t *testing.T) {
	src := `name: typo
description: ""
profiles: [jdbc, jdbc]
workload:
  rate: fast
timeline:
  - at: 10s
    action: explode
  - at: 5s
    action: kill
    target: node:x
`
	var got []string
	for _, e := range parseErrors(t, "typo.yaml", src) {
		got = append(got, e.Error())
	}
	want := []string{
		`typo.yaml:2: description: must not be empty: say what the scenario does and what is expected on each profile`,
		`typo.yaml:3: profiles[1]: jdbc is listed twice`,
		`typo.yaml:5: workload.rate: must be a whole number, got the string "fast"`,
		`typo.yaml:8: timeline[0].action: unknown action "explode" (use one of kill, stop, start, restart, pause, resume, partition, heal, delay, loss, starve, unstarve, clock-skew, clock-sync, store-delay, store-undelay, disk-full, disk-free)`,
		`typo.yaml:9: timeline[1].at: 5s is before 10s, the time of the step on line 7: steps must be in time order`,
		`typo.yaml:11: timeline[1].target: "node:x" is not a target: node:N needs a whole number N (e.g. node:1)`,
	}
	assert.Equal(t, want, got)
}

// *Errors prints one "file:line: field: msg" per line and unwraps to Error.
func TestErrorsFormat(t *testing.T) {
	err := error(&Errors{List: []Error{
		{File: "scenarios/kill-master.yaml", Line: 7, Column: 3, Field: "workload.rat", Msg: `unknown field (did you mean "rate"?)`},
		{File: "scenarios/x.yaml", Line: 2, Msg: "invalid YAML: oops"},
		{File: "scenarios/gone.yaml", Msg: "no such file or directory"},
	}})
	want := `scenarios/kill-master.yaml:7: workload.rat: unknown field (did you mean "rate"?)
scenarios/x.yaml:2: invalid YAML: oops
scenarios/gone.yaml: no such file or directory`
	assert.Equal(t, want, err.Error())
	var one Error
	assert.ErrorAs(t, err, &one)
	assert.Equal(t, "workload.rat", one.Field, "errors.As(Error) = %v", one)
}

// kill master, then restart previous: the common case, and Step.String.
func TestKillThenRestartPrevious(t *testing.T) {
	f, err := Parse("t.yaml", []byte(head+`timeline:
  - {at: 10s, action: kill, target: master}
  - {at: 20s, action: restart, target: previous}
  - {at: 30s, action: pause, target: slave}
  - {at: 35s, action: resume, target: previous}
  - {at: 40s, action: heal}
`))
	require.NoError(t, err)
	var got []string
	for _, s := range f.Timeline {
		got = append(got, s.String())
	}
	want := "10s kill master|20s restart previous|30s pause slave|35s resume previous|40s heal"
	assert.Equal(t, want, strings.Join(got, "|"))
}

// LoadAll reads a directory's *.yaml in name order and reports every bad
// file, and a file that does not exist, in one *Errors.
func TestLoadAll(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644))
	}
	write("b.yaml", "name: b\ndescription: d\nprofile: jdbc\n")
	write("a.yaml", "name: a\ndescription: d\nprofile: jdbc\n")
	write("c.yaml", "name: c\ndescription: d\nprofile: jdbs\n")
	write("notes.txt", "ignored")
	missing := filepath.Join(dir, "missing.yaml")

	files, err := LoadAll(dir, missing)
	var errs *Errors
	require.ErrorAs(t, err, &errs)
	require.Len(t, errs.List, 2, "want *Errors with 2 entries, got %v", err)
	first := errs.List[0]
	assert.Equal(t, filepath.Join(dir, "c.yaml"), first.File, "first error: %v", first)
	assert.Equal(t, 3, first.Line, "first error: %v", first)
	assert.Equal(t, "profile", first.Field, "first error: %v", first)
	second := errs.List[1]
	assert.Equal(t, missing, second.File, "second error: %v", second)
	assert.Equal(t, "no such file or directory", second.Msg, "second error: %v", second)
	if assert.Len(t, files, 2, "files: %+v", files) {
		assert.Equal(t, "a", files[0].Name, "files: %+v", files)
		assert.Equal(t, "b", files[1].Name, "files: %+v", files)
	}
}

// The examples in scenarios/README.md are valid scenarios.
func TestReadmeExamplesParse(t *testing.T) {
	readme, err := os.ReadFile("../../scenarios/README.md")
	require.NoError(t, err)
	blocks := regexp.MustCompile("(?s)```yaml\n(# (scenarios/[a-z0-9-]+\\.yaml)\n.*?)```").FindAllSubmatch(readme, -1)
	require.GreaterOrEqual(t, len(blocks), 2,
		"README's ```yaml blocks starting with # scenarios/NAME.yaml, want the full and the minimal example")
	for _, b := range blocks {
		_, err := Parse(string(b[2]), b[1])
		assert.NoError(t, err, "README example %s", b[2])
	}
}

func parseErrors(t *testing.T, path, src string) []Error {
	t.Helper()
	f, err := Parse(path, []byte(src))
	var errs *Errors
	require.ErrorAs(t, err, &errs, "want *Errors, got %v", err)
	require.Nil(t, f, "want a nil File, got %v", f)
	return errs.List
}

// A finding and its fix share one scenario: the checks expected to fail
// are listed per profile, and a profile left out is expected to pass.
func TestFailuresPerProfile(t *testing.T) {
	src := "name: t\ndescription: d\nprofiles: [jdbc-stock, jdbc]\nexpect:\n  failures:\n    jdbc-stock: [single-master, split-brain-acks]\n"
	f, err := Parse("t.yaml", []byte(src))
	require.NoError(t, err)
	assert.Equal(t, []checker.Check{"single-master", "split-brain-acks"}, f.Expect.FailuresFor("jdbc-stock"))
	assert.Empty(t, f.Expect.FailuresFor("jdbc"), "a profile the mapping leaves out is expected to pass")

	back, err := Parse("t.yaml", f.YAML())
	require.NoError(t, err)
	assert.Equal(t, f.Expect.FailuresOn, back.Expect.FailuresOn, "the mapping survives a round trip through YAML")
}

// A misspelt profile is one mistake, reported once, even where the
// per-profile failures name it too.
func TestAnUnknownProfileUsedAsAFailuresKeyIsReportedOnce(t *testing.T) {
	checkMistakes(t, []mistake{{name: "unknown profile and failures key",
		src:  "name: t\ndescription: d\nprofiles: [jdbc, jdbc-stok]\nexpect:\n  failures:\n    jdbc-stok: [single-master]\n",
		line: 3, field: "profiles[1]", msg: `unknown profile "jdbc-stok" (did you mean "jdbc-stock"?)`}})
}

// mistake is a scenario source with exactly one error in it, and where
// the parser must report it; path "" is scenarios/t.yaml.
type mistake struct {
	name, path, src string
	line            int
	field, msg      string
}

// checkMistakes parses each source and holds its one error to its file,
// line, field and message.
func checkMistakes(t *testing.T, cases []mistake) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := c.path
			if path == "" {
				path = "scenarios/t.yaml"
			}
			errs := parseErrors(t, path, c.src)
			require.Len(t, errs, 1, "want 1 error, got:\n%v", &Errors{List: errs})
			e := errs[0]
			assert.Equal(t, path, e.File, "file of %s", e)
			assert.Equal(t, c.line, e.Line, "line of %s", e)
			assert.Equal(t, c.field, e.Field, "field of %s", e)
			assert.Contains(t, e.Msg, c.msg, "message of %s", e)
		})
	}
}
