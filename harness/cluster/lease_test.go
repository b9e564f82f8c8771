package cluster

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The budget of a lease whose renewal can fail later than the lease runs
// out is flagged, with the setting to change.
func TestALeaseThatCanLapseBeforeTheMasterNoticesIsFlagged(t *testing.T) {
	l := Lease{Duration: 5 * time.Second, KeepAlive: 2 * time.Second, Hosts: 3, ConnectTimeout: 2 * time.Second, SocketTimeout: 30 * time.Second}
	b := l.Budget()
	assert.Equal(t, int64(36_000), b.NoticeMS, "3 hosts × 2 s + 30 s")
	assert.Equal(t, int64(38_000), b.WorstLagMS, "plus one keep-alive")
	require.True(t, b.Unsafe)
	assert.Contains(t, b.Advice, "no socketTimeout fits", "keep-alive and the hosts alone take longer than the lease")
	assert.Contains(t, b.Advice, "lockAcquireSleepInterval beyond 38s")
}

func TestALeaseThatOutlivesEveryRenewalIsSafe(t *testing.T) {
	l := Lease{Duration: 10 * time.Second, KeepAlive: 2 * time.Second, Hosts: 1, ConnectTimeout: time.Second, SocketTimeout: 3 * time.Second}
	b := l.Budget()
	assert.False(t, b.Unsafe)
	assert.Empty(t, b.Advice)
	assert.Equal(t, int64(6_000), b.WorstLagMS)
	assert.Equal(t, "connectTimeout=1&socketTimeout=3", l.URLParams())
}

// The profiles' budgets come from the very settings their brokers run with.
func TestTheLeaseProfilesCarryTheirBudget(t *testing.T) {
	for _, name := range []string{"jdbc", "replicated"} {
		p, err := LookupProfile(name)
		require.NoError(t, err)
		require.NotNil(t, p.Lease, name)
	}
	xml, err := renderJDBCWith(jdbcStock)(nil, "broker1")
	require.NoError(t, err)
	assert.Contains(t, string(xml), "connectTimeout=1&amp;socketTimeout=5")
	p, _ := LookupProfile("shared-kahadb")
	assert.Nil(t, p.Lease)
}

// The fenced defaults notice a failed renewal within 4 s of the last good
// one: inside the 5 s lease, whatever the network does.
func TestTheFencedDefaultsFitTheLease(t *testing.T) {
	for _, l := range []Lease{jdbcFenced, replicatedFenced} {
		b := l.Budget()
		assert.True(t, b.Fenced)
		assert.False(t, b.Unsafe, "%+v", b)
		assert.Equal(t, int64(4_000), b.WorstLagMS, "max(keep-alive 1 s, statement 1 s) + login 2 s + statement 1 s")
	}
	assert.Equal(t, "connectTimeout=1&socketTimeout=1&loginTimeout=2", jdbcFenced.LockURLParams())
	for _, l := range []Lease{jdbcStock, replicatedStock} {
		assert.True(t, l.Budget().Unsafe, "the stock leases can lapse before the master notices")
	}
}

// Only the fenced leases correct the broker's clock by the database's;
// the stock ones keep ActiveMQ's default (0: the broker's own clock).
func TestOnlyTheFencedLeasesCorrectTheBrokerClock(t *testing.T) {
	for _, l := range []Lease{jdbcFenced, replicatedFenced} {
		assert.Equal(t, int64(1_000), l.Budget().MaxDiffFromDBTimeMS)
	}
	for _, l := range []Lease{jdbcStock, replicatedStock} {
		assert.Zero(t, l.Budget().MaxDiffFromDBTimeMS)
	}
	xml, err := renderJDBCWith(jdbcStock)(nil, "broker1")
	require.NoError(t, err)
	assert.NotContains(t, string(xml), "maxAllowableDiffFromDBTime")
	xml, err = renderJDBCWith(jdbcFenced)(nil, "broker1")
	require.NoError(t, err)
	assert.Contains(t, string(xml), `maxAllowableDiffFromDBTime="1000"`)
}
