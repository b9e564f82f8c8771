# amqha's store proxy: a TCP relay between a broker and its database
# nodes, inside the broker's container, so that the store can be slowed
# where the kernel has no netem (harness/cluster/storeproxy.go).
#
# Usage: storeproxy.py CONTROL_DIR READY_FILE ROUTE...
# where ROUTE is name=listen_port=host:port. The broker's JDBC URLs point
# at 127.0.0.1:listen_port; each connection is relayed to host:port from
# the broker's own network namespace, so the harness's iptables cuts of
# the broker still cut its store.
#
# CONTROL_DIR/name holds the route's latency in whole milliseconds (no
# file or 0: pass straight through). It is re-read every POLL seconds,
# so a delay needs no restart. A chunk read from the broker is written
# to the database latency after it was read, in order, like netem's
# delay on the broker's interface; the answers come back at once. Every
# round trip thus takes latency longer. READY_FILE is written once every
# route listens, so the entry point starts the JVM only then.
import asyncio
import os
import sys
import time

POLL = 0.1
CHUNK = 65536

latency = {}  # route name -> seconds


def read_latency(ctl, name):
    try:
        with open(os.path.join(ctl, name)) as f:
            text = f.read().strip()
    except OSError:
        return 0.0
    try:
        return max(0, int(text or "0")) / 1000.0
    except ValueError:
        return latency.get(name, 0.0)  # a half-written file: keep the last


async def watch(ctl, names):
    while True:
        for n in names:
            latency[n] = read_latency(ctl, n)
        await asyncio.sleep(POLL)


def due(name, delayed):
    """When a chunk read now may be written: its latency is the one in
    effect when it was read, as netem stamps a packet on enqueue."""
    return time.monotonic() + (latency.get(name, 0.0) if delayed else 0.0)


async def relay(name, reader, writer, delayed):
    queue = asyncio.Queue()

    async def pull():
        try:
            while True:
                data = await reader.read(CHUNK)
                await queue.put((due(name, delayed), data))
                if not data:
                    return
        except (OSError, asyncio.IncompleteReadError):
            await queue.put((0.0, b""))

    async def push():
        try:
            while True:
                at, data = await queue.get()
                wait = at - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                if not data:
                    if writer.can_write_eof():
                        writer.write_eof()
                    return
                writer.write(data)
                await writer.drain()
        except OSError:
            pass

    puller = asyncio.ensure_future(pull())
    try:
        await push()
    finally:
        puller.cancel()


async def serve(name, host, port, client_r, client_w):
    try:
        up_r, up_w = await asyncio.open_connection(host, port)
    except OSError:
        client_w.close()
        return
    try:
        await asyncio.gather(relay(name, client_r, up_w, True), relay(name, up_r, client_w, False))
    finally:
        for w in (up_w, client_w):
            try:
                w.close()
            except OSError:
                pass


async def main(ctl, ready, routes):
    os.makedirs(ctl, exist_ok=True)
    names = []
    for r in routes:
        name, listen, target = r.split("=")
        host, port = target.rsplit(":", 1)
        names.append(name)
        latency[name] = read_latency(ctl, name)

        def handler(cr, cw, name=name, host=host, port=int(port)):
            return serve(name, host, port, cr, cw)

        await asyncio.start_server(handler, "127.0.0.1", int(listen))
    with open(ready, "w") as f:
        f.write("ready\n")
    await watch(ctl, names)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3:]))
