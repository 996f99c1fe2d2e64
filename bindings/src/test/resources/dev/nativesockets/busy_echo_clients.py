#!/usr/bin/env python3
"""Clients for VirtualThreadBusyTest, in a process of their own: N connections to an echo server,
each with one SIZE-byte message in flight at all times for ROUNDS rounds; every echoed byte is
checked against what that connection sent in that round. Exit 0 and "DONE ..." when all rounds
came back right; exit 1 with "FAIL ..." on a wrong byte, a closed connection, or no progress for
STALL seconds (the server stalled)."""
import os, selectors, socket, struct, sys, time

host, port, n, rounds, size, stall = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6])

def payload(i, r):
    head = struct.pack("<II", i, r)
    body = bytes(((i * 31 + r * 7 + k) & 0xFF) for k in range(size - len(head)))
    return head + body

sel = selectors.DefaultSelector()
conns = []
t0 = time.time()
for i in range(n):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s.settimeout(stall)
    try:
        s.connect((host, port))
    except OSError as e:
        print("FAIL connect %d: %s" % (i, e), flush=True)
        sys.exit(1)
    s.setblocking(False)
    conns.append(s)
print("CONNECTED %d in %.1fs" % (n, time.time() - t0), flush=True)

expect = [b""] * n
got = [bytearray() for _ in range(n)]
rnd = [0] * n
for i, s in enumerate(conns):
    expect[i] = payload(i, 0)
    s.sendall(expect[i])  # 64 bytes into an empty socket buffer: never short
    sel.register(s, selectors.EVENT_READ, i)

done = 0
echoes = 0
checked = 0
last = time.time()
while done < n:
    events = sel.select(timeout=1.0)
    if not events:
        if time.time() - last > stall:
            print("FAIL stalled: %d echoes, %d/%d connections done, no progress for %.0fs" % (echoes, done, n, stall), flush=True)
            sys.exit(1)
        continue
    last = time.time()
    for key, _ in events:
        i = key.data
        s = key.fileobj
        try:
            chunk = s.recv(size)
        except BlockingIOError:
            continue
        if not chunk:
            print("FAIL connection %d closed by the server in round %d" % (i, rnd[i]), flush=True)
            sys.exit(1)
        got[i] += chunk
        if len(got[i]) > size:
            print("FAIL connection %d got %d bytes, more than sent" % (i, len(got[i])), flush=True)
            sys.exit(1)
        if len(got[i]) < size:
            continue
        if bytes(got[i]) != expect[i]:
            print("FAIL connection %d round %d: echo differs" % (i, rnd[i]), flush=True)
            sys.exit(1)
        checked += size
        echoes += 1
        got[i] = bytearray()
        rnd[i] += 1
        if rnd[i] == rounds:
            done += 1
            sel.unregister(s)
            continue
        expect[i] = payload(i, rnd[i])
        s.send(expect[i])
el = time.time() - t0
print("DONE echoes=%d bytes=%d seconds=%.1f" % (echoes, checked, el), flush=True)
for s in conns:
    s.close()
