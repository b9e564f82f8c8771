package cluster

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Labels that say which process owns a resource and how a sweeper can
// tell whether that process still runs, also from another PID namespace
// on the same engine (two CI jobs in containers sharing one engine).
const (
	// LabelOwner is a random token per process: what RemoveOwn matches and
	// what the heartbeat is kept under. A PID cannot be that key, since two
	// PID namespaces hand out the same small PIDs.
	LabelOwner = "amqha.owner"
	// LabelBoot is the kernel's boot_id: the same value in every namespace
	// of one boot of one machine, and a different one everywhere else.
	LabelBoot = "amqha.boot"
	// LabelPIDNS is the inode of the owner's PID namespace.
	LabelPIDNS = "amqha.pidns"
	// LabelPIDStart is the owner's start time in clock ticks since boot
	// (/proc/PID/stat field 22): with the PID it names one process, so a
	// PID reused by an unrelated process is not taken for the owner.
	LabelPIDStart = "amqha.pidstart"
)

// Heartbeat timing: the owner stamps one of its containers every
// HeartbeatEvery; a sweeper that cannot check the owner's process keeps
// its resources while the newest stamp (or the newest resource) is younger
// than HeartbeatFresh, which tolerates five missed beats on a loaded engine.
const (
	HeartbeatEvery = 5 * time.Second
	HeartbeatFresh = 30 * time.Second
	// LegacyGrace is how long resources of a build without owner labels
	// are kept when their PID does not exist here: such a build cannot
	// say which namespace it ran in, and a whole session (the stability
	// matrix: half an hour) keeps its clusters.
	LegacyGrace = 2 * time.Hour
)

// procID identifies a process across PID namespaces and machines. Empty
// fields are unknown (no /proc, as on macOS): the fast path is then off.
type procID struct {
	Boot, PIDNS, Start string
	PID                int
}

// sameNamespace reports whether p's PID is meaningful here: same kernel
// boot and same PID namespace. The hostname is no proof (CI runners share
// names) and neither is the namespace inode alone (the initial namespace
// has the same inode on every Linux machine), but the pair boot_id and
// inode is, since inodes are unique within one boot.
func (p procID) sameNamespace(self procID) bool {
	return p.Boot != "" && p.PIDNS != "" && p.Boot == self.Boot && p.PIDNS == self.PIDNS
}

// procFromLabels reads the owner identity a resource carries.
func procFromLabels(labels map[string]string) procID {
	pid, _ := strconv.Atoi(labels[LabelPID])
	return procID{Boot: labels[LabelBoot], PIDNS: labels[LabelPIDNS], Start: labels[LabelPIDStart], PID: pid}
}

// ownerView is what a sweep sees of one owner's resources.
type ownerView struct {
	// Labels are the owner labels of any one of its resources (all carry
	// the same).
	Labels map[string]string
	// Created is the creation time of its newest resource, on the
	// engine's clock: a run that has just made its network has no
	// heartbeat yet.
	Created time.Time
}

// livenessInput is what decideLive needs besides the owner's view; the
// functions are injected so the decision is testable without Docker.
type livenessInput struct {
	Self     procID
	SelfID   string    // this process's LabelOwner
	Now      time.Time // the engine's clock
	ProcLive func(pid int, start string) bool
	// Heartbeat returns the owner's newest heartbeat on the engine's
	// clock (zero if none); an error means the engine could not tell.
	Heartbeat func() (time.Time, error)
}

