package report

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/amqha/amqha/harness/checker"
)

// junitSuite is one <testsuite>, its attributes and content kept verbatim
// so a merged file says exactly what gotestsum wrote.
type junitSuite struct {
	XMLName xml.Name   `xml:"testsuite"`
	Attrs   []xml.Attr `xml:",any,attr"`
	Inner   []byte     `xml:",innerxml"`
	counts  junitCounts
}

// junitCounts are a suite's totals, summed into the merged root.
type junitCounts struct {
	Tests, Failures, Errors, Skipped int
	Time                             float64
}

func (c *junitCounts) add(o junitCounts) {
	c.Tests += o.Tests
	c.Failures += o.Failures
	c.Errors += o.Errors
	c.Skipped += o.Skipped
	c.Time += o.Time
}

// junitRoot is the merged file's <testsuites>.
type junitRoot struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr,omitempty"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

// readAllJUnit parses every source's junit.xml files.
func readAllJUnit(srcs []source) ([]junitSuite, error) {
	var all []junitSuite
	for _, s := range srcs {
		for _, p := range s.junit {
			suites, err := readJUnit(p)
			if err != nil {
				return nil, badInput("merge input %s: %w", s.path, err)
			}
			all = append(all, suites...)
		}
	}
	return all, nil
}

// readJUnit parses a JUnit XML file whose root is <testsuites> or a single
// <testsuite>. Every error names the file.
func readJUnit(path string) ([]junitSuite, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read JUnit file: %w", err)
	}
	defer f.Close()
	suites, err := decodeJUnit(xml.NewDecoder(f))
	if err != nil {
		return nil, fmt.Errorf("malformed JUnit file %s: %w", path, err)
	}
	for i := range suites {
		if suites[i].counts, err = suiteCounts(suites[i]); err != nil {
			return nil, fmt.Errorf("malformed JUnit file %s: testsuite %d: %w", path, i+1, err)
		}
	}
	return suites, nil
}

func decodeJUnit(d *xml.Decoder) ([]junitSuite, error) {
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil, errors.New("no <testsuites> or <testsuite> element")
		}
		if err != nil {
			return nil, err
		}
		start, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch start.Name.Local {
		case "testsuites":
			var root struct {
				Suites []junitSuite `xml:"testsuite"`
			}
			err := d.DecodeElement(&root, &start)
			return root.Suites, err
		case "testsuite":
			var s junitSuite
			err := d.DecodeElement(&s, &start)
			return []junitSuite{s}, err
		}
		return nil, fmt.Errorf("root element <%s> is not <testsuites> or <testsuite>", start.Name.Local)
	}
}

// suiteCounts reads a suite's tests, failures, errors, skipped and time
// attributes; without a tests attribute it counts the test cases instead.
func suiteCounts(s junitSuite) (junitCounts, error) {
	attrs := map[string]string{}
	for _, a := range s.Attrs {
		attrs[a.Name.Local] = a.Value
	}
	if _, ok := attrs["tests"]; !ok {
		return countCases(s.Inner)
	}
	var c junitCounts
	var err error
	for _, f := range []struct {
		name string
		dst  *int
	}{{"tests", &c.Tests}, {"failures", &c.Failures}, {"errors", &c.Errors}, {"skipped", &c.Skipped}} {
		if v, ok := attrs[f.name]; ok {
			if *f.dst, err = strconv.Atoi(strings.TrimSpace(v)); err != nil {
				return c, fmt.Errorf("attribute %s=%q is not a count", f.name, v)
			}
		}
	}
	if v, ok := attrs["time"]; ok && strings.TrimSpace(v) != "" {
		if c.Time, err = strconv.ParseFloat(strings.TrimSpace(v), 64); err != nil {
			return c, fmt.Errorf("attribute time=%q is not a number of seconds", v)
		}
	}
	return c, nil
}

