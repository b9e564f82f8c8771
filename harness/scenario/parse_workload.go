package scenario

// This file holds the workload: section of the parser.

import "gopkg.in/yaml.v3"

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
		case "transactions":
			w.Transactions = p.transactions(fp, fe.val)
		case "topic":
			w.Topic = p.topic(fp, fe.val)
		}
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