// decideLive decides whether an owner's resources belong to a running
// process, and says why. When unsure it says live: removing a live run's
// containers ruins that run, while a dead run's leftovers are only swept
// a little later.
//
//  1. This process is always live.
//  2. Resources without an owner label come from a build before the
//     heartbeat: only their PID can be checked, and only in the sweeper's
//     namespace, so one whose PID does not exist here is kept until its
//     newest resource is LegacyGrace old, longer than any session runs.
//  3. In the owner's own PID namespace the process table is proof both
//     ways (the fast path: a killed run is swept at once).
//  4. Elsewhere the engine decides: a resource created, or a heartbeat
//     stamped, less than HeartbeatFresh ago.
func decideLive(v ownerView, in livenessInput) (bool, string) {
	owner := v.Labels[LabelOwner]
	p := procFromLabels(v.Labels)
	switch {
	case owner != "" && owner == in.SelfID:
		return true, "this process"
	case owner == "":
		if p.PID > 0 && in.ProcLive(p.PID, "") {
			return true, fmt.Sprintf("no owner label; pid %d exists here", p.PID)
		}
		if age := in.Now.Sub(v.Created); age < LegacyGrace {
			return true, fmt.Sprintf("no owner label; pid %d does not exist here, but its newest resource is %s old "+
				"and may belong to a run in another PID namespace: kept until %s old", p.PID, age.Round(time.Second), LegacyGrace)
		}
		return false, fmt.Sprintf("no owner label; pid %d does not exist here and its newest resource is %s old",
			p.PID, in.Now.Sub(v.Created).Round(time.Minute))
	case p.sameNamespace(in.Self):
		if p.PID > 0 && in.ProcLive(p.PID, p.Start) {
			return true, fmt.Sprintf("pid %d runs in this PID namespace", p.PID)
		}
		return false, fmt.Sprintf("pid %d (started at tick %s) no longer runs in this PID namespace", p.PID, p.Start)
	}
	if age := in.Now.Sub(v.Created); age < HeartbeatFresh {
		return true, fmt.Sprintf("another PID namespace; a resource created %s ago", age.Round(time.Second))
	}
	hb, err := in.Heartbeat()
	if err != nil {
		return true, fmt.Sprintf("another PID namespace; heartbeat unreadable (%v), kept", err)
	}
	if hb.IsZero() {
		return false, "another PID namespace; no heartbeat"
	}
	age := in.Now.Sub(hb)
	if age < HeartbeatFresh {
		return true, fmt.Sprintf("another PID namespace; heartbeat %s ago", age.Round(time.Second))
	}
	return false, fmt.Sprintf("another PID namespace; last heartbeat %s ago", age.Round(time.Second))
}

var (
	selfOnce sync.Once
	selfProc procID
	selfID   string
)

// self returns this process's identity and owner token, read once.
func self() (procID, string) {
	selfOnce.Do(func() {
		pid := os.Getpid()
		selfProc = procID{Boot: bootID(), PIDNS: pidNamespace(), Start: procStart(pid), PID: pid}
		b := make([]byte, 16)
		_, _ = rand.Read(b) // never fails (crypto/rand panics instead)
		selfID = hex.EncodeToString(b)
	})
	return selfProc, selfID
}

// ownerLabels are the labels naming this process as a resource's owner.
func ownerLabels() map[string]string {
	p, id := self()
	return map[string]string{LabelOwner: id, LabelPID: strconv.Itoa(p.PID),
		LabelBoot: p.Boot, LabelPIDNS: p.PIDNS, LabelPIDStart: p.Start}
}

func bootID() string {
	b, err := os.ReadFile("/proc/sys/kernel/random/boot_id")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// pidNamespace returns the inode of this process's PID namespace, from the
// link "pid:[4026531836]".
func pidNamespace() string {
	l, err := os.Readlink("/proc/self/ns/pid")
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(strings.TrimPrefix(l, "pid:["), "]")
}

// procStart returns field 22 of /proc/PID/stat (start time in clock ticks
// since boot), or "" if the process does not exist here.
func procStart(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return ""
	}
	return statStart(string(b))
}

// statStart parses the start time out of a /proc/PID/stat line. The
// command name (field 2) is in parentheses and may hold spaces and
// parentheses itself, so the fields are counted from the last ")".
func statStart(stat string) string {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return ""
	}
	f := strings.Fields(stat[i+1:])
	// f[0] is field 3 (state), so field 22 is f[19].
	if len(f) < 20 {
		return ""
	}
	return f[19]
}

// procLive reports whether pid runs in this PID namespace and, when start
// is known, is the process that started at that tick (not a reuse of its PID).
func procLive(pid int, start string) bool {
	if !alive(pid) {
		return false
	}
	if start == "" {
		return true
	}
	now := procStart(pid)
	// Without /proc the start cannot be compared; the PID is all there is.
	return now == "" || now == start
}