// countCases counts the <testcase> elements in a suite's content.
func countCases(inner []byte) (junitCounts, error) {
	var body struct {
		Cases []struct {
			Failure *struct{} `xml:"failure"`
			Error   *struct{} `xml:"error"`
			Skipped *struct{} `xml:"skipped"`
			Time    string    `xml:"time,attr"`
		} `xml:"testcase"`
	}
	var c junitCounts
	if err := xml.Unmarshal(append(append([]byte("<s>"), inner...), "</s>"...), &body); err != nil {
		return c, err
	}
	for _, tc := range body.Cases {
		c.Tests++
		c.Failures += btoi(tc.Failure != nil)
		c.Errors += btoi(tc.Error != nil)
		c.Skipped += btoi(tc.Skipped != nil)
		if t, err := strconv.ParseFloat(tc.Time, 64); err == nil {
			c.Time += t
		}
	}
	return c, nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// writeJUnit writes suites under one <testsuites> root with summed counts.
func writeJUnit(path string, suites []junitSuite) error {
	var total junitCounts
	for _, s := range suites {
		total.add(s.counts)
	}
	root := junitRoot{Tests: total.Tests, Failures: total.Failures, Errors: total.Errors,
		Skipped: total.Skipped, Time: fmtSeconds(total.Time), Suites: suites}
	return writeAtomic(path, func(w io.Writer) error {
		if _, err := io.WriteString(w, xml.Header); err != nil {
			return err
		}
		enc := xml.NewEncoder(w)
		enc.Indent("", "\t")
		if err := enc.Encode(root); err != nil {
			return fmt.Errorf("encode JUnit: %w", err)
		}
		_, err := io.WriteString(w, "\n")
		return err
	})
}

func fmtSeconds(s float64) string { return strconv.FormatFloat(s, 'f', 3, 64) }

// junitCase is a synthesised <testcase>.
type junitCase struct {
	XMLName   xml.Name      `xml:"testcase"`
	Classname string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// synthClassname and the TestScenarios/<profile>/<scenario> names match
// what `make scenarios` reports, so a CI dashboard tracks a scenario the
// same way whether its shard ran the test package or `amqha run`.
const synthClassname = "github.com/amqha/amqha/scenarios"

// synthSuite makes one suite for an input without a junit.xml: a test
// case per result, failing when failures (or, if nil, the verdict) says so.
func synthSuite(out string, s source, failures func(checker.Result) []string) junitSuite {
	if failures == nil {
		failures = verdictFailures
	}
	var inner []byte
	var c junitCounts
	var first time.Time
	for _, r := range s.rows {
		tc := synthCase(out, r, failures(r.Result))
		b, _ := xml.Marshal(tc) // plain strings: Marshal cannot fail
		inner = append(append(inner, '\n'), b...)
		c.Tests++
		c.Failures += btoi(tc.Failure != nil)
		c.Time += runSeconds(r.Result)
		if st := r.Result.Start; !st.IsZero() && (first.IsZero() || st.Before(first)) {
			first = st
		}
	}
	attrs := []xml.Attr{attr("name", "amqha results in "+s.path), attr("tests", strconv.Itoa(c.Tests)),
		attr("failures", strconv.Itoa(c.Failures)), attr("errors", "0"), attr("time", fmtSeconds(c.Time))}
	if !first.IsZero() {
		attrs = append(attrs, attr("timestamp", first.UTC().Format(time.RFC3339)))
	}
	return junitSuite{XMLName: xml.Name{Local: "testsuite"}, Attrs: attrs, Inner: append(inner, '\n'), counts: c}
}

func synthCase(out string, r Row, why []string) junitCase {
	tc := junitCase{Classname: synthClassname,
		Name: "TestScenarios/" + r.Result.Profile + "/" + r.Result.Scenario,
		Time: fmtSeconds(runSeconds(r.Result))}
	if rel, err := filepath.Rel(out, r.Dir); err == nil {
		tc.SystemOut = "report: " + filepath.ToSlash(filepath.Join(rel, HTMLFile))
	}
	if len(why) > 0 {
		msg := fmt.Sprintf("%s on %s: verdict %s", r.Result.Scenario, r.Result.Profile, r.Result.Verdict)
		if inc := IncompleteText(r.Result); inc != "" {
			msg += " (" + inc + ")"
		}
		tc.Failure = &junitFailure{Type: "amqha.verdict", Text: strings.Join(why, "\n"), Message: msg}
	}
	return tc
}

// verdictFailures judges by the verdict alone, for a nil Failures.
func verdictFailures(res checker.Result) []string {
	if res.Verdict == checker.Pass {
		return nil
	}
	return []string{"verdict " + string(res.Verdict)}
}

func runSeconds(res checker.Result) float64 {
	if res.Start.IsZero() || res.End.Before(res.Start) {
		return 0
	}
	return res.End.Sub(res.Start).Seconds()
}

func attr(name, value string) xml.Attr { return xml.Attr{Name: xml.Name{Local: name}, Value: value} }
