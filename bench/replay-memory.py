#!/usr/bin/env python3
"""Replay cost (issue 12, attack 6): the server's memory while many `?lastEventId=0` streams that never read
ask for a replay of a full log. Fills the log through POST /publish, opens the streams over raw sockets with a
small receive buffer, reads only their status lines, and reports the server's RSS (VmRSS from /proc) and its live
managed heap (GET /bench/heap) before the fill, after it, while the streams are held, and after they close.

    bench/replay-memory.py --port P --pid PID [--streams 50] [--events 2000] [--size 60000] [--hold 15]

bench/replay-memory.sh starts bench/ServerHost and runs this against it.
"""
import argparse
import http.client
import json
import socket
import time


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def heap_mb(port):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", "/bench/heap")
    report = json.loads(connection.getresponse().read())
    connection.close()
    return report["live"] / 2**20


def fill(port, events, size):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    body = ("x" * size).encode()
    last = None
    for _ in range(events):
        connection.request("POST", "/publish?channel=replay", body, {"Content-Type": "text/plain"})
        response = connection.getresponse()
        last = response.read().decode()
        if response.status != 200:
            raise RuntimeError(f"publish answered {response.status}: {last}")
    connection.close()
    return int(last)


def open_stream(port):
    stream = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # A small receive buffer: Linux would otherwise let a loopback socket take tens of megabytes unread.
    stream.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 * 1024)
    stream.connect(("127.0.0.1", port))
    stream.sendall(f"GET /event-stream?channels=replay&lastEventId=0 HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
    return stream


def status_of(stream):
    """Reads the status line only (a few bytes); the rest of the stream stays unread."""
    stream.settimeout(60)
    line = b""
    while not line.endswith(b"\r\n"):
        chunk = stream.recv(1)
        if not chunk:
            return "closed"
        line += chunk
    return line.split()[1].decode()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--streams", type=int, default=50)
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--size", type=int, default=60000)
    parser.add_argument("--hold", type=float, default=15)
    args = parser.parse_args()

    figures = {"before": {"rssMb": rss_mb(args.pid), "liveHeapMb": heap_mb(args.port)}}
    started = time.monotonic()
    head = fill(args.port, args.events, args.size)
    figures["filled"] = {"rssMb": rss_mb(args.pid), "liveHeapMb": heap_mb(args.port), "head": head,
                         "published": args.events, "bytesPublished": args.events * args.size,
                         "seconds": round(time.monotonic() - started, 1)}

    streams = [open_stream(args.port) for _ in range(args.streams)]
    peak = 0.0
    deadline = time.monotonic() + args.hold
    while time.monotonic() < deadline:
        peak = max(peak, rss_mb(args.pid))
        time.sleep(0.25)
    # Status lines are read after the hold, so no stream reads anything while the memory is measured; a refused
    # stream's 503 waits in its socket meanwhile.
    statuses = {}
    for stream in streams:
        status = status_of(stream)
        statuses[status] = statuses.get(status, 0) + 1
    figures["held"] = {"streams": args.streams, "peakRssMb": peak, "rssMb": rss_mb(args.pid),
                       "liveHeapMb": heap_mb(args.port), "statuses": statuses, "holdSeconds": args.hold}

    for stream in streams:
        stream.close()
    time.sleep(3)
    figures["closed"] = {"rssMb": rss_mb(args.pid), "liveHeapMb": heap_mb(args.port)}
    for phase in figures.values():
        for key, value in phase.items():
            if isinstance(value, float):
                phase[key] = round(value, 1)
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
