package checker

import (
	"testing"
)

func TestSingleMaster_CleanFailoverPasses(t *testing.T) {
	var s story
	s.runStart(0)
	s.ticks(0, 10, "broker1=master", "broker2=slave")
	s.tick(11, "broker1=down", "broker2=starting")
	s.ticks(12, 40, "broker1=down", "broker2=master")

	c, overlaps := SingleMasterCheck(s.run.Events)

	wantStatus(t, c, Pass)
	wantDetail(t, c, "82 role samples", "2 master windows", "broker1 0s–10s", "broker2 12s–40s")
	if overlaps != nil {
		t.Fatalf("overlaps %+v, want none", overlaps)
	}
}

func TestSingleMaster_OverlappingWindowsFailWithEvidence(t *testing.T) {
	var s story
	s.runStart(0)
	s.ticks(0, 10, "broker1=master", "broker2=slave")
	// broker1 is frozen but still answers; broker2 takes the lock anyway.
	s.ticks(11, 13, "broker1=master", "broker2=master")
	s.ticks(14, 20, "broker1=down", "broker2=master")

	c, overlaps := SingleMasterCheck(s.run.Events)

	wantStatus(t, c, Fail)
	wantDetail(t, c, "broker1 and broker2 both master 11s–13s")
	if len(overlaps) != 1 {
		t.Fatalf("overlaps %+v, want one", overlaps)
	}
	o := overlaps[0]
	if o.A != "broker1" || o.B != "broker2" || !o.From.Equal(at(11)) || !o.To.Equal(at(13)) {
		t.Fatalf("overlap %+v, want broker1/broker2 over 11s–13s", o)
	}
	if !o.AWindow.From.Equal(at(0)) || !o.BWindow.To.Equal(at(20)) || len(o.SampleTimes) != 3 {
		t.Fatalf("overlap evidence %+v", o)
	}
}

func TestSingleMaster_TwoMastersInOneTickIsAnOverlap(t *testing.T) {
	var s story
	s.ticks(0, 5, "broker1=master", "broker2=slave", "broker3=slave")
	s.tick(6, "broker1=slave", "broker2=master", "broker3=master")
	s.ticks(7, 9, "broker1=slave", "broker2=master", "broker3=slave")

	c, overlaps := SingleMasterCheck(s.run.Events)

	wantStatus(t, c, Fail)
	if len(overlaps) != 1 || overlaps[0].A != "broker2" || overlaps[0].B != "broker3" || !overlaps[0].From.Equal(at(6)) {
		t.Fatalf("overlaps %+v, want broker2/broker3 at 6s", overlaps)
	}
}

func TestSingleMaster_AnyOtherRoleClosesAWindow(t *testing.T) {
	var s story
	s.tick(0, "broker1=master")
	s.tick(1, "broker1=paused", "broker2=master")
	s.tick(2, "broker1=master", "broker2=down")

	ws := MasterWindows(s.run.Events)

	if len(ws) != 3 || ws[0].Node != "broker1" || ws[1].Node != "broker2" || ws[2].Node != "broker1" {
		t.Fatalf("windows %+v, want broker1, broker2, broker1", ws)
	}
	c, _ := SingleMasterCheck(s.run.Events)
	wantStatus(t, c, Pass)
}

func TestSingleMaster_NoSamplesIsUnknown(t *testing.T) {
	var s story
	s.runStart(0)
	s.fault(1, "kill", "broker1", 5, 5)

	c, _ := SingleMasterCheck(s.run.Events)

	wantStatus(t, c, Unknown)
}

func TestSingleMaster_SamplesWrittenOutOfOrderAreSortedByTime(t *testing.T) {
	var s story
	s.tick(2, "broker2=master")
	s.tick(0, "broker1=master")
	s.tick(1, "broker1=down", "broker2=slave")

	c, _ := SingleMasterCheck(s.run.Events)

	wantStatus(t, c, Pass)
	wantDetail(t, c, "broker1 0s–0s, broker2 2s–2s")
}
