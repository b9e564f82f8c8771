package runner

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/amqha/amqha/harness/checker"
	"github.com/amqha/amqha/harness/cluster"
	"github.com/amqha/amqha/harness/history"
	"github.com/amqha/amqha/harness/report"
	"github.com/amqha/amqha/harness/scenario"
)

// CheckConfig turns a scenario's expectations into the checker's
// thresholds. The quorum depends on the profile: Judge adds it.
func CheckConfig(f *scenario.File) checker.Config { return f.CheckConfig() }

// quorumSpec is the profile's write quorum for the quorum-blocking check,
// or nil for a profile without one (the check then reports n/a).
func quorumSpec(profile string, run history.Run, resume time.Duration) *checker.QuorumSpec {
	p, err := cluster.LookupProfile(profile)
	if err != nil || p.Quorum == 0 {
		return nil
	}
	spec := &checker.QuorumSpec{Members: checker.SampledNodes(run.Events, p.QuorumMembers), Size: p.Quorum, Resume: resume}
	if p.QuorumAlso != "" {
		also := checker.SampledNodes(run.Events, p.QuorumAlso)
		// An empty group keeps size 0, which the checker judges unknown:
		// one of no members would be "lost" for the whole run.
		size := 0
		if len(also) > 0 {
			size = len(also)/2 + 1
		}
		spec.Also = []checker.QuorumSpec{{Members: also, Size: size}}
	}
	return spec
}

// Judge runs the checks over a recorded run and applies the scenario's
// expected failures.
func Judge(f *scenario.File, profile string, run history.Run) (checker.Result, error) {
	cfg := CheckConfig(f)
	if cfg.QuorumBlocking {
		cfg.Quorum = quorumSpec(profile, run, f.Expect.QuorumResume)
	}
	if p, err := cluster.LookupProfile(profile); err == nil {
		cfg.StoreChecked = p.HasJDBCStore()
	}
	res := checker.Analyze(run, cfg)
	res.Scenario, res.Profile = f.Name, profile
	pointAtLease(&res, profile)
	if err := checker.Judge(&res, f.Expect.FailuresFor(profile)); err != nil {
		return res, fmt.Errorf("%s: expect.failures: %w", f.Path, err)
	}
	return res, nil
}

func judge(f *scenario.File, profile, dir, runID string, run history.Run, save bool, c *cluster.Cluster, l *Lease) (*Outcome, error) {
	if save {
		if err := run.Save(dir); err != nil {
			return nil, err
		}
	}
	res, err := Judge(f, profile, run)
	if err != nil {
		return nil, err
	}
	meta := runMeta(runID, c, l)
	if f.Seed != 0 {
		meta.Seed = strconv.FormatInt(f.Seed, 10)
	}
	if err := WriteOutputs(dir, res, run, meta); err != nil {
		return nil, err
	}
	return &Outcome{Result: res, Dir: dir, Cluster: fmt.Sprintf("%s, scenario %d", l.Name, l.Turn)}, nil
}

// WriteOutputs writes result.json and report.html into dir.
func WriteOutputs(dir string, res checker.Result, run history.Run, meta report.Meta) error {
	if err := report.WriteResult(dir, res); err != nil {
		return err
	}
	meta.Duration = res.End.Sub(res.Start)
	return report.WriteHTML(dir, report.Input{Result: res, Run: run, Meta: meta, Logs: logFiles(dir)})
}

func logFiles(dir string) []report.LogFile {
	matches, _ := filepath.Glob(filepath.Join(dir, "*.log"))
	var out []report.LogFile
	for _, m := range matches {
		if st, err := os.Stat(m); err == nil && !st.IsDir() {
			base := filepath.Base(m)
			out = append(out, report.LogFile{Node: strings.TrimSuffix(base, ".log"), Path: base})
		}
	}
	return out
}

// pointAtLease adds a lease profile's timing budget to the result and,
// where two masters were found, points the failing check's detail at it:
// a master that notices a failed renewal after its lease ran out is the
// usual cause, and the budget names the setting to change.
func pointAtLease(res *checker.Result, profile string) {
	p, err := cluster.LookupProfile(profile)
	if err != nil || p.Lease == nil {
		return
	}
	b := p.Lease.Budget()
	res.Lease = &b
	for i := range res.Checks {
		c := &res.Checks[i]
		if c.Status != checker.Fail || (c.Name != checker.SingleMaster && c.Name != checker.SplitBrainAcks) {
			continue
		}
		if b.Unsafe {
			c.Detail += "; lease timing budget: " + b.Advice
		} else {
			c.Detail += fmt.Sprintf("; lease timing budget: a failed renewal is noticed within %s of the last good one, inside the %s lease",
				time.Duration(b.WorstLagMS)*time.Millisecond, time.Duration(b.LeaseMS)*time.Millisecond)
		}
	}
}
