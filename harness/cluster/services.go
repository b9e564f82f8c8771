package cluster

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/testcontainers/testcontainers-go"

	"github.com/amqha/amqha/harness/fault"
)

// ZooKeeper ensemble, PostgreSQL and Patroni containers: the services the
// brokers of some profiles depend on, and the system under test of the
// zookeeper profile.

type zkServer struct {
	ID   int
	Host string
}

// startEnsemble starts zk1..zkN together: a server waits for its peers
// before it serves, so one at a time would deadlock on the wait strategy.
func (c *Cluster) startEnsemble(ctx context.Context, n int, hosts bool) error {
	servers := make([]zkServer, n)
	for i := range servers {
		servers[i] = zkServer{ID: i + 1, Host: fault.NodeName(KindZK, i+1)}
	}
	cfg, err := render("zk-zoo.cfg.tmpl", map[string]any{"Servers": servers})
	if err != nil {
		return err
	}
	c.say(fmt.Sprintf("starting a %d-server ZooKeeper ensemble", n))
	nodes, err := c.startParallel(n, func(i int) (*Node, error) {
		host := 0
		if hosts {
			host = i + 1
		}
		return c.runNode(ctx, nodeSpec{
			name: servers[i].Host, kind: KindZK, index: i + 1, host: host,
			entry: "/srv/zk/run.sh",
			env:   map[string]string{"ZK_ID": fmt.Sprint(i + 1), "JAVA_OPTS": "-Xms32m -Xmx192m"},
			files: []testcontainers.ContainerFile{
				file("/srv/zk/run.sh", confFile("zk-run.sh"), 0o755),
				file("/srv/zk/conf/zoo.cfg", cfg, 0o644),
				file("/srv/zk/conf/log4j.properties", confFile("zk-log4j.properties"), 0o644),
			},
			ports: []string{ZKPort},
			// The JVM is up; quorum is the role probe's business (leader/follower).
			ready: `binding to port`,
		})
	})
	c.ZooKeepers = nodes
	if err != nil {
		return err
	}
	_, err = c.waitRole(ctx, c.ZooKeepers, "leader", c.opts.startTimeout)
	return wrap(err, "ZooKeeper ensemble")
}

func (c *Cluster) zkHosts() string {
	hs := make([]string, len(c.ZooKeepers))
	for i, z := range c.ZooKeepers {
		hs[i] = z.Name + ":2181"
	}
	return strings.Join(hs, ",")
}

// pgDataDir is the PostgreSQL data directory of pg-run.sh and patroni.yml,
// where a sized store is mounted.
const pgDataDir = "/srv/pg/data"

// startPostgres starts the jdbc profile's single shared database.
func (c *Cluster) startPostgres(ctx context.Context) error {
	c.say("starting PostgreSQL")
	n, err := c.runNode(ctx, nodeSpec{
		name: "db", kind: KindDB, index: 1,
		entry: "/srv/pg/run.sh",
		files: []testcontainers.ContainerFile{
			file("/srv/pg/run.sh", confFile("pg-run.sh"), 0o755),
			file("/srv/pg/conf/activemq-schema.sql", confFile("activemq-schema.sql"), 0o644),
		},
		ports:  []string{PGPort},
		mounts: c.storeMount("db", pgDataDir),
		ready:  `database system is ready to accept connections`,
	})
	if n != nil {
		c.Databases = append(c.Databases, n)
	}
	return err
}

// Patroni's HA timing, in seconds: ttl 9 / loop_wait 1 / retry_timeout 4
// promoted a new primary about 10 s after a kill and rode out a ZooKeeper
// leader election; retry_timeout <= 2 demoted the primary on one.
const (
	patroniTTL          = 9
	patroniLoopWait     = 1
	patroniRetryTimeout = 4
)

var patroniReady = regexp.MustCompile(`the leader with the lock|a secondary, and following a leader`)

// startPatroni starts pg1..pgN, each PostgreSQL under Patroni with the
// ensemble as its DCS, and waits for a primary and a replica.
func (c *Cluster) startPatroni(ctx context.Context, n int) error {
	c.say(fmt.Sprintf("starting %d Patroni/PostgreSQL nodes", n))
	nodes, err := c.startParallel(n, func(i int) (*Node, error) {
		name := fault.NodeName(KindDB, i+1)
		yml, err := render("patroni.yml.tmpl", map[string]any{"Name": name, "ZKHosts": c.zkHosts(),
			"TTL": patroniTTL, "LoopWait": patroniLoopWait, "RetryTimeout": patroniRetryTimeout})
		if err != nil {
			return nil, err
		}
		return c.runNode(ctx, nodeSpec{
			name: name, kind: KindDB, index: i + 1, host: i + 1,
			entry: "/srv/pg/run.sh",
			files: []testcontainers.ContainerFile{
				file("/srv/pg/run.sh", confFile("patroni-run.sh"), 0o755),
				file("/srv/pg/patroni.yml", yml, 0o644),
				file("/srv/pg/post-bootstrap.sh", confFile("patroni-post-bootstrap.sh"), 0o755),
				file("/srv/pg/activemq-schema.sql", confFile("activemq-schema.sql"), 0o644),
			},
			ports:  []string{PGPort, PatroniPort},
			mounts: c.storeMount(name, pgDataDir),
			ready:  patroniReady.String(),
			probe:  probePatroni,
		})
	})
	c.Databases = nodes
	if err != nil {
		return err
	}
	_, err = c.waitRole(ctx, c.Databases, "primary", c.opts.startTimeout)
	return wrap(err, "Patroni primary")
}
