package cluster

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestAgentAnswerZeroIsSuccess(t *testing.T) {
	assert.NoError(t, agentAnswer("broker1", strings.NewReader("0\n")))
}

func TestAgentAnswerNonZeroFailsWithTheOutput(t *testing.T) {
	err := agentAnswer("broker1", strings.NewReader("1\niptables-restore: line 2 failed\n"))
	assert.ErrorContains(t, err, "broker1: iptables-restore exited 1: iptables-restore: line 2 failed")
	assert.False(t, errors.Is(err, ErrNoAgent), "the agent answered: the rules failed, exec would fail too")
}

func TestAgentAnswerEmptyMeansNoAgent(t *testing.T) {
	// Docker's port proxy accepts and closes when nothing listens inside.
	assert.ErrorIs(t, agentAnswer("broker1", strings.NewReader("")), ErrNoAgent)
}

func TestAgentAnswerGarbageIsAnError(t *testing.T) {
	err := agentAnswer("broker1", strings.NewReader("HTTP/1.1 400\n"))
	assert.ErrorContains(t, err, "agent answered")
}
