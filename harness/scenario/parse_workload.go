package scenario

// This file holds the workload: section of the parser.

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
		}
	}
}
