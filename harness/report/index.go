package report

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/amqha/amqha/harness/checker"
	"github.com/amqha/amqha/harness/history"
)

type indexCell struct {
	Verdict  checker.Status
	Href     string
	Failover string
	// FailoverTitle lists every failover, since the cell shows the worst.
	FailoverTitle string
	Lost          int
	Gap           string
	GapTitle      string
	Cluster       string
}

type indexRow struct {
	Scenario string
	Cells    [][]indexCell // one slice per profile; repeated runs share it
}

type compareBar struct {
	Y, W       float64
	Class, Txt string
	TxtX       float64
	Never      bool
	Profile    string
}

type compareGroup struct {
	Label string
	Y     float64
	Bars  []compareBar
}

type comparison struct {
	Scenario string
	Profiles []kv // name → colour class
	H        float64
	Groups   []compareGroup
}

type indexPage struct {
	CSS      template.CSS
	Title    string
	Profiles []string
	Rows     []indexRow
	Compare  []comparison
	// Phases compares, per scenario, each profile's clients before, during
	// and after the faults.
	Phases []phaseSummary
}

// WriteIndex writes runDir/index.html: every scenario against every
// profile, linking each scenario's report.html, plus side-by-side failover
// times for scenarios run on more than one profile. Availability gaps are
// read from each row's history.jsonl, one streaming pass per row.
func WriteIndex(runDir string, rows []Row) error {
	p := indexPage{CSS: css, Title: filepath.Base(runDir)}
	byScenario := map[string]map[string][]Row{}
	var scenarios []string
	for _, r := range rows {
		s, pr := r.Result.Scenario, r.Result.Profile
		if byScenario[s] == nil {
			byScenario[s] = map[string][]Row{}
			scenarios = append(scenarios, s)
		}
		if !slices.Contains(p.Profiles, pr) {
			p.Profiles = append(p.Profiles, pr)
		}
		byScenario[s][pr] = append(byScenario[s][pr], r)
	}
	slices.Sort(scenarios)
	slices.Sort(p.Profiles)
	for _, s := range scenarios {
		ir := indexRow{Scenario: s}
		for _, pr := range p.Profiles {
			var cells []indexCell
			for _, r := range byScenario[s][pr] {
				cells = append(cells, makeCell(runDir, r))
				if ps, ok := summarisePhases(s, pr, r.Result.Phases); ok {
					p.Phases = append(p.Phases, ps)
				}
			}
			ir.Cells = append(ir.Cells, cells)
		}
		p.Rows = append(p.Rows, ir)
		if c, ok := compare(s, p.Profiles, byScenario[s]); ok {
			p.Compare = append(p.Compare, c)
		}
	}
	var buf bytes.Buffer
	if err := indexTpl.Execute(&buf, p); err != nil {
		return fmt.Errorf("render index: %w", err)
	}
	return writeAtomic(filepath.Join(runDir, IndexFile), func(w io.Writer) error {
		_, err := w.Write(defang(buf.Bytes()))
		return err
	})
}

func makeCell(runDir string, r Row) indexCell {
	c := indexCell{
		Verdict:       r.Result.Verdict,
		Href:          reportHref(runDir, r.Dir),
		Failover:      worstFailoverText(r.Result.Failover, true),
		FailoverTitle: failoverList(r.Result.Failover),
		Lost:          r.Result.Counts.Lost,
		Gap:           "?",
		Cluster:       r.Cluster,
	}
	g, err := gapFromFile(filepath.Join(r.Dir, history.OpsFile))
	switch {
	case err != nil:
		c.GapTitle = err.Error()
	case !g.Known:
		c.Gap, c.GapTitle = "-", "no sends recorded"
	default:
		c.Gap = fmtDur(g.Len)
		c.GapTitle = fmt.Sprintf("no acknowledged send from %s to %s",
			g.From.Format("15:04:05.000"), g.To.Format("15:04:05.000"))
	}
	return c
}

func failoverList(fs []checker.Failover) string {
	var parts []string
	for _, f := range fs {
		rto := "never recovered"
		if f.Recovered && f.RTOms >= 0 {
			rto = fmtDur(time.Duration(f.RTOms) * time.Millisecond)
		}
		parts = append(parts, fmt.Sprintf("step %d %s: %s", f.Step, FaultLabel(f.Action, f.Target, f.Nodes), rto))
	}
	if len(parts) == 0 {
		return "no disruptive fault"
	}
	return strings.Join(parts, "\n")
}

