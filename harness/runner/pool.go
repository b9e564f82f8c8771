package runner

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/amqha/amqha/harness/cluster"
	"github.com/amqha/amqha/harness/history"
	"github.com/amqha/amqha/harness/nemesis"
)

// Bounds of a cluster's preparation for a scenario. A restore that misses
// restoreTimeout rebuilds the cluster; a new cluster that has no baseline
// within baselineTimeout fails the run.
const (
	restoreTimeout  = 90 * time.Second
	baselineTimeout = 2 * time.Minute
)

// Pool keeps one running cluster per profile for a whole session, so that
// the bring-up (up to a minute for replicated) is paid once, not once per
// scenario. Scenarios on one profile take its cluster in turn; those that
// delay the store share a second one, whose brokers reach the store
// through the store proxy, so that every other scenario keeps the direct
// path and its timing.
type Pool struct {
	image string
	runID string

	mu   sync.Mutex
	byPf map[string]*pooled
}

// pooled is one profile's cluster and what has run on it.
type pooled struct {
	mu        sync.Mutex // held by the scenario using the cluster
	c         *cluster.Cluster
	sized     bool // c's stores are on sized volumes (WithSizedStores)
	built     int  // clusters built for this profile so far
	scenarios int  // scenarios run on the current cluster
	proxied   bool
}

// poolKey names a profile's cluster in the pool: the profile, and
// "+store-proxy" for its proxied twin.
func poolKey(profile string, proxied bool) string {
	if proxied {
		return profile + "+store-proxy"
	}
	return profile
}

// NewPool returns an empty pool whose clusters run image and carry runID
// in their resources' names.
func NewPool(image, runID string) *Pool {
	return &Pool{image: image, runID: runID, byPf: map[string]*pooled{}}
}

// Lease is a cluster handed to one scenario.
type Lease struct {
	Cluster *cluster.Cluster
	// Name identifies the cluster within the session (profile#n), so a
	// report says which scenarios shared it.
	Name string
	// Turn is the scenario's place on that cluster, 1 for the first.
	Turn int
	// Prepared is how long the bring-up or the restore took.
	Prepared time.Duration

	p *pooled
}

// Release gives the cluster back for the profile's next scenario.
func (l *Lease) Release() { l.p.mu.Unlock() }

// Acquire hands profile's cluster to a scenario, the one with the store
// proxy if proxied: restored to its baseline if one is running, else
// built. Its role samples go to rec and its logs to dir from now on.
// sized asks for stores on size-limited volumes (a scenario that fills a
// disk); a running cluster built the other way is replaced, as its stores
// cannot move. The lease must be released, also on error.
func (p *Pool) Acquire(ctx context.Context, profile string, proxied, sized bool, rec *history.Recorder, dir string, say func(string)) (*Lease, error) {
	key := poolKey(profile, proxied)
	p.mu.Lock()
	pf, ok := p.byPf[key]
	if !ok {
		pf = &pooled{proxied: proxied}
		p.byPf[key] = pf
	}
	p.mu.Unlock()
	pf.mu.Lock()
	l := &Lease{p: pf}
	began := time.Now()
	if pf.c != nil && pf.sized != sized {
		say(fmt.Sprintf("this scenario needs stores %s; replacing the %s cluster", storesWord(sized), profile))
		p.drop(pf, say)
	}
	if pf.c != nil {
		pf.c.Attach(rec, dir, say)
		if err := restore(ctx, pf.c); err != nil {
			say(fmt.Sprintf("restore failed, rebuilding the cluster: %v", err))
			p.drop(pf, say)
		}
	}
	if pf.c == nil {
		if err := p.build(ctx, pf, profile, sized, rec, dir, say); err != nil {
			return l, err
		}
	}
	pf.scenarios++
	l.Cluster, l.Turn, l.Prepared = pf.c, pf.scenarios, time.Since(began)
	l.Name = fmt.Sprintf("%s#%d", key, pf.built)
	return l, nil
}

