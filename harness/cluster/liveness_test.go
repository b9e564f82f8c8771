package cluster

import (
	"archive/tar"
	"bytes"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/api/types/volume"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var now = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

// here is the sweeping process: boot b1, PID namespace 4026531836.
var here = procID{Boot: "b1", PIDNS: "4026531836", Start: "100", PID: 50}

func labels(owner, boot, pidns, pid, start string) map[string]string {
	l := map[string]string{LabelApp: "true", LabelPID: pid}
	for k, v := range map[string]string{LabelOwner: owner, LabelBoot: boot, LabelPIDNS: pidns, LabelPIDStart: start} {
		if v != "" {
			l[k] = v
		}
	}
	return l
}

func TestDecideLive(t *testing.T) {
	old := now.Add(-time.Hour)
	cases := []struct {
		name    string
		labels  map[string]string
		created time.Time
		procs   map[int]string // pid → start tick of processes in this namespace
		hb      time.Time
		hbErr   error
		want    bool
	}{
		{name: "this process, whatever else", labels: labels("me", "b9", "1", "7", "1"), created: old, want: true},

		// Same boot, same PID namespace: the process table decides at once.
		{name: "same namespace, owner runs", labels: labels("o1", "b1", "4026531836", "77", "500"),
			created: old, procs: map[int]string{77: "500"}, want: true},
		{name: "same namespace, owner gone, fresh heartbeat ignored", labels: labels("o1", "b1", "4026531836", "77", "500"),
			created: now, hb: now, want: false},
		{name: "same namespace, PID reused by another process", labels: labels("o1", "b1", "4026531836", "77", "500"),
			created: old, procs: map[int]string{77: "900"}, hb: now, want: false},

		// Another PID namespace on the same engine (a CI job in a container):
		// its PID 77 means nothing here, even if a local 77 exists.
		{name: "other namespace, fresh heartbeat", labels: labels("o2", "b1", "4026532999", "77", "500"),
			created: old, procs: map[int]string{77: "500"}, hb: now.Add(-10 * time.Second), want: true},
		{name: "other namespace, stale heartbeat, local PID alive", labels: labels("o2", "b1", "4026532999", "77", "500"),
			created: old, procs: map[int]string{77: "500"}, hb: now.Add(-31 * time.Second), want: false},
		{name: "other namespace, no heartbeat, just created", labels: labels("o2", "b1", "4026532999", "77", "500"),
			created: now.Add(-3 * time.Second), want: true},
		{name: "other namespace, no heartbeat, old", labels: labels("o2", "b1", "4026532999", "77", "500"),
			created: old, want: false},
		{name: "other namespace, heartbeat unreadable", labels: labels("o2", "b1", "4026532999", "77", "500"),
			created: old, hbErr: errors.New("engine busy"), want: true},
		// The initial namespace has the same inode on every machine: another
		// machine on the same engine is told apart by its boot id.
		{name: "other machine, same namespace inode", labels: labels("o3", "b2", "4026531836", "77", "500"),
			created: old, procs: map[int]string{77: "500"}, hb: now.Add(-time.Minute), want: false},
		{name: "no /proc on the owner: heartbeat only", labels: labels("o4", "", "", "77", ""),
			created: old, procs: map[int]string{77: ""}, hb: now.Add(-5 * time.Second), want: true},

		// Resources of a build before owner labels: the PID is all there is.
		{name: "legacy, PID alive", labels: labels("", "", "", "77", ""), created: old,
			procs: map[int]string{77: "1"}, want: true},
		{name: "legacy, PID gone, old", labels: labels("", "", "", "77", ""), created: now.Add(-3 * time.Hour), want: false},
		{name: "legacy, PID gone, maybe another namespace's live run", labels: labels("", "", "", "77", ""),
			created: now.Add(-20 * time.Minute), want: true},
		{name: "legacy, no PID", labels: labels("", "", "", "", ""), created: now.Add(-3 * time.Hour), want: false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			hbCalls := 0
			in := livenessInput{Self: here, SelfID: "me", Now: now,
				ProcLive: func(pid int, start string) bool {
					s, ok := c.procs[pid]
					return ok && (start == "" || s == start)
				},
				Heartbeat: func() (time.Time, error) { hbCalls++; return c.hb, c.hbErr },
			}

			live, why := decideLive(ownerView{Labels: c.labels, Created: c.created}, in)

			assert.Equal(t, c.want, live, why)
			assert.NotEmpty(t, why)
			if procFromLabels(c.labels).sameNamespace(here) {
				assert.Zero(t, hbCalls, "the fast path needs no heartbeat")
			}
		})
	}
}

func TestStatStart(t *testing.T) {
	// The command name may hold spaces and parentheses.
	line := "4242 (go (test) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 8 0 987654 1000000 500 18446744073709551615"
	assert.Equal(t, "987654", statStart(line))
	assert.Empty(t, statStart("4242 (short) S 1 2"))
	assert.Empty(t, statStart("garbage"))
}

func TestSelfIdentityIsReadFromProc(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc here")
	}
	p, id := self()
	assert.Len(t, id, 32)
	assert.NotEmpty(t, p.Boot)
	assert.NotEmpty(t, p.PIDNS)
	assert.True(t, procLive(p.PID, p.Start), "this process is alive by its own labels")
	assert.False(t, procLive(p.PID, p.Start+"1"), "another start tick is another process")
	l := ownerLabels()
	assert.Equal(t, id, l[LabelOwner])
	assert.True(t, procFromLabels(l).sameNamespace(p))
}

// Resources are grouped per owner; the newest creation time counts, and
// only containers are asked for a heartbeat.
func TestOwnersGroupsTheInventory(t *testing.T) {
	a := labels("oa", "b1", "1", "10", "5")
	legacy := labels("", "", "", "11", "")
	inv := owned{
		containers: []container.Summary{{ID: "c1aaaaaaaaaaaa", Labels: a, Created: now.Add(-time.Hour).Unix()},
			{ID: "c2bbbbbbbbbbbb", Labels: legacy, Created: now.Add(-time.Hour).Unix()}},
		networks: []network.Summary{{Network: network.Network{Labels: a, Created: now.Add(-time.Minute)}}},
		volumes:  []volume.Volume{{Name: "v", Labels: a, CreatedAt: now.Add(-10 * time.Second).Format(time.RFC3339)}},
	}

	got := inv.owners()

	require.Len(t, got, 2)
	oa := got[ownerKey(a)]
	require.NotNil(t, oa)
	assert.Equal(t, 3, oa.resources)
	assert.Equal(t, []string{"c1aaaaaaaaaaaa"}, oa.containers)
	assert.True(t, oa.Created.Equal(now.Add(-10*time.Second)), "newest is the volume: %s", oa.Created)
	assert.Contains(t, ownerKey(legacy), "no owner label")
}

// The beat is a tar whose one file carries the stamp as its mtime: what
// the sweeper reads back with a stat.
func TestHeartbeatTar(t *testing.T) {
	b, err := heartbeatTar("me", now)
	require.NoError(t, err)
	tr := tar.NewReader(bytes.NewReader(b))
	h, err := tr.Next()
	require.NoError(t, err)
	assert.Equal(t, heartbeatName, h.Name)
	assert.True(t, h.ModTime.Equal(now), "mtime %s", h.ModTime)
}
