package cluster

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// A broker whose handler logged its wait a moment ago is stale at the
// baseline; one that never did, or long ago, is not.
func TestIOWaitCountsOnlyAFreshWaitLine(t *testing.T) {
	var w ioWait
	assert.False(t, w.waiting(), "never logged")

	w.note("2026-12-02 06:22:01,020 | INFO  | Initiating stop/restart of transports on BrokerService[broker1] due to IO exception")
	assert.False(t, w.waiting(), "another IO handler line")

	w.note("2026-12-02 06:28:27,419 | INFO  | waiting for broker persistence adapter checkpoint to succeed before restarting transports | org.apache.activemq.util.DefaultIOExceptionHandler | IOExceptionHandler: restart transports")
	assert.True(t, w.waiting())

	w.at = time.Now().Add(-2 * ioWaitFresh)
	assert.False(t, w.waiting(), "the handler stopped waiting long ago")

	w.at = time.Now()
	w.reset()
	assert.False(t, w.waiting(), "reset by a restart")
}
