package cluster

import "regexp"

// storeRefusedLine is what ActiveMQ's BrokerService logs when it starts
// with less free disk under its store than one journal file: it cuts the
// store limit to the free space once, at start, and never looks again
// (schedulePeriodForDiskUsageCheck is 0 by default). Measured on 5.17.2
// with a shared KahaDB: the master's IO exception handler restarted the
// broker in-process on the full disk, it came back as master with a
// limit of 1 MB, and producer flow control held every persistent send
// after the disk was freed, until its JVM restarted. A sized KahaDB
// store now measures its disk again every second (disk.go) and grows the
// limit back, but the restore still gives such a broker a fresh JVM: a
// scenario must not start on a broker still recovering from the last
// one's full disk.
var storeRefusedLine = regexp.MustCompile(`the store will not accept any data when used`)

// storeLimit remembers whether the broker's current JVM cut its store
// limit so.
type storeLimit struct{ latched[bool] }

func (s *storeLimit) note(line string) {
	if storeRefusedLine.MatchString(line) {
		s.set(true)
	}
}

// refusing reports whether the JVM logged the cut since it started.
func (s *storeLimit) refusing() bool { return s.get() }
