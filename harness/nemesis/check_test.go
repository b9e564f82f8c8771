package nemesis

import (
	"strings"
	"testing"

	"github.com/amqha/amqha/harness/cluster"
)

var kahadb = cluster.Profile{Name: "shared-kahadb", Kinds: []cluster.Kind{cluster.KindBroker}}

func TestCheckAcceptsBrokerTargetsOnABrokerProfile(t *testing.T) {
	for _, target := range []string{"master", "slave", "slaves", "broker:2", "node:1", "all", "previous"} {
		if err := Check(kahadb, "kill", target); err != nil {
			t.Errorf("kill %s: %v", target, err)
		}
	}
}

func TestCheckRefusesTargetsTheProfileLacks(t *testing.T) {
	for _, target := range []string{"zk:leader", "zk:2", "db", "db:1"} {
		err := Check(kahadb, "kill", target)
		if err == nil || !strings.Contains(err.Error(), "shared-kahadb") {
			t.Errorf("kill %s on shared-kahadb: got %v, want a refusal naming the profile", target, err)
		}
	}
}

func TestCheckRefusesAnUnknownAction(t *testing.T) {
	if err := Check(kahadb, "explode", "master"); err == nil {
		t.Fatal("an unknown action was accepted")
	}
}

// Packet delay needs netem in the shared kernel: where it is missing the
// step is refused with the reason, never silently skipped.
func TestDelayIsRefusedExactlyWhenNetemIsMissing(t *testing.T) {
	err := Check(kahadb, "delay", "master")
	if netemAvailable() != (err == nil) {
		t.Fatalf("netem available=%v but Check(delay) = %v", netemAvailable(), err)
	}
	if err != nil && !strings.Contains(err.Error(), "sch_netem") {
		t.Fatalf("refusal does not say why: %v", err)
	}
	if err := Check(kahadb, "loss", "master"); err != nil {
		t.Fatalf("loss uses iptables and must not depend on netem: %v", err)
	}
}
