package scenario

// This file holds the workload: section of the parser.

import (
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/amqha/amqha/harness/workload"
)

// maxClients bounds producers and consumers: each is a connection and a
// goroutine or two, and a broker's default maximumConnections is 1000.
const maxClients = 256

func (p *parser) workload(f *File, m map[string]field) {
	w := defaultWorkload()
	defer func() { f.Workload = w }()
	e, ok := m["workload"]
	if !ok || isNull(e.val) {
		return
	}
	wm := p.fields("workload", e.val, workloadFields)
	for name, fe := range wm {
		fp := "workload." + name
		switch name {
		case "duration":
			p.duration(fp, fe.val, false, &w.Duration)
		case "rate":
			p.integer(fp, fe.val, 1, 100000, &w.Rate)
		case "in-flight":
			p.integer(fp, fe.val, 1, 1024, &w.InFlight)
		case "message-size":
			p.integer(fp, fe.val, 16, 1<<20, &w.MessageSize)
		case "persistent":
			p.boolean(fp, fe.val, &w.Persistent)
		case "consumer-delay":
			p.duration(fp, fe.val, true, &w.ConsumerDelay)
		case "consumer-rate":
			p.integer(fp, fe.val, 0, 100000, &w.ConsumerRate)
		case "drain-quiet":
			p.duration(fp, fe.val, false, &w.DrainQuiet)
		case "send-timeout":
			p.duration(fp, fe.val, false, &w.SendTimeout)
		case "producers":
			p.integer(fp, fe.val, 1, maxClients, &w.Producers)
		case "consumers":
			p.integer(fp, fe.val, 1, maxClients, &w.Consumers)
		case "queues":
			p.integer(fp, fe.val, 1, maxClients, &w.Queues)
		case "connect":
			p.connect(fp, fe, &w.Connect)
		case "silence-limit":
			p.duration(fp, fe.val, false, &w.Silence)
		case "transactions":
			w.Transactions = p.transactions(fp, fe.val)
		case "topic":
			w.Topic = p.topic(fp, fe.val)
		}
	}
	p.population(wm, w)
}

func (p *parser) connect(path string, fe field, dst *workload.Connect) {
	s, ok := p.word(path, fe.val)
	if !ok {
		return
	}
	names := make([]string, len(workload.Connects))
	for i, c := range workload.Connects {
		if string(c) == s {
			*dst = c
			return
		}
		names[i] = string(c)
	}
	p.at(fe.val, path, "unknown connect policy %q (use one of %s)", s, strings.Join(names, ", "))
}

// population refuses a population that leaves a queue without a producer
// or a consumer, or whose producers cannot share the rate.
func (p *parser) population(wm map[string]field, w Workload) {
	q, ok := wm["queues"]
	if ok && w.Producers < w.Queues {
		p.at(q.val, "workload.queues", "%d queues need at least as many producers, got %d", w.Queues, w.Producers)
	}
	if ok && w.Consumers < w.Queues {
		p.at(q.val, "workload.queues", "%d queues need at least as many consumers, got %d", w.Queues, w.Consumers)
	}
	if w.Rate >= w.Producers {
		return
	}
	// The default population has producers too: a file that sets only the
	// rate is told where the other number comes from.
	if r, ok := wm["producers"]; ok {
		p.at(r.val, "workload.producers", "%d producers share a rate of %d sends/s: give each at least one", w.Producers, w.Rate)
	} else if r, ok := wm["rate"]; ok {
		p.at(r.val, "workload.rate", "a rate of %d sends/s cannot be shared by the default %d producers: give each at least one, or set producers", w.Rate, w.Producers)
	}
}

// transactions reads workload.transactions: a mapping of rate, size and
// abort-every, each optional.
func (p *parser) transactions(fp string, v *yaml.Node) *Transactions {
	t := &Transactions{Rate: 10, Size: 4, AbortEvery: 4}
	if isNull(v) {
		return t
	}
	for name, fe := range p.fields(fp, v, txnFields) {
		switch name {
		case "rate":
			p.integer(fp+".rate", fe.val, 1, 1000, &t.Rate)
		case "size":
			p.integer(fp+".size", fe.val, 1, 100, &t.Size)
		case "abort-every":
			p.integer(fp+".abort-every", fe.val, 0, 1000, &t.AbortEvery)
		}
	}
	return t
}

// topic reads workload.topic: a mapping of rate and subscribers, each
// optional.
func (p *parser) topic(fp string, v *yaml.Node) *Topic {
	t := &Topic{Rate: 20, Subscribers: 2}
	if isNull(v) {
		return t
	}
	for name, fe := range p.fields(fp, v, topicFields) {
		switch name {
		case "rate":
			p.integer(fp+".rate", fe.val, 1, 1000, &t.Rate)
		case "subscribers":
			p.integer(fp+".subscribers", fe.val, 1, 16, &t.Subscribers)
		}
	}
	return t
}
