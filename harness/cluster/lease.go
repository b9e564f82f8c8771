package cluster

import (
	"fmt"
	"time"

	"github.com/amqha/amqha/harness/checker"
)

// Lease is the timing of a JDBC lease profile, defined once: the broker
// configuration and the pgjdbc URL are rendered from it, and the report's
// lease timing budget is computed from it, so the two cannot disagree.
type Lease struct {
	// Duration is the lease a master takes and a slave's poll period
	// (lease-database-locker lockAcquireSleepInterval).
	Duration time.Duration
	// KeepAlive is how often the master renews it (lockKeepAlivePeriod).
	KeepAlive time.Duration
	// Hosts is the number of databases in the pgjdbc URL.
	Hosts int
	// ConnectTimeout and SocketTimeout are pgjdbc's connectTimeout and
	// socketTimeout, written in whole seconds as the driver reads them.
	ConnectTimeout time.Duration
	SocketTimeout  time.Duration
	// Fenced gives the lease a data source of its own, unpooled, whose
	// pgjdbc connectTimeout and socketTimeout are LockTimeout and whose
	// loginTimeout caps a whole connection set-up across the hosts; and it
	// stops the broker on the first renewal that fails (stopOnError), so
	// no receipt leaves a master that could not renew. The message pool
	// keeps ConnectTimeout and SocketTimeout, which no longer bound safety.
	Fenced       bool
	LockTimeout  time.Duration
	LoginTimeout time.Duration
	// MaxDiffFromDBTime, when above 0, makes the locker read the
	// database's clock and, if its own is further off than this, stamp
	// the lease by the database's (maxAllowableDiffFromDBTime). ActiveMQ
	// 5.17 reads it once per locker, on its first connection, so it
	// corrects a skew the broker starts with, not one that begins later.
	MaxDiffFromDBTime time.Duration
}

// LockURLParams is the pgjdbc query string of the fenced lease's own
// data source.
func (l Lease) LockURLParams() string {
	s := int(l.LockTimeout.Seconds())
	return fmt.Sprintf("connectTimeout=%d&socketTimeout=%d&loginTimeout=%d", s, s, int(l.LoginTimeout.Seconds()))
}

// URLParams is the pgjdbc query string of the lease's timeouts.
func (l Lease) URLParams() string {
	return fmt.Sprintf("connectTimeout=%d&socketTimeout=%d", int(l.ConnectTimeout.Seconds()), int(l.SocketTimeout.Seconds()))
}

// Budget is the lease timing budget: how late a master can notice that
// its renewal failed, against how long its lease lasts. A renewal stuck on
// a dead connection waits socketTimeout; the pool's next try walks every
// host at connectTimeout each. The renewal itself may start up to one
// keep-alive after the last good one. A master that notices later than its
// lease runs out can still acknowledge while a slave takes the lease.
func (l Lease) Budget() checker.LeaseBudget {
	if l.Fenced {
		return l.fencedBudget()
	}
	notice := time.Duration(l.Hosts)*l.ConnectTimeout + l.SocketTimeout
	b := checker.LeaseBudget{
		LeaseMS: l.Duration.Milliseconds(), KeepAliveMS: l.KeepAlive.Milliseconds(),
		Hosts: l.Hosts, ConnectTimeoutMS: l.ConnectTimeout.Milliseconds(), SocketTimeoutMS: l.SocketTimeout.Milliseconds(),
		NoticeMS: notice.Milliseconds(), WorstLagMS: (l.KeepAlive + notice).Milliseconds(),
		MaxDiffFromDBTimeMS: l.MaxDiffFromDBTime.Milliseconds(),
	}
	if lag := l.KeepAlive + notice; lag >= l.Duration {
		b.Unsafe = true
		room := l.Duration - l.KeepAlive - time.Duration(l.Hosts)*l.ConnectTimeout
		fix := fmt.Sprintf("lower pgjdbc socketTimeout below %s (lease − lockKeepAlivePeriod − hosts × connectTimeout)", room)
		if room <= 0 {
			fix = fmt.Sprintf("no socketTimeout fits: lockKeepAlivePeriod plus %d hosts × connectTimeout already take %s; lower connectTimeout",
				l.Hosts, l.KeepAlive+time.Duration(l.Hosts)*l.ConnectTimeout)
		}
		b.Advice = fmt.Sprintf("a master can notice a failed renewal %s after its last good one, later than its %s lease: %s, or lengthen lockAcquireSleepInterval beyond %s; "+
			"or fence the lease (a lockDataSource of its own with 1 s timeouts and stopOnError, as the *-fenced profiles run)",
			lag, l.Duration, fix, lag)
	}
	return b
}

// fencedBudget bounds a fenced lease: a renewal starts at most
// max(keep-alive, one statement) after the last good one (the scheduler
// runs at a fixed rate, so a hung renewal delays the next), a fresh
// connection takes at most loginTimeout, the statement at most
// LockTimeout, and stopOnError fences at once.
func (l Lease) fencedBudget() checker.LeaseBudget {
	notice := l.LoginTimeout + l.LockTimeout
	lag := max(l.KeepAlive, l.LockTimeout) + notice
	b := checker.LeaseBudget{
		LeaseMS: l.Duration.Milliseconds(), KeepAliveMS: l.KeepAlive.Milliseconds(),
		Hosts: l.Hosts, ConnectTimeoutMS: l.LockTimeout.Milliseconds(), SocketTimeoutMS: l.LockTimeout.Milliseconds(),
		NoticeMS: notice.Milliseconds(), WorstLagMS: lag.Milliseconds(), Fenced: true,
		MaxDiffFromDBTimeMS: l.MaxDiffFromDBTime.Milliseconds(),
	}
	if lag >= l.Duration {
		b.Unsafe = true
		b.Advice = fmt.Sprintf("even fenced, a failed renewal can be noticed %s after the last good one, later than the %s lease: lengthen lockAcquireSleepInterval beyond %s",
			lag, l.Duration, lag)
	}
	return b
}
