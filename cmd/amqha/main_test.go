package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func write(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// A typo in a field is bad input: it names file, line and field, exits 2,
// and never gets as far as Docker.
func TestValidateTypoNamesFileLineAndField(t *testing.T) {
	p := write(t, "typo.yaml", "name: typo\ndescription: x\nprofile: shared-kahadb\nworkload:\n  rat: 10\n")
	var out, errb bytes.Buffer

	code := run([]string{"validate", p}, &out, &errb)

	if code != 2 {
		t.Fatalf("exit %d, want 2; stderr: %s", code, errb.String())
	}
	if msg := errb.String(); !strings.Contains(msg, p+":5:") || !strings.Contains(msg, "workload.rat") {
		t.Fatalf("error does not name file:line and field: %q", msg)
	}
}

func TestValidateAcceptsTheCatalogue(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"validate", "../../scenarios"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "kill-master.yaml") {
		t.Fatalf("catalogue not listed: %s", out.String())
	}
}

// A target the profile does not have is refused up front, not skipped.
func TestRunRefusesATargetTheProfileLacksBeforeStarting(t *testing.T) {
	p := write(t, "zk.yaml", "name: zk\ndescription: x\nprofile: shared-kahadb\ntimeline:\n  - at: 1s\n    action: kill\n    target: zk:leader\n")
	var out, errb bytes.Buffer

	code := run([]string{"run", "--out", t.TempDir(), p}, &out, &errb)

	if code != 2 || !strings.Contains(errb.String(), p+":5") {
		t.Fatalf("exit %d, stderr %q; want 2 naming %s:5", code, errb.String(), p)
	}
}

func TestUnknownCommandIsBadInput(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"frobnicate"}, &out, &errb); code != 2 {
		t.Fatalf("exit %d, want 2", code)
	}
}
