package runner

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/amqha/amqha/harness/cluster"
	"github.com/amqha/amqha/harness/history"
	"github.com/amqha/amqha/harness/report"
)

// MetaFile keeps a run's provenance (images, cluster, run id) beside its
// history. It is the only machine-readable record of which image a run
// judged: `amqha check` rewrites report.html from it, and without it the
// rewritten report would lose the image table.
const MetaFile = "meta.json"

// savedMeta is meta.json: report.Meta without what a recheck recomputes
// (the duration comes from the rechecked result).
type savedMeta struct {
	RunID       string            `json:"run_id,omitempty"`
	Seed        string            `json:"seed,omitempty"`
	Images      map[string]string `json:"images,omitempty"`
	Cluster     string            `json:"cluster,omitempty"`
	ClusterTurn int               `json:"cluster_turn,omitempty"`
}

// WriteMeta writes dir/meta.json from m. The runner calls it once the
// cluster is ready, so that a run that dies before its verdict still says
// which image it ran.
func WriteMeta(dir string, m report.Meta) error {
	s := savedMeta{RunID: m.RunID, Seed: m.Seed, Images: m.Images, Cluster: m.Cluster, ClusterTurn: m.ClusterTurn}
	path := filepath.Join(dir, MetaFile)
	err := history.WriteAtomic(path, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(s)
	})
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// ReadMeta reads dir/meta.json. A folder without one gives an error that
// wraps fs.ErrNotExist (runs from before meta.json existed have none).
func ReadMeta(dir string) (report.Meta, error) {
	path := filepath.Join(dir, MetaFile)
	b, err := os.ReadFile(path)
	if err != nil {
		return report.Meta{}, fmt.Errorf("read run metadata: %w", err)
	}
	var s savedMeta
	if err := json.Unmarshal(b, &s); err != nil {
		return report.Meta{}, fmt.Errorf("%s: %w", path, err)
	}
	return report.Meta{RunID: s.RunID, Seed: s.Seed, Images: s.Images, Cluster: s.Cluster, ClusterTurn: s.ClusterTurn}, nil
}

// runMeta is the provenance of a run on lease l's cluster c, in one place
// for meta.json and the report the run writes.
func runMeta(runID string, c *cluster.Cluster, l *Lease) report.Meta {
	return report.Meta{RunID: runID, Images: map[string]string{"node": c.Image()}, Cluster: l.Name, ClusterTurn: l.Turn}
}
