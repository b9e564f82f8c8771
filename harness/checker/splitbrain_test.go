package checker

import (
	"fmt"
	"testing"
)

// frozenMaster: broker1 is paused at 10s, broker2 takes the lock at 15s,
// broker1 is resumed at 20s. The probe sees broker1 as a slave afterwards,
// but the producer's old connection to it is still open.
func frozenMaster() *story {
	s := &story{}
	s.runStart(0)
	s.ticks(0, 9, "broker1=master", "broker2=slave")
	s.steady("a", "broker1", 0, 9.5, 0.5)
	s.fault(1, "pause", "broker1", 10, 20)
	s.ticks(10, 14, "broker1=paused", "broker2=slave")
	s.ticks(15, 19, "broker1=paused", "broker2=master")
	s.ticks(20, 30, "broker1=slave", "broker2=master")
	s.steady("b", "broker2", 15.5, 30, 0.5)
	return s
}

func TestSplitBrainAcks_CleanFailoverPasses(t *testing.T) {
	s := frozenMaster()

	c, ev := SplitBrainAcksCheck(s.run)

	wantStatus(t, c, Pass)
	wantDetail(t, c, "50 acks checked against 2 master windows")
	if ev != nil {
		t.Fatalf("evidence %+v, want none", ev)
	}
}

func TestSplitBrainAcks_AckFromTheDeposedMasterFails(t *testing.T) {
	s := frozenMaster()
	s.ackBy("stale", "broker1", 20.3) // on the connection opened before the pause

	c, ev := SplitBrainAcksCheck(s.run)
	sm, _ := SingleMasterCheck(s.run.Events)

	wantStatus(t, sm, Pass) // the probe never saw two masters...
	wantStatus(t, c, Fail)  // ...but a client was told "stored" by the wrong one
	wantDetail(t, c, "1 of 51 acks", "stale acknowledged by broker1 at 20.3s while broker2 was master (15s–30s)",
		"broker2 acknowledged b-10 at 20.5s")
	if len(ev) != 1 {
		t.Fatalf("evidence %+v, want one pair", ev)
	}
	e := ev[0]
	if e.ID != "stale" || e.Broker != "broker1" || !e.At.Equal(at(20.3)) || e.Other != "broker2" ||
		!e.OtherWindow.From.Equal(at(15)) || !e.OtherWindow.To.Equal(at(30)) ||
		e.OtherAckID != "b-10" || !e.OtherAckAt.Equal(at(20.5)) {
		t.Fatalf("evidence %+v", e)
	}
}

func TestSplitBrainAcks_EvidenceIsCapped(t *testing.T) {
	s := frozenMaster()
	for i := range 150 {
		s.ackBy(fmt.Sprintf("stale-%d", i), "broker1", 20.01+float64(i)*0.05)
	}

	c, ev := SplitBrainAcksCheck(s.run)

	wantStatus(t, c, Fail)
	wantDetail(t, c, "150 of 200 acks", "150 pairs; evidence capped at 100")
	if len(ev) != 100 {
		t.Fatalf("%d evidence entries, want 100", len(ev))
	}
}

func TestSplitBrainAcks_NoSamplesIsUnknown(t *testing.T) {
	var s story
	s.ackBy("m1", "broker1", 1)

	c, _ := SplitBrainAcksCheck(s.run)

	wantStatus(t, c, Unknown)
}
