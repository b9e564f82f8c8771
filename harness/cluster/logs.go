package cluster

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// logSink writes each container's log lines to <dir>/<node>.log. A cluster
// shared by several scenarios moves its sink to each scenario's folder in
// turn, so every report carries the logs of its own run.
type logSink struct {
	mu    sync.Mutex
	dir   string
	files map[string]*os.File
	// moved run after every moveTo, that is after every Attach, once the
	// next scenario's recorder is in place (Attach attaches it first).
	moved []func()
}

func newLogSink(dir string) *logSink { return &logSink{dir: dir, files: map[string]*os.File{}} }

// write appends one line. A file that cannot be opened loses the line but
// does not stop the follower: the next line tries again.
func (s *logSink) write(node, line string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.files[node]
	if !ok {
		var err error
		f, err = os.OpenFile(filepath.Join(s.dir, node+".log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			return
		}
		s.files[node] = f
	}
	fmt.Fprintln(f, line)
}

// moveTo closes the current files; later lines go to dir.
func (s *logSink) moveTo(dir string) {
	s.mu.Lock()
	s.closeFiles()
	s.dir = dir
	moved := s.moved
	s.mu.Unlock()
	for _, f := range moved {
		f()
	}
}

// afterMove registers f to run after each moveTo.
func (s *logSink) afterMove(f func()) {
	s.mu.Lock()
	s.moved = append(s.moved, f)
	s.mu.Unlock()
}

func (s *logSink) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closeFiles()
}

func (s *logSink) closeFiles() {
	for name, f := range s.files {
		f.Close()
		delete(s.files, name)
	}
}

func (s *logSink) path(node string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return filepath.Join(s.dir, node+".log")
}