// reportHref links a scenario's report relative to the run folder, so the
// whole run folder can be moved or served as is. The "./" prefix keeps a
// folder name with a colon from being read as a URL scheme.
func reportHref(runDir, dir string) string {
	rel, err := filepath.Rel(runDir, dir)
	if err != nil {
		if abs, aerr := filepath.Abs(dir); aerr == nil {
			return filepath.ToSlash(filepath.Join(abs, HTMLFile))
		}
		return ""
	}
	return "./" + filepath.ToSlash(filepath.Join(rel, HTMLFile))
}

const (
	cmpLabelW = 220.0
	cmpBarW   = 460.0
	cmpBarH   = 12.0
)

// compare lays out horizontal failover bars, one group per fault step and
// one bar per profile run, all on one scale so profiles compare at a
// glance. A fault that never recovered gets a full-length hatched bar.
func compare(scenario string, profiles []string, runs map[string][]Row) (comparison, bool) {
	var used []string
	for _, pr := range profiles {
		if len(runs[pr]) > 0 {
			used = append(used, pr)
		}
	}
	if len(used) < 2 {
		return comparison{}, false
	}
	var steps []int
	labels := map[int]string{}
	worst := time.Second
	for _, pr := range used {
		for _, r := range runs[pr] {
			for _, f := range r.Result.Failover {
				if _, ok := labels[f.Step]; !ok {
					labels[f.Step] = fmt.Sprintf("step %d: %s", f.Step, FaultLabel(f.Action, f.Target, f.Nodes))
					steps = append(steps, f.Step)
				}
				if f.Recovered && f.RTOms >= 0 {
					worst = max(worst, time.Duration(f.RTOms)*time.Millisecond)
				}
			}
		}
	}
	slices.Sort(steps)
	c := comparison{Scenario: scenario}
	for i, pr := range used {
		c.Profiles = append(c.Profiles, kv{Key: pr, Value: "p" + strconv.Itoa(i%6)})
	}
	y := 4.0
	for _, st := range steps {
		g := compareGroup{Label: labels[st], Y: y}
		for pi, pr := range used {
			for ri, r := range runs[pr] {
				i := slices.IndexFunc(r.Result.Failover, func(f checker.Failover) bool { return f.Step == st })
				if i < 0 {
					continue
				}
				f := r.Result.Failover[i]
				name := pr
				if len(runs[pr]) > 1 {
					name += " #" + strconv.Itoa(ri+1)
				}
				b := compareBar{Y: y, Class: "p" + strconv.Itoa(pi%6), Profile: name}
				if f.Recovered && f.RTOms >= 0 {
					d := time.Duration(f.RTOms) * time.Millisecond
					b.W = max(float64(d)/float64(worst)*cmpBarW, 1)
					b.Txt = fmtDur(d)
				} else {
					b.W, b.Txt, b.Never, b.Class = cmpBarW, "never", true, "rto never"
				}
				b.TxtX = cmpLabelW + b.W + 4
				g.Bars = append(g.Bars, b)
				y += cmpBarH + 2
			}
		}
		c.Groups = append(c.Groups, g)
		y += 10
	}
	c.H = y
	return c, true
}

// UpdateLatest points reportsRoot/latest at runDir with a relative
// symlink. The link is made under a temporary name and renamed over the
// old one, so a reader following "latest" never finds it missing.
func UpdateLatest(reportsRoot, runDir string) error {
	root, err := filepath.Abs(reportsRoot)
	if err != nil {
		return err
	}
	run, err := filepath.Abs(runDir)
	if err != nil {
		return err
	}
	target, err := filepath.Rel(root, run)
	if err != nil {
		return fmt.Errorf("latest: %w", err)
	}
	tmp := filepath.Join(root, fmt.Sprintf(".%s.tmp-%d", LatestLink, os.Getpid()))
	_ = os.Remove(tmp) // a leftover from a crashed run with our pid
	if err := os.Symlink(target, tmp); err != nil {
		return fmt.Errorf("latest: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(root, LatestLink)); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("latest: %w", err)
	}
	return nil
}
