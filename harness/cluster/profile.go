package cluster

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"text/template"
	"time"
)

//go:embed conf/*
var confFS embed.FS

var confTmpl = template.Must(template.ParseFS(confFS, "conf/*.tmpl"))

// Profile is an HA mode of ActiveMQ: how its brokers share a store and
// elect a master.
type Profile struct {
	// Name is the profile's name in scenario files.
	Name string
	// Kinds lists the kinds of node the profile runs.
	Kinds []Kind
	// Quorum is the number of nodes that must be up for writes; zero
	// means the profile has no quorum (a shared store has none).
	Quorum int
	// QuorumMembers is the kind of the voting nodes (zk, db).
	QuorumMembers Kind
	// QuorumAlso names a second group that needs its own majority: Patroni
	// demotes its primary when the ZooKeeper ensemble loses quorum.
	QuorumAlso Kind
	// SlaveLog matches the log line a broker writes when it waits as a slave.
	SlaveLog *regexp.Regexp
	// LockInterval is how often a slave retries the store's lock.
	LockInterval time.Duration
	// Lease is the timing of a JDBC lease profile; nil for the others.
	Lease *Lease
	// broker renders a broker's activemq.xml.
	broker func(c *Cluster, name string) ([]byte, error)
	// services starts what the brokers need before them (ZooKeeper, a
	// database); nil when the brokers need nothing else.
	services func(ctx context.Context, c *Cluster) error
	// sharedStore mounts one volume into every broker at storeDir.
	sharedStore bool
	// noBrokers is set for profiles whose system under test is not ActiveMQ.
	noBrokers bool
	// RunOverhead is what a scenario on the profile takes beyond its
	// workload on 2 cores, for planning lanes: the restore to the
	// baseline, the drain, the cluster's first start shared over its
	// scenarios. Mean of the default tier's runs in the fresh-clone CI
	// run 20261203-074938-4d7c.
	RunOverhead time.Duration
	// BrokerImage, when set, is a broker image of its own with its own
	// entry point (the user-built LevelDB distribution), instead of the
	// node image and Debian's ActiveMQ.
	BrokerImage string
}

const storeDir = "/srv/shared"

// Profiles lists the HA modes this build can start.
var Profiles = map[string]Profile{
	"shared-kahadb": {
		Name:         "shared-kahadb",
		RunOverhead:  13 * time.Second,
		Kinds:        []Kind{KindBroker},
		SlaveLog:     regexp.MustCompile(`is now in slave mode`),
		LockInterval: time.Second,
		broker:       renderKahaDB,
		sharedStore:  true,
	},
	"jdbc":       jdbcProfile("jdbc", &jdbcFenced),
	"jdbc-stock": jdbcProfile("jdbc-stock", &jdbcStock),
	"zookeeper": {
		Name:          "zookeeper",
		RunOverhead:   4 * time.Second,
		Kinds:         []Kind{KindZK},
		Quorum:        2,
		QuorumMembers: KindZK,
		noBrokers:     true,
		services:      func(ctx context.Context, c *Cluster) error { return c.startEnsemble(ctx, 3, true) },
	},
	"replicated":       replicatedProfile("replicated", &replicatedFenced),
	"replicated-stock": replicatedProfile("replicated-stock", &replicatedStock),
	"leveldb": {
		Name:          "leveldb",
		Kinds:         []Kind{KindBroker, KindZK},
		Quorum:        2,
		QuorumMembers: KindBroker,
		SlaveLog:      regexp.MustCompile(`Attaching to master|Slave started|Not enough cluster members`),
		BrokerImage:   LevelDBImage,
		broker:        renderLevelDB,
		services:      func(ctx context.Context, c *Cluster) error { return c.startEnsemble(ctx, 3, true) },
	},
}

// LevelDBImage is the image docker/activemq-leveldb/build.sh makes from a
// user-supplied ActiveMQ 5.9-5.16 distribution.
const LevelDBImage = "amqha.local/activemq-leveldb:latest"