func restore(ctx context.Context, c *cluster.Cluster) error {
	if err := c.LiftQuotas(ctx); err != nil {
		return fmt.Errorf("lift CPU quotas: %w", err)
	}
	if err := nemesis.Heal(ctx, c); err != nil {
		return fmt.Errorf("heal: %w", err)
	}
	return c.Restore(ctx, restoreTimeout)
}

// clusterRunID names a pooled cluster's resources: a profile's proxied
// twin runs beside its plain cluster, so the key, not the profile, keeps
// their container names apart ('+' is no character Docker takes).
func clusterRunID(runID, key string, built int) string {
	return fmt.Sprintf("%s-%s-%d", runID, strings.ReplaceAll(key, "+", "-"), built)
}

// storesWord words a cluster's kind of store for progress lines.
func storesWord(sized bool) string {
	if sized {
		return "on size-limited volumes"
	}
	return "where they normally are"
}

func (p *Pool) build(ctx context.Context, pf *pooled, profile string, sized bool, rec *history.Recorder, dir string, say func(string)) error {
	pf.built++
	opts := []cluster.Option{cluster.WithImage(p.image), cluster.WithProfile(profile),
		cluster.WithRecorder(rec), cluster.WithLogDir(dir), cluster.WithStoreProxy(pf.proxied),
		cluster.WithRunID(clusterRunID(p.runID, poolKey(profile, pf.proxied), pf.built)), cluster.WithProgress(say)}
	if sized {
		opts = append(opts, cluster.WithSizedStores())
	}
	c, err := cluster.Run(ctx, opts...)
	pf.c, pf.scenarios, pf.sized = c, 0, sized
	if err != nil {
		p.drop(pf, say)
		return fmt.Errorf("start %s cluster: %w", profile, err)
	}
	bctx, cancel := context.WithTimeout(ctx, baselineTimeout)
	defer cancel()
	if err := c.WaitBaseline(bctx); err != nil {
		p.drop(pf, say)
		return fmt.Errorf("new %s cluster: %w", profile, err)
	}
	return nil
}

// drop terminates the profile's cluster; the next Acquire builds another.
func (p *Pool) drop(pf *pooled, say func(string)) {
	// A fresh context: the run's own may be the thing that ended.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := pf.c.Terminate(ctx); err != nil {
		say("cleanup: " + err.Error())
	}
	pf.c = nil
}

// Retire terminates profile's clusters that none of the runs left in its
// lane needs (the plain one, the proxied twin), so a lane that is done
// with a cluster frees its share of the cores for the lanes still
// running: an idle cluster still renews and polls its lease, and
// ZooKeeper and Patroni keep their loops. A run that needs a retired
// cluster after all gets a new one from Acquire.
func (p *Pool) Retire(profile string, rest []Planned, say func(string)) {
	p.mu.Lock()
	var idle []*pooled
	for _, key := range unneeded(profile, rest) {
		if pf, ok := p.byPf[key]; ok {
			idle = append(idle, pf)
		}
	}
	p.mu.Unlock()
	for _, pf := range idle {
		pf.mu.Lock()
		if pf.c != nil {
			say(fmt.Sprintf("no scenario left for the %s cluster in its lane; removing it", poolKey(profile, pf.proxied)))
			p.drop(pf, say)
		}
		pf.mu.Unlock()
	}
}

// unneeded is the pool keys of profile's clusters that none of rest runs
// on.
func unneeded(profile string, rest []Planned) []string {
	need := map[string]bool{}
	for _, r := range rest {
		if r.Profile == profile {
			need[poolKey(profile, r.File.DelaysStore())] = true
		}
	}
	var out []string
	for _, proxied := range []bool{false, true} {
		if key := poolKey(profile, proxied); !need[key] {
			out = append(out, key)
		}
	}
	return out
}

// Close terminates every cluster of the pool, waiting for scenarios still
// running on them.
func (p *Pool) Close(say func(string)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, pf := range p.byPf {
		pf.mu.Lock()
		if pf.c != nil {
			p.drop(pf, say)
		}
		pf.mu.Unlock()
	}
}
