package checker

import (
	"fmt"
	"slices"

	"github.com/amqha/amqha/harness/history"
)

// maxTxns caps the broken transactions result.json quotes.
const maxTxns = 20

// Txn is one STOMP transaction as the history shows it: its sends, how it
// ended (ok: committed, fail: aborted or rolled back, info: a COMMIT whose
// receipt never came), and how many of its sends were delivered.
type Txn struct {
	ID        string         `json:"id"`
	Outcome   history.OpType `json:"outcome"`
	Sends     int            `json:"sends"`
	Delivered int            `json:"delivered"`
	// IDs are the transaction's sends, in send order.
	IDs []string `json:"ids"`
}

// TxnResult is the atomicity analysis: how many transactions ended each
// way, and the ones delivered in part, or delivered though aborted.
type TxnResult struct {
	Committed int   `json:"committed"`
	Aborted   int   `json:"aborted"`
	Unknown   int   `json:"unknown"`
	Broken    int   `json:"broken"`
	Examples  []Txn `json:"examples,omitempty"`
}

// Transactions groups the sends by transaction and counts what was
// delivered of each: a transaction is atomic when all of it or none of it
// arrived, and none of it when it was not committed.
func Transactions(ops []history.Op) TxnResult {
	byID := map[string]*Txn{}
	var order []string
	txnOf := map[string]string{}
	for i := range ops {
		op := &ops[i]
		if op.F != history.Send || op.Txn == "" {
			continue
		}
		t := byID[op.Txn]
		if t == nil {
			t = &Txn{ID: op.Txn}
			byID[op.Txn] = t
			order = append(order, op.Txn)
		}
		switch op.Type {
		case history.Invoke:
			t.Sends++
			t.IDs = append(t.IDs, op.ID)
			txnOf[op.ID] = op.Txn
		case history.OK, history.Fail, history.Info:
			t.Outcome = strongest(t.Outcome, op.Type)
		}
	}
	seen := map[string]bool{}
	for i := range ops {
		op := &ops[i]
		if op.F == history.Receive && op.Type == history.OK && !seen[op.ID] {
			if txn, ok := txnOf[op.ID]; ok {
				seen[op.ID] = true
				byID[txn].Delivered++
			}
		}
	}
	var r TxnResult
	for _, id := range order {
		t := byID[id]
		switch t.Outcome {
		case history.OK:
			r.Committed++
		case history.Fail:
			r.Aborted++
		default:
			t.Outcome = history.Info
			r.Unknown++
		}
		if !atomic(*t) {
			r.Broken++
			if len(r.Examples) < maxTxns {
				r.Examples = append(r.Examples, *t)
			}
		}
	}
	return r
}

// strongest keeps a receipt over everything else, as the queue checks do:
// the broker took responsibility for the commit.
func strongest(a, b history.OpType) history.OpType {
	rank := func(t history.OpType) int {
		return slices.Index([]history.OpType{"", history.Fail, history.Info, history.OK}, t)
	}
	if rank(b) > rank(a) {
		return b
	}
	return a
}

func atomic(t Txn) bool {
	if t.Outcome == history.Fail {
		return t.Delivered == 0
	}
	return t.Delivered == 0 || t.Delivered == t.Sends
}

// atomicityCheck is unknown when the workload was to send transactions
// and none was recorded. A committed transaction delivered not at all is
// loss, which no-loss judges.
func atomicityCheck(r TxnResult) CheckResult {
	c := CheckResult{Name: AtomicTransactions, Status: Pass}
	total := r.Committed + r.Aborted + r.Unknown
	switch {
	case total == 0:
		c.Status = Unknown
		c.Detail = "no transaction was recorded, so atomicity cannot be judged"
	case r.Broken > 0:
		t := r.Examples[0]
		c.Status = Fail
		c.Detail = fmt.Sprintf("%d of %d transactions not all-or-nothing; first: %s (%s) delivered %d of its %d sends %s",
			r.Broken, total, t.ID, outcomeWord(t.Outcome), t.Delivered, t.Sends, quoteIDs(t.IDs))
	default:
		c.Detail = fmt.Sprintf("%d transactions each delivered whole or not at all: %d committed, %d aborted (none delivered), %d with an unconfirmed commit",
			total, r.Committed, r.Aborted, r.Unknown)
	}
	return c
}

func outcomeWord(t history.OpType) string {
	switch t {
	case history.OK:
		return "committed"
	case history.Fail:
		return "aborted"
	}
	return "commit unconfirmed"
}