// LevelDBBuild is the command that builds LevelDBImage.
const LevelDBBuild = "docker/activemq-leveldb/build.sh apache-activemq-5.16.x-bin.tar.gz [jdk-linux-x64.tar.gz]"

// renderLevelDB renders the seed's <replicatedLevelDB replicas="3" .../>.
func renderLevelDB(c *Cluster, name string) ([]byte, error) {
	return render("leveldb.xml.tmpl", map[string]any{"ZKAddress": c.zkHosts(), "Hostname": name})
}

// The JDBC lease: a slave polls, and a master's lease lasts, jdbcLease; the
// master renews every jdbcKeepAlive, which must be shorter, and with the
// lease IO handler at least 3 s shorter.
const (
	jdbcLease     = 5 * time.Second
	jdbcKeepAlive = 2 * time.Second
)

// jdbcStock is the jdbc-stock profile's lease, on its one database: the
// lease shares the message pool, and a failed renewal only stops the
// transports (the lease IO handler), as ActiveMQ's examples configure it.
var jdbcStock = Lease{Duration: jdbcLease, KeepAlive: jdbcKeepAlive, Hosts: 1,
	ConnectTimeout: time.Second, SocketTimeout: 5 * time.Second}

// replicatedStock is the replicated-stock profile's lease: the URL lists
// the three Patroni members, and a socketTimeout of 30 s lets a commit
// wait out a synchronous standby's return.
var replicatedStock = Lease{Duration: jdbcLease, KeepAlive: jdbcKeepAlive, Hosts: 3,
	ConnectTimeout: 2 * time.Second, SocketTimeout: 30 * time.Second}

// fenced is a stock lease made safe: its own data source whose every wait
// is bounded (1 s per statement, 2 s per connection set-up across the
// hosts), renewed every second, and the broker stopped on the first
// failed renewal. A failed renewal is then noticed within 4 s of the last
// good one, inside the 5 s lease. Its broker also corrects its clock by
// the database's when they differ by more than a second, so that a broker
// started with a skewed clock stamps the lease in the database's time.
func fenced(stock Lease) Lease {
	l := stock
	l.Fenced, l.KeepAlive, l.LockTimeout, l.LoginTimeout = true, time.Second, time.Second, 2*time.Second
	l.MaxDiffFromDBTime = time.Second
	return l
}

var (
	jdbcFenced       = fenced(jdbcStock)
	replicatedFenced = fenced(replicatedStock)
)

// renderJDBCWith renders a broker of a one-database lease profile.
func renderJDBCWith(l Lease) func(c *Cluster, name string) ([]byte, error) {
	return func(c *Cluster, name string) ([]byte, error) {
		return render("jdbc.xml.tmpl", map[string]any{"BrokerName": name, "DBAddr": c.storeAddr("db", 1),
			"LeaseMillis": l.Duration.Milliseconds(), "KeepAliveMillis": l.KeepAlive.Milliseconds(),
			"MaxDiffMillis": l.MaxDiffFromDBTime.Milliseconds(), "Timeouts": l.URLParams(), "LockTimeouts": l.LockURLParams(), "Fenced": l.Fenced,
			"LeaseIOHandler": true})
	}
}

// renderReplicatedWith renders a broker of the replicated topology with
// lease l. Every broker points at all three databases: pgjdbc's
// targetServerType=primary finds whichever Patroni has promoted.
func renderReplicatedWith(l Lease) func(c *Cluster, name string) ([]byte, error) {
	return func(c *Cluster, name string) ([]byte, error) {
		hosts := make([]string, len(c.Databases))
		for i, d := range c.Databases {
			hosts[i] = c.storeAddr(d.Name, d.Index)
		}
		base := "jdbc:postgresql://" + strings.Join(hosts, ",") + "/activemq?targetServerType=primary&"
		tail := "&hostRecheckSeconds=2&tcpKeepAlive=true"
		return render("replicated.xml.tmpl", map[string]any{"BrokerName": name, "JDBCURL": base + l.URLParams() + tail,
			"LockURL": base + l.LockURLParams() + tail + "&ApplicationName=" + name + "-lease", "Fenced": l.Fenced,
			"LeaseMillis": l.Duration.Milliseconds(), "KeepAliveMillis": l.KeepAlive.Milliseconds(),
			"MaxDiffMillis": l.MaxDiffFromDBTime.Milliseconds()})
	}
}

