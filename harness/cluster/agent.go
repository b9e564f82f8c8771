package cluster

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"
)

// AgentPort is where every container's fault agent (conf/agent.py)
// listens: a partition sent to it lands in one local round trip instead
// of a docker exec.
const AgentPort = "7070/tcp"

// agentPath is where the agent script lives inside a container.
const agentPath = "/srv/amqha/agent.py"

// ErrNoAgent means the container's agent did not answer (an image
// without python3, or a container still starting): use docker exec.
var ErrNoAgent = errors.New("fault agent not reachable")

// agentTimeout bounds one request; iptables-restore itself takes
// milliseconds, so a slow answer means a frozen or overloaded container.
const agentTimeout = 5 * time.Second

// RestoreRules applies lines with `iptables-restore -w --noflush` inside
// the container, through its fault agent; clearNetem also deletes the
// netem qdisc. ErrNoAgent (wrapped) when the agent is not there.
func (n *Node) RestoreRules(ctx context.Context, lines []string, clearNetem bool) error {
	addr := n.Endpoint(AgentPort)
	if addr == "" {
		return fmt.Errorf("%s: %w", n.Name, ErrNoAgent)
	}
	d := net.Dialer{Timeout: agentTimeout}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("%s: %w: %v", n.Name, ErrNoAgent, err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(agentTimeout))
	header := "restore"
	if clearNetem {
		header += " netem"
	}
	if _, err := io.WriteString(conn, header+"\n"+strings.Join(lines, "\n")+"\n"); err != nil {
		return fmt.Errorf("%s: send rules: %w", n.Name, err)
	}
	_ = conn.(*net.TCPConn).CloseWrite()
	return agentAnswer(n.Name, conn)
}

// agentAnswer reads "<status>\n<output>". The loopback port proxy accepts
// a connection even when nothing listens behind it and then closes it, so
// an empty answer is a missing agent, not a failure of the rules.
func agentAnswer(node string, r io.Reader) error {
	br := bufio.NewReader(r)
	status, err := br.ReadString('\n')
	if err != nil {
		return fmt.Errorf("%s: %w: no answer (%v)", node, ErrNoAgent, err)
	}
	code, err := strconv.Atoi(strings.TrimSpace(status))
	if err != nil {
		return fmt.Errorf("%s: agent answered %q", node, status)
	}
	if code != 0 {
		out, _ := io.ReadAll(br)
		return fmt.Errorf("%s: iptables-restore exited %d: %s", node, code, strings.TrimSpace(string(out)))
	}
	return nil
}
