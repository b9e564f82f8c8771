package cluster

import (
	"context"
	"fmt"
	"io"
	"strings"

	tcexec "github.com/testcontainers/testcontainers-go/exec"
)

// Exec runs a command inside the node's container and fails, with its
// output, if the command exits non-zero. Faults such as partitions are
// applied this way, as root inside the container, which has NET_ADMIN.
func (n *Node) Exec(ctx context.Context, cmd ...string) (string, error) {
	code, r, err := n.container.Exec(ctx, cmd, tcexec.Multiplexed())
	if err != nil {
		return "", fmt.Errorf("%s: exec %s: %w", n.Name, strings.Join(cmd, " "), err)
	}
	out, _ := io.ReadAll(r)
	if code != 0 {
		return string(out), fmt.Errorf("%s: %s exited %d: %s", n.Name, strings.Join(cmd, " "), code, strings.TrimSpace(string(out)))
	}
	return string(out), nil
}

// IP is the node's address on the cluster's network; it may change when
// the container restarts, so it is looked up each time.
func (n *Node) IP(ctx context.Context) (string, error) {
	ip, err := n.container.ContainerIP(ctx)
	if err != nil {
		return "", fmt.Errorf("%s: container ip: %w", n.Name, err)
	}
	if ip == "" {
		return "", fmt.Errorf("%s: no ip (is it running?)", n.Name)
	}
	return ip, nil
}