// jdbcProfile is 3 brokers on one PostgreSQL with lease l. The stock
// variant exists beside the fenced default so that the split brain the
// stock lease allows can be shown beside its fix.
func jdbcProfile(name string, l *Lease) Profile {
	return Profile{
		Name:         name,
		Kinds:        []Kind{KindBroker, KindDB},
		RunOverhead:  25 * time.Second,
		SlaveLog:     regexp.MustCompile(`attempting to acquire exclusive lease`),
		LockInterval: l.Duration,
		Lease:        l,
		broker:       renderJDBCWith(*l),
		services:     func(ctx context.Context, c *Cluster) error { return c.startPostgres(ctx) },
	}
}

// replicatedProfile is the seed's topology rebuilt, with lease l.
func replicatedProfile(name string, l *Lease) Profile {
	return Profile{
		Name:          name,
		Kinds:         []Kind{KindBroker, KindDB, KindZK},
		RunOverhead:   45 * time.Second,
		Quorum:        2,
		QuorumMembers: KindDB,
		QuorumAlso:    KindZK,
		SlaveLog:      regexp.MustCompile(`attempting to acquire exclusive lease`),
		LockInterval:  l.Duration,
		Lease:         l,
		broker:        renderReplicatedWith(*l),
		services: func(ctx context.Context, c *Cluster) error {
			if err := c.startEnsemble(ctx, 3, false); err != nil {
				return err
			}
			return c.startPatroni(ctx, l.Hosts)
		},
	}
}

// profileNames lists the supported profiles in a stable order.
func profileNames() []string {
	names := make([]string, 0, len(Profiles))
	for k := range Profiles {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// LookupProfile returns the named profile or an error listing the known ones.
func LookupProfile(name string) (Profile, error) {
	p, ok := Profiles[name]
	if !ok {
		return Profile{}, fmt.Errorf("profile %q is not supported by this build (supported: %v)", name, profileNames())
	}
	return p, nil
}

func renderKahaDB(c *Cluster, name string) ([]byte, error) {
	data := map[string]any{
		"BrokerName":        name,
		"StoreDir":          storeDir + "/kahadb",
		"LockAcquireMillis": c.profile.LockInterval.Milliseconds(),
		"StoreOnConnection": c.opts.storeOnConnection,
	}
	if c.opts.sizedStores {
		data["DiskCheckMillis"] = kahaDBDiskCheck.Milliseconds()
		data["StorePercent"] = kahaDBStorePercent
	}
	return render("shared-kahadb.xml.tmpl", data)
}

// render executes an embedded template; the XML is schema-checked by the
// broker, so values are rendered in rather than left as ${...} properties.
func render(name string, data any) ([]byte, error) {
	var b bytes.Buffer
	if err := confTmpl.ExecuteTemplate(&b, name, data); err != nil {
		return nil, fmt.Errorf("render %s: %w", name, err)
	}
	return b.Bytes(), nil
}

func confFile(name string) []byte {
	b, err := confFS.ReadFile("conf/" + name)
	if err != nil {
		panic(err) // embedded at build time: a missing file is a build defect
	}
	return b
}

// Has reports whether the profile runs nodes of kind k.
func (p Profile) Has(k Kind) bool { return slices.Contains(p.Kinds, k) }

// StoreProxyable reports whether the profile's brokers reach a database
// through the node image's entry point, which can start the store proxy
// (storeproxy.go): the JDBC profiles.
func (p Profile) StoreProxyable() bool {
	return p.Has(KindBroker) && p.Has(KindDB) && p.BrokerImage == ""
}
