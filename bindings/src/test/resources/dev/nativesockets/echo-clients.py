#!/usr/bin/env python3
"""Echo clients for ReliabilityTenThousandTest, in a process of their own.

usage: echo-clients.py HOST PORT CONNECTIONS ROUNDS

Opens CONNECTIONS TCP connections to HOST:PORT, all held open at once; in each of ROUNDS rounds
every connection sends one message of its own (its index, the round, filler: 64 to 200 bytes)
and reads until the echo is complete; every byte must come back as sent. Prints
"OK connections=N rounds=R bytes=B" and exits 0, or prints the failure and exits 1.
"""
import resource
import selectors
import socket
import sys
import time


def main():
    host, port, count, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = count + 64
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard), hard))
    conns = []
    deadline = time.monotonic() + 60
    for i in range(count):
        s = socket.create_connection((host, port), timeout=30)
        s.setblocking(False)
        conns.append(s)
    sel = selectors.DefaultSelector()
    for i, s in enumerate(conns):
        sel.register(s, selectors.EVENT_READ, i)
    total = 0
    for r in range(rounds):
        expected = []
        for i, s in enumerate(conns):
            msg = (f"{i:05d}/{r}:" + "x" * (64 + (i * 7 + r) % 137)).encode()
            expected.append(msg)
            send_all(s, msg)
        got = [bytearray() for _ in conns]
        pending = count
        while pending:
            if time.monotonic() > deadline:
                print(f"FAIL timeout in round {r}: {pending} connections without their echo")
                return 1
            for key, _ in sel.select(timeout=5):
                i = key.data
                data = key.fileobj.recv(65536)
                if not data:
                    print(f"FAIL connection {i} closed by the server in round {r}")
                    return 1
                got[i] += data
                if len(got[i]) > len(expected[i]) or not expected[i].startswith(bytes(got[i])):
                    print(f"FAIL connection {i} round {r}: got {bytes(got[i])!r}, sent {expected[i]!r}")
                    return 1
                if len(got[i]) == len(expected[i]):
                    pending -= 1
                    total += len(got[i])
    for s in conns:
        sel.unregister(s)
        s.close()
    print(f"OK connections={count} rounds={rounds} bytes={total}")
    return 0


def send_all(s, msg):
    view = memoryview(msg)
    while view:
        try:
            n = s.send(view)
            view = view[n:]
        except BlockingIOError:
            time.sleep(0.001)


if __name__ == "__main__":
    sys.exit(main())
