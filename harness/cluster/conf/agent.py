# amqha's fault agent: applies the iptables-restore rule sets the harness
# sends, so that a partition lands in one local round trip. A docker exec
# costs 100 ms to over a second on a loaded 2-core host, which staggered
# the cuts of one fault and blurred its start stamp.
#
# One request per connection: a header line, "restore" or "restore
# netem", then the rule text; the agent answers "<exit status>\n<output>".
# It runs nothing but iptables-restore (and, for "restore netem", deletes
# the netem qdisc), so the port grants no shell.
import socket
import subprocess

PORT = 7070


def handle(conn):
    data = b""
    while True:
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    header, _, rules = data.partition(b"\n")
    if header not in (b"restore", b"restore netem"):
        conn.sendall(b"2\nunknown request\n")
        return
    p = subprocess.run(["iptables-restore", "-w", "--noflush"], input=rules,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if header == b"restore netem":
        subprocess.run(["tc", "qdisc", "del", "dev", "eth0", "root"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    conn.sendall(b"%d\n" % p.returncode + p.stdout)


def main():
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("0.0.0.0", PORT))
    srv.listen(16)
    while True:
        conn, _ = srv.accept()
        with conn:
            try:
                handle(conn)
            except OSError:
                pass


main()
