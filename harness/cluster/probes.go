package cluster

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/amqha/amqha/harness/history"
)

// Container ports of the services other than brokers.
const (
	ZKPort      = "2181/tcp"
	PGPort      = "5432/tcp"
	PatroniPort = "8008/tcp"
)

// probeZooKeeper asks `srvr` for the server's mode. A server without
// quorum answers that it is not serving: it is looking for a leader.
func probeZooKeeper(ctx context.Context, n *Node) history.Role {
	out, err := fourLetter(ctx, n.Endpoint(ZKPort), "srvr")
	switch {
	case isTimeout(err):
		return history.Unresponsive
	case err != nil:
		return history.Starting
	case strings.Contains(out, "Mode: leader"), strings.Contains(out, "Mode: standalone"):
		return history.Leader
	case strings.Contains(out, "Mode: follower"), strings.Contains(out, "Mode: observer"):
		return history.Follower
	case strings.Contains(out, "not currently serving"):
		return history.Looking
	}
	return history.Starting
}

// fourLetter sends a ZooKeeper four-letter word and returns the answer.
func fourLetter(ctx context.Context, addr, cmd string) (string, error) {
	d := net.Dialer{Timeout: probeTimeout}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(probeTimeout))
	if _, err := conn.Write([]byte(cmd)); err != nil {
		return "", err
	}
	var b strings.Builder
	sc := bufio.NewScanner(conn)
	for sc.Scan() {
		b.WriteString(sc.Text() + "\n")
	}
	if b.Len() == 0 {
		if err := sc.Err(); err != nil {
			return "", err
		}
		return "", fmt.Errorf("%s: empty answer", cmd)
	}
	return b.String(), nil
}

// probePostgres sends the 8-byte SSLRequest: any live postmaster answers
// with one byte, a frozen one never does.
func probePostgres(ctx context.Context, n *Node) history.Role {
	d := net.Dialer{Timeout: probeTimeout}
	conn, err := d.DialContext(ctx, "tcp", n.Endpoint(PGPort))
	if err != nil {
		return history.Starting
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(probeTimeout))
	if _, err := conn.Write([]byte{0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f}); err != nil {
		return history.Starting
	}
	buf := make([]byte, 1)
	if _, err := conn.Read(buf); err != nil {
		if isTimeout(err) {
			return history.Unresponsive
		}
		return history.Starting
	}
	return history.Primary
}

// probePatroni reads the member's role from Patroni's REST API.
func probePatroni(ctx context.Context, n *Node) history.Role {
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+n.Endpoint(PatroniPort)+"/patroni", nil)
	if err != nil {
		return history.Starting
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		if isTimeout(err) || ctx.Err() != nil {
			return history.Unresponsive
		}
		return history.Starting
	}
	defer resp.Body.Close()
	var st struct {
		Role  string `json:"role"`
		State string `json:"state"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		return history.Starting
	}
	switch {
	case st.State != "running":
		return history.Starting
	case st.Role == "master" || st.Role == "primary":
		return history.Primary
	case st.Role == "replica" || st.Role == "sync_standby":
		return history.Replica
	}
	return history.Starting
}
