package cluster

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/amqha/amqha/harness/history"
)

// appID matches the workload's application ids (m0000001; t0000001 in a
// transaction) inside the
// marshalled messages: the id travels as a header, which OpenWire stores
// as a UTF-8 string property.
var appID = regexp.MustCompile(`[mt][0-9]{7}`)

// HasJDBCStore reports whether the profile keeps messages in PostgreSQL,
// where the harness can look up what was never delivered.
func (p Profile) HasJDBCStore() bool { return p.Lease != nil }

// StoredIDs lists, sorted, the application ids of the messages ActiveMQ
// still holds for the queues in its JDBC store (ACTIVEMQ_MSGS on the
// primary). An acknowledged send that was never delivered is stranded if
// it is here, and lost if it is not.
func (c *Cluster) StoredIDs(ctx context.Context, queues ...string) ([]string, error) {
	db, err := c.storePrimary()
	if err != nil {
		return nil, err
	}
	names := make([]string, len(queues))
	for i, q := range queues {
		names[i] = "'queue://" + strings.ReplaceAll(q, "'", "''") + "'"
	}
	sql := "SELECT encode(msg, 'escape') FROM activemq_msgs WHERE container IN (" + strings.Join(names, ", ") + ")"
	out, err := db.Exec(ctx, "env", "PGPASSWORD=postgres", "psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "activemq",
		"-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql)
	if err != nil {
		return nil, fmt.Errorf("look up queues %s in the store on %s: %w", strings.Join(queues, ", "), db.Name, err)
	}
	ids := appID.FindAllString(out, -1)
	slices.Sort(ids)
	return slices.Compact(ids), nil
}

// storePrimary is the database that holds the store now: the only one, or
// the one Patroni made primary.
func (c *Cluster) storePrimary() (*Node, error) {
	if len(c.Databases) == 1 {
		return c.Databases[0], nil
	}
	for _, d := range c.Databases {
		if c.Role(d) == history.Primary {
			return d, nil
		}
	}
	return nil, errors.New("no database is primary, so the store cannot be read")
}
