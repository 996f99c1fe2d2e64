#!/usr/bin/env python3
"""Allocation per echo of one EchoLoop server after a long warm-up (issue 21's follow-up to run 10).

Starts `EchoLoop IMPL` (benchmarks.jar) and `nsbench echo_loop --conns N` against it, runs six
2-second rounds to warm up (--warm-up R: R rounds), then four measured rounds, each followed by the
server's `stats` (its thread's allocated bytes and bytes echoed): prints the rate and B/echo per round.

    benchmarks/compare.sh --only none    # builds benchmarks.jar and nsbench first
    python3 benchmarks/echo-alloc.py uring 10000 [JAVA]
    python3 benchmarks/echo-alloc.py --fan-out uring 10000 [JAVA]   # the fan_out server (FanOut) under nsbench fan_out: B/message
    python3 benchmarks/echo-alloc.py --warm-up 100 --fan-out uring 10000   # 100 warm-up rounds (200 s) instead of 6

A method the server calls once per round (the ring's io_uring_enter) reaches C2 only after some
5,000 calls; until then its C1 code allocates (BENCHMARKS.md, fan_out): at 10 rounds/s that is
minutes, hence --warm-up.
"""
import subprocess, sys, re, time
jar="benchmarks/target/benchmarks.jar"
warm=6
if sys.argv[1]=="--warm-up": warm=int(sys.argv[2]); del sys.argv[1:3]
fan=sys.argv[1]=="--fan-out"
if fan: sys.argv.pop(1)
impl=sys.argv[1]; conns=sys.argv[2]
main=["dev.nativesockets.bench.FanOut",impl,conns] if fan else ["dev.nativesockets.bench.EchoLoop",impl]
srv=subprocess.Popen([(sys.argv[3] if len(sys.argv) > 3 else "java"),"--enable-native-access=ALL-UNNAMED","-cp",jar]+main,stdin=subprocess.PIPE,stdout=subprocess.PIPE,text=True)
line=srv.stdout.readline(); port=re.search(r":(\d+)",line).group(1)
gen=subprocess.Popen(["benchmarks/target/nsbench","fan_out" if fan else "echo_loop","--port",port,"--conns",conns,"--placement","same","--rotate","1"],stdin=subprocess.PIPE,stdout=subprocess.PIPE,text=True)
def expect(p,w):
    while True:
        l=p.stdout.readline()
        if not l: raise SystemExit("eof")
        if l.split()[0]==w: return l.split()
expect(gen,"connected")
def stats():
    srv.stdin.write("stats\n"); srv.stdin.flush(); f=expect(srv,"stats"); return int(f[1]),int(f[2])
for i in range(warm):
    gen.stdin.write("run 2000\n"); gen.stdin.flush(); r=expect(gen,"round")
b=stats()
for i in range(4):
    gen.stdin.write("run 2000\n"); gen.stdin.flush(); r=expect(gen,"round")
    a=stats(); print(impl,conns,"rate",r[2],"B/msg" if fan else "B/echo",(a[1]-b[1])/((a[0]-b[0])/64)); b=a
gen.stdin.close(); srv.stdin.close(); gen.wait(); srv.wait()
