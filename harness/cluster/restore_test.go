package cluster

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/amqha/amqha/harness/history"
)

func brokers(n int) []*Node {
	var out []*Node
	for i := 1; i <= n; i++ {
		out = append(out, &Node{Name: "broker" + string(rune('0'+i)), Kind: KindBroker, Index: i})
	}
	return out
}

func TestOneMasterAndTwoSlavesIsTheBaseline(t *testing.T) {
	roles := map[string]history.Role{"broker1": history.Master, "broker2": history.Slave, "broker3": history.Slave}
	assert.Empty(t, unbalanced(roles, brokers(3), history.Master, history.Slave))
}

func TestASlaveStillStartingIsNotTheBaseline(t *testing.T) {
	roles := map[string]history.Role{"broker1": history.Master, "broker2": history.Starting, "broker3": history.Slave}
	assert.Equal(t, []string{"broker2 is starting"}, unbalanced(roles, brokers(3), history.Master, history.Slave))
}

func TestTwoMastersOrNoneIsNotTheBaseline(t *testing.T) {
	two := map[string]history.Role{"broker1": history.Master, "broker2": history.Master, "broker3": history.Slave}
	assert.Contains(t, unbalanced(two, brokers(3), history.Master, history.Slave), "2 master(s) among broker nodes")
	none := map[string]history.Role{"broker2": history.Slave, "broker3": history.Slave}
	assert.Equal(t, []string{"broker1 is not sampled yet", "0 master(s) among broker nodes"},
		unbalanced(none, brokers(3), history.Master, history.Slave))
}

func TestASingleDatabaseNeedsOnlyToBePrimary(t *testing.T) {
	db := []*Node{{Name: "db", Kind: KindDB}}
	assert.Empty(t, unbalanced(map[string]history.Role{"db": history.Primary}, db, history.Primary, ""))
	assert.Equal(t, []string{"db is down", "0 primary(s) among db nodes"},
		unbalanced(map[string]history.Role{"db": history.Down}, db, history.Primary, ""))
}
