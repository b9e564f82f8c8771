package workload

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/go-stomp/stomp/v3/frame"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/amqha/amqha/harness/history"
)

// newTxPeer is a peer for transactions: it takes BEGIN and SEND silently
// and hands each COMMIT or ABORT to onEnd.
func newTxPeer(t *testing.T, onEnd func(w *frame.Writer, f *frame.Frame, n int) bool) *peer {
	t.Helper()
	return newPeerOf(t, []string{frame.COMMIT, frame.ABORT}, onEnd)
}

func txReceipt(w *frame.Writer, f *frame.Frame) bool {
	return w.Write(frame.New(frame.RECEIPT, frame.ReceiptId, f.Header.Get(frame.Receipt))) == nil
}

// runTx runs a transactional producer against p and returns each send's
// completion, and each transaction's sends.
func runTx(t *testing.T, p *peer, d time.Duration, tx Transactions) (map[string]history.Op, map[string][]string) {
	t.Helper()
	rec := history.NewRecorder()
	cfg := Config{Queue: "q", Duration: d, MessageSize: 32, Persistent: true, SendTimeout: time.Second}
	eps := func(context.Context) []Endpoint { return []Endpoint{{Broker: "fake", Addr: p.ln.Addr().String()}} }
	_ = NewTxProducer(cfg, tx, rec, eps).Run(context.Background())
	final, txns := map[string]history.Op{}, map[string][]string{}
	for _, op := range rec.Snapshot().Ops {
		require.Equal(t, TxProcess, op.Process)
		require.NotEmpty(t, op.Txn, "%s has no transaction", op.ID)
		if op.Type == history.Invoke {
			txns[op.Txn] = append(txns[op.Txn], op.ID)
			continue
		}
		_, dup := final[op.ID]
		require.False(t, dup, "%s completed twice", op.ID)
		final[op.ID] = op
	}
	return final, txns
}

func TestTxProducerCompletesEachSendWithItsTransaction(t *testing.T) {
	p := newTxPeer(t, func(w *frame.Writer, f *frame.Frame, _ int) bool { return txReceipt(w, f) })

	final, txns := runTx(t, p, 400*time.Millisecond, Transactions{Rate: 50, Size: 3, AbortEvery: 2})

	require.GreaterOrEqual(t, len(txns), 4, "transactions %v", txns)
	require.Equal(t, []string{"t0000001", "t0000002", "t0000003"}, txns["x0000001"])
	for txn, ids := range txns {
		require.Len(t, ids, 3, "%s", txn)
		want := history.OK
		var n int
		_, err := fmt.Sscanf(txn, "x%d", &n)
		require.NoError(t, err)
		if n%2 == 0 {
			want = history.Fail // every second one is aborted
		}
		for _, id := range ids {
			assert.Equal(t, want, final[id].Type, "%s in %s: %+v", id, txn, final[id])
		}
	}
}

// A broker that dies after the COMMIT went out leaves the transaction in
// doubt: every one of its sends is info, and the producer carries on.
func TestTxProducerLeavesACommitWithoutReceiptInDoubt(t *testing.T) {
	p := newTxPeer(t, func(w *frame.Writer, f *frame.Frame, n int) bool {
		return n != 2 && txReceipt(w, f)
	})

	final, txns := runTx(t, p, 400*time.Millisecond, Transactions{Rate: 50, Size: 2})

	for _, id := range txns["x0000002"] {
		assert.Equal(t, history.Info, final[id].Type, "%s: %+v", id, final[id])
	}
	require.Contains(t, txns, "x0000003", "the producer stopped after the lost connection")
	assert.Equal(t, history.OK, final[txns["x0000003"][0]].Type)
}

// A broker that keeps the socket open but never answers the COMMIT must
// not hang the producer: the commit times out as info.
func TestTxProducerTimesOutASilentCommit(t *testing.T) {
	p := newTxPeer(t, func(w *frame.Writer, f *frame.Frame, n int) bool {
		if n == 1 {
			time.Sleep(3 * time.Second)
			return true
		}
		return txReceipt(w, f)
	})
	start := time.Now()

	final, txns := runTx(t, p, 200*time.Millisecond, Transactions{Rate: 50, Size: 2})

	assert.LessOrEqual(t, time.Since(start), 4*time.Second, "the producer hung")
	for _, id := range txns["x0000001"] {
		assert.Equal(t, history.Info, final[id].Type, "%s: %+v", id, final[id])
		assert.Contains(t, final[id].Error, "no receipt")
	}
}
