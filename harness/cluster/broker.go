package cluster

import (
	"context"

	"github.com/moby/moby/api/types/mount"
	"github.com/testcontainers/testcontainers-go"

	"github.com/amqha/amqha/harness/fault"
)

// STOMPPort is the broker's STOMP port inside its container.
const STOMPPort = "61613/tcp"

// Broker is a node that runs an ActiveMQ broker.
type Broker = Node

func (c *Cluster) runBroker(ctx context.Context, idx int) (*Node, error) {
	name := fault.NodeName(KindBroker, idx)
	xml, err := c.profile.broker(c, name)
	if err != nil {
		return nil, err
	}
	var mounts []mount.Mount
	if c.profile.sharedStore {
		mounts = append(mounts, mount.Mount{Type: mount.TypeVolume, Source: c.volume, Target: storeDir})
	}
	files := []testcontainers.ContainerFile{
		file("/srv/amq/run.sh", confFile("broker-run.sh"), 0o755),
		file("/srv/amq/conf/log4j.properties", confFile("log4j.properties"), 0o644),
		file("/srv/amq/conf/activemq.xml", xml, 0o644),
	}
	env := map[string]string{"JAVA_OPTS": c.opts.javaOpts}
	if c.profile.BrokerImage != "" {
		files = files[2:] // the image brings its own entry point and logging
	} else {
		files = c.withStoreProxy(env, files)
	}
	return c.runNode(ctx, nodeSpec{
		image: c.profile.BrokerImage,
		name:  name, kind: KindBroker, index: idx, host: idx,
		entry:  "/srv/amq/run.sh",
		env:    env,
		files:  files,
		ports:  []string{STOMPPort},
		mounts: mounts,
		// A slave never opens its ports, so readiness is either log line.
		ready:   `Apache ActiveMQ .* started|` + c.profile.SlaveLog.String(),
		waiting: c.profile.SlaveLog,
	})
}

// STOMPEndpoint is the broker's STOMP address on the host.
func (n *Node) STOMPEndpoint() string { return n.Endpoint(STOMPPort) }
