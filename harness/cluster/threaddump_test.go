package cluster

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// A dump's end and its deadlock section are read from the log as HotSpot
// prints them; a dump without one counts as a dump only.
func TestThreadDumpsReadTheJVMsDeadlockSection(t *testing.T) {
	var d threadDumps
	for _, l := range []string{"Full thread dump OpenJDK 64-Bit Server VM (17.0.19+10-Debian-1deb12u1 mixed mode, sharing):",
		`"main" #1 prio=5 os_prio=0 cpu=2650.03ms elapsed=65.53s tid=0x00007fa93c016f40 nid=0x7 waiting on condition`,
		"JNI global refs: 23, weak refs: 0"} {
		d.note(l)
	}
	dumps, deadlocks, open := d.state()
	assert.Equal(t, []any{1, 0, false}, []any{dumps, deadlocks, open})
	assert.False(t, d.deadlocked())

	for _, l := range []string{"JNI global refs: 23, weak refs: 0", "", "Found one Java-level deadlock:", "=============================",
		`"ActiveMQ Transport: tcp:///172.30.0.1:59660@61613":`, "  waiting to lock monitor 0x00007fa8c400dba0", "", "Found 1 deadlock.", ""} {
		d.note(l)
	}
	dumps, deadlocks, open = d.state()
	assert.Equal(t, []any{2, 1, false}, []any{dumps, deadlocks, open})
	assert.True(t, d.deadlocked())
	assert.Equal(t, "Found one Java-level deadlock:", d.deadlock(0)[0])
	assert.Equal(t, "Found 1 deadlock.", d.deadlock(0)[len(d.deadlock(0))-1])

	d.reset()
	assert.False(t, d.deadlocked(), "a fresh JVM has none")
}
