package checker

import (
	"testing"

	"github.com/amqha/amqha/harness/history"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// txn records a transaction of ids ending with outcome at sec.
func (s *story) txn(txn string, outcome history.OpType, sec float64, ids ...string) {
	for _, id := range ids {
		s.op(history.Op{Time: at(sec), Process: "producer-tx", Type: history.Invoke, F: history.Send, ID: id, Txn: txn})
	}
	for _, id := range ids {
		s.op(history.Op{Time: at(sec + 0.01), Process: "producer-tx", Type: outcome, F: history.Send, ID: id, Txn: txn, Broker: "broker1"})
	}
}

func TestAtomicity_WholeCommitsAndAbortsNeverDeliveredPass(t *testing.T) {
	var s story
	s.txn("x1", history.OK, 1, "t1", "t2")
	s.txn("x2", history.Fail, 2, "t3", "t4")
	s.txn("x3", history.Info, 3, "t5", "t6")
	s.deliver("t1", 4)
	s.deliver("t2", 4)
	s.deliver("t5", 4)
	s.deliver("t6", 4)

	r := Transactions(s.run.Ops)
	c := atomicityCheck(r)

	wantStatus(t, c, Pass)
	assert.Equal(t, TxnResult{Committed: 1, Aborted: 1, Unknown: 1}, r)
}

func TestAtomicity_ACommitDeliveredInPartFails(t *testing.T) {
	var s story
	s.txn("x1", history.OK, 1, "t1", "t2", "t3")
	s.deliver("t1", 4)
	s.deliver("t3", 4)

	c := atomicityCheck(Transactions(s.run.Ops))

	wantStatus(t, c, Fail)
	assert.Contains(t, c.Detail, "x1 (committed) delivered 2 of its 3 sends t1, t2, t3")
}

// A commit whose receipt was lost may have happened or not, but only
// wholly: half of it delivered breaks atomicity.
func TestAtomicity_AnUnconfirmedCommitDeliveredInPartFails(t *testing.T) {
	var s story
	s.txn("x1", history.Info, 1, "t1", "t2")
	s.deliver("t2", 4)

	c := atomicityCheck(Transactions(s.run.Ops))

	wantStatus(t, c, Fail)
	assert.Contains(t, c.Detail, "commit unconfirmed")
}

func TestAtomicity_AnAbortedTransactionDeliveredFails(t *testing.T) {
	var s story
	s.txn("x1", history.Fail, 1, "t1", "t2")
	s.deliver("t1", 4)
	s.deliver("t2", 4)

	c := atomicityCheck(Transactions(s.run.Ops))

	wantStatus(t, c, Fail)
	assert.Contains(t, c.Detail, "x1 (aborted) delivered 2 of its 2 sends")
}

// A duplicate delivery is no-duplicates' business, not a second half.
func TestAtomicity_ADuplicateDoesNotCountTwice(t *testing.T) {
	var s story
	s.txn("x1", history.OK, 1, "t1", "t2")
	s.deliver("t1", 4)
	s.deliver("t1", 5)

	wantStatus(t, atomicityCheck(Transactions(s.run.Ops)), Fail)
}

func TestAtomicity_RunsOnlyForAWorkloadWithTransactions(t *testing.T) {
	var s story
	s.ok("m1", 1)
	s.deliver("m1", 2)

	without := analyzeUnguarded(s.run, Config{})
	with := analyzeUnguarded(s.run, Config{Transactions: true})

	for _, c := range without.Checks {
		assert.NotEqual(t, AtomicTransactions, c.Name, "the check runs without transactions")
	}
	require.Equal(t, Unknown, check(t, with, AtomicTransactions).Status, "transactions were asked for and none was recorded")
}
