package workload

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/amqha/amqha/harness/history"
	"github.com/go-stomp/stomp/v3/frame"
)

// TxProcess is the history's name for the transactional producer.
const TxProcess = history.Producer + "-tx"

// Transactions is the transactional share of a workload: Rate
// transactions a second, each of Size sends, and every AbortEvery-th one
// aborted instead of committed (0: none).
type Transactions struct {
	Rate       int
	Size       int
	AbortEvery int
}

// TxProducer sends STOMP transactions on a connection of its own: BEGIN,
// Size SENDs, then COMMIT or ABORT with a receipt. Each send is recorded
// with its transaction, and completes with the commit's outcome: ok on
// the COMMIT's receipt, fail on an ABORT's (the broker discards it) or an
// ERROR, info when the receipt never came. So the queue checks judge the
// messages as they judge single sends, and the atomicity check judges the
// transactions whole.
type TxProducer struct {
	cfg  Config
	tx   Transactions
	rec  *history.Recorder
	conn *connector
	// queue and dest are the first queue's history label and name: a
	// population's consumers read every queue, so one is enough.
	queue, dest string
	seq         int
	txn         int
	body        string
}

// NewTxProducer returns a transactional producer that records into rec.
func NewTxProducer(cfg Config, tx Transactions, rec *history.Recorder, eps Endpoints) *TxProducer {
	if cfg.SendTimeout == 0 {
		cfg.SendTimeout = 10 * time.Second
	}
	queue, dest := QueueOf(cfg, 0)
	return &TxProducer{cfg: cfg, tx: tx, rec: rec, conn: newConnector(TxProcess, cfg, eps), queue: queue, dest: dest,
		body: strings.Repeat("x", max(cfg.MessageSize-16, 0))}
}

// Run sends transactions for cfg.Duration, one at a time, reconnecting
// to the master after every connection loss. A transaction whose
// connection broke before its COMMIT went out is rolled back by the
// broker, so its sends fail; one whose COMMIT went out unanswered is info.
func (p *TxProducer) Run(ctx context.Context) error {
	sendCtx, cancel := context.WithTimeout(ctx, p.cfg.Duration)
	defer cancel()
	tick := time.NewTicker(time.Second / time.Duration(max(p.tx.Rate, 1)))
	defer tick.Stop()
	for sendCtx.Err() == nil {
		s, err := p.conn.connect(sendCtx)
		if err != nil {
			break
		}
		p.session(sendCtx, s, tick)
		s.close()
	}
	return ctx.Err()
}

// session runs transactions on s until it breaks or time is up.
func (p *TxProducer) session(ctx context.Context, s *session, tick *time.Ticker) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if err := p.transaction(s); err != nil {
			return
		}
	}
}

// transaction runs one transaction on s; an error means the connection
// is no longer usable.
func (p *TxProducer) transaction(s *session) error {
	p.txn++
	txn := fmt.Sprintf("x%07d", p.txn)
	abort := p.tx.AbortEvery > 0 && p.txn%p.tx.AbortEvery == 0
	var ids []string
	complete := func(t history.OpType, msg string) {
		for _, id := range ids {
			p.rec.Op(history.Op{Process: TxProcess, Type: t, F: history.Send, ID: id, Txn: txn, Queue: p.queue, Broker: s.broker, Conn: s.id, Error: msg})
		}
	}
	if err := s.write(frame.New(frame.BEGIN, frame.Transaction, txn)); err != nil {
		return fmt.Errorf("begin %s: %w", txn, err)
	}
	for range p.tx.Size {
		p.seq++
		id := fmt.Sprintf("t%07d", p.seq)
		ids = append(ids, id)
		p.rec.Op(history.Op{Process: TxProcess, Type: history.Invoke, F: history.Send, ID: id, Txn: txn, Queue: p.queue, Broker: s.broker, Conn: s.id})
		f := frame.New(frame.SEND, frame.Destination, "/queue/"+p.dest, frame.Transaction, txn,
			IDHeader, id, "persistent", fmt.Sprint(p.cfg.Persistent), frame.ContentType, "text/plain")
		f.Body = []byte(id + " " + p.body)
		if err := s.write(f); err != nil {
			// Nothing was committed: the broker rolls the transaction
			// back with the connection.
			complete(history.Fail, "connection lost before the commit: "+err.Error())
			return fmt.Errorf("send %s in %s: %w", id, txn, err)
		}
	}
	end := frame.COMMIT
	if abort {
		end = frame.ABORT
	}
	if err := s.write(frame.New(end, frame.Transaction, txn, frame.Receipt, txn)); err != nil {
		complete(history.Info, fmt.Sprintf("%s not confirmed: %v", end, err))
		return fmt.Errorf("%s %s: %w", end, txn, err)
	}
	return p.await(s, txn, abort, complete)
}

// await reads until the receipt of txn, an ERROR, or the send timeout.
// An ABORT's outcome is never in doubt: a transaction not committed is
// rolled back, whether the broker answered or the connection died.
func (p *TxProducer) await(s *session, txn string, abort bool, complete func(history.OpType, string)) error {
	unconfirmed := history.Info
	if abort {
		unconfirmed = history.Fail
	}
	f, err := s.readUntil(time.Now().Add(p.cfg.SendTimeout))
	switch {
	case err != nil:
		complete(unconfirmed, "no receipt: "+err.Error())
		return err
	case f.Command == frame.RECEIPT && f.Header.Get(frame.ReceiptId) == txn && abort:
		complete(history.Fail, "aborted")
		return nil
	case f.Command == frame.RECEIPT && f.Header.Get(frame.ReceiptId) == txn:
		complete(history.OK, "")
		return nil
	}
	// ActiveMQ answers a failed commit with an ERROR and rolls the
	// transaction back, but an ERROR may be about anything else on the
	// connection too, so the outcome stays unknown.
	complete(unconfirmed, fmt.Sprintf("%s: %s", f.Command, f.Header.Get(frame.Message)))
	return fmt.Errorf("%s frame instead of the receipt of %s", f.Command, txn)
}
