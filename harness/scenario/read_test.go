//go:build unix

package scenario

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// loadSoon runs Load in the background and fails the test if it has not
// returned within a few seconds, so that a reader that blocks cannot hang
// the test run.
func loadSoon(t *testing.T, path string) error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		_, err := Load(path)
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(5 * time.Second):
		t.Fatalf("Load(%s) did not return within 5s", path)
		return nil
	}
}

// onlyError checks that err is a *Errors holding exactly one problem and
// returns it.
func onlyError(t *testing.T, err error) Error {
	t.Helper()
	require.Error(t, err)
	var errs *Errors
	require.True(t, errors.As(err, &errs), "want *Errors, got %T: %v", err, err)
	require.Len(t, errs.List, 1, "%v", err)
	return errs.List[0]
}

func TestLoad_RefusesANamedPipe(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pipe.yaml")
	require.NoError(t, syscall.Mkfifo(path, 0o600))
	e := onlyError(t, loadSoon(t, path))
	assert.Equal(t, path, e.File)
	assert.Equal(t, path+": is a named pipe, not a regular file", e.Error())

	// LoadAll too, whether named or found in a directory.
	for _, arg := range []string{path, filepath.Dir(path)} {
		done := make(chan error, 1)
		go func() { _, err := LoadAll(arg); done <- err }()
		select {
		case err := <-done:
			require.Error(t, err)
			assert.Contains(t, err.Error(), path+": is a named pipe, not a regular file")
		case <-time.After(5 * time.Second):
			t.Fatalf("LoadAll(%s) did not return within 5s", arg)
		}
	}
}

func TestLoad_RefusesDevZero(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero:", err)
	}
	e := onlyError(t, loadSoon(t, "/dev/zero"))
	assert.Equal(t, "/dev/zero: is a character device, not a regular file", e.Error())
}

func TestLoad_RefusesADirectory(t *testing.T) {
	dir := t.TempDir()
	e := onlyError(t, loadSoon(t, dir))
	assert.Equal(t, dir+": is a directory, not a regular file", e.Error())
}

func TestLoad_RefusesAnOversizeFile(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.yaml")
	body := "name: big\n# " + strings.Repeat("x", MaxFileSize) + "\n"
	require.NoError(t, os.WriteFile(big, []byte(body), 0o600))
	e := onlyError(t, loadSoon(t, big))
	assert.Equal(t, big, e.File)
	assert.Zero(t, e.Line)
	assert.Contains(t, e.Msg, "1048576 bytes (1 MiB)")

	// A file of exactly MaxFileSize bytes is read (and then parsed).
	exact := filepath.Join(dir, "exact.yaml")
	head := "name: exact\n# "
	body = head + strings.Repeat("x", MaxFileSize-len(head)-1) + "\n"
	require.Len(t, body, MaxFileSize)
	require.NoError(t, os.WriteFile(exact, []byte(body), 0o600))
	err := loadSoon(t, exact)
	require.Error(t, err) // no description or profiles
	assert.NotContains(t, err.Error(), "larger than")
}

// badByteFile is a valid scenario but that a comment ending line n (from
// 1) holds bad, just after its " # x".
func badByteFile(n int, bad string) string {
	lines := []string{
		"name: bad",
		"description: a file with a bad byte",
		"profiles: [shared-kahadb]",
		"workload:",
		"  rate: 100",
		"  in-flight: 8",
		"  duration: 40s",
		"expect:",
		"  max-failover: 30s",
	}
	lines[n-1] = lines[n-1] + " # x" + bad + "y"
	return strings.Join(lines, "\n") + "\n"
}

func TestLoad_BadBytesAtTheirLine(t *testing.T) {
	for _, c := range []struct {
		name, bad string
		line      int
		msg       string
	}{
		{"nul-line-7", "\x00", 7, "NUL byte"},
		{"utf8-line-3", "\xff", 3, "invalid UTF-8 (byte 0xff)"},
		{"utf8-truncated-line-9", "\xe2\x82", 9, "invalid UTF-8 (byte 0xe2)"},
		{"control-line-5", "\x01", 5, "control character U+0001"},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "bad.yaml")
			require.NoError(t, os.WriteFile(path, []byte(badByteFile(c.line, c.bad)), 0o600))
			e := onlyError(t, loadSoon(t, path))
			assert.Equal(t, path, e.File)
			assert.Equal(t, c.line, e.Line)
			assert.Equal(t, len(strings.Split(badByteFile(c.line, ""), "\n")[c.line-1]), e.Column)
			assert.Contains(t, e.Msg, c.msg)
			assert.True(t, strings.HasPrefix(e.Error(), path+":"+strconv.Itoa(c.line)+": "), e.Error())
		})
	}
}

func TestParse_BadByteColumnCountsCharacters(t *testing.T) {
	_, err := Parse("", []byte("name: x\ndescription: \"é\x00\"\n"))
	e := onlyError(t, err)
	assert.Equal(t, 2, e.Line)
	assert.Equal(t, 16, e.Column)
}

func TestParse_CleanTextStillParses(t *testing.T) {
	src := "\ufeffname: ok\ndescription: \"tabs\tand crlf, é, \u0085\"\r\nprofiles: [shared-kahadb]\n"
	f, err := Parse("", []byte(src))
	require.NoError(t, err)
	assert.Equal(t, "ok", f.Name)
}
