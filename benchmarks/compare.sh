#!/usr/bin/env bash
# Builds the C baseline and the JMH uber-jar, then runs both in one session on this machine and
# prints one table (workload × impl: median, spread, ratio to C and to the best JDK impl, B/op),
# cold start, and the targets of issue 6.
#
#   benchmarks/compare.sh [--quick] [--only REGEX] [--out FILE.md] [--no-split] [--cold-runs N] [--progress tty|lines]
#
# --quick: fewer implementations and shorter iterations (≤ 3 minutes with the build).
# Default (full): every implementation, same-core and split placement, 2 × 1 s warm-up and
# 5 × 1 s measurement per fork, then paired rounds, allocation, downcall and cold-start checks
# (≈ 16–17 minutes on 2 vCPUs), then echo_loop (one server thread: C epoll, the library's
# Readiness loop, NIO Selector, Netty epoll; N = 1, 100, 1,000, 10,000 connections from
# nsbench's load generator; same and split placement; ≈ 10 minutes) and idle_cost (memory of an
# idle registered connection at 10,000), vthread_echo, and uring_echo (issue 21: the io_uring servers —
# C liburing, this library's ring, Netty io_uring — beside the epoll ones, with system calls per
# echo from perf), and fan_out (issue 21: one 64-byte message to each of N = 100, 1,000, 10,000
# connections per round — C epoll, C liburing, the library's Readiness loop and its ring — with
# system calls per message). --only 'echo_loop|idle_cost' runs just those; --only fan_out just fan_out.
#
# Beside the report (--out FILE.md; default benchmarks/target/compare/run-<UTC time>.md) it writes
# FILE.json (host, JDK, kernel, every workload × implementation × N: raw samples, median, ratios)
# and FILE-charts/ (PNG and SVG drawn from that JSON alone, and headline.md). Redraw the charts of
# any results file with: java -cp benchmarks/target/benchmarks.jar dev.nativesockets.bench.Charts FILE.json DIR
# Progress (step, done/total, time left) goes to stderr: one updating line on a terminal, plain
# lines otherwise (a log).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
cd "$root"

# a JDK >= 22: JAVA_HOME if it is one, else the newest under /usr/lib/jvm (Maven finds its own)
java_ok() { [ -x "$1/bin/java" ] && "$1/bin/java" -version 2>&1 | grep -Eq 'version "(2[2-9]|[3-9][0-9])'; }
jdk=""
if [ -n "${JAVA_HOME:-}" ] && java_ok "$JAVA_HOME"; then
  jdk="$JAVA_HOME"
else
  for d in $(ls -d /usr/lib/jvm/* /Library/Java/JavaVirtualMachines/*/Contents/Home 2>/dev/null | sort -rV); do
    if java_ok "$d"; then jdk="$d"; break; fi
  done
fi
if [ -z "$jdk" ]; then
  echo "compare.sh: no JDK >= 22 found (set JAVA_HOME)" >&2
  exit 1
fi

jar="$here/target/benchmarks.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$here/src" "$root/bindings/src/main" -newer "$jar" -type f -print -quit)" ]; then
  echo "[compare] building benchmarks.jar" >&2
  ./mvnw -B -q -pl benchmarks -am package -DskipTests >&2
fi

cbin="$here/target/nsbench"
mkdir -p "$here/target"
if [ ! -x "$cbin" ] || [ "$root/native/baseline/nsbench.c" -nt "$cbin" ]; then
  echo "[compare] building native/baseline/nsbench.c" >&2
  ${CC:-cc} -O2 -Wall -o "$cbin" "$root/native/baseline/nsbench.c" -lpthread
fi

# the C liburing servers of uring_echo and fan_out (issue 21): liburing-dev from the distribution
for u in uring_echo uring_fan_out; do
  ubin="$here/target/$u"
  if [ "$(uname -s)" = Linux ] && { [ ! -x "$ubin" ] || [ "$root/native/baseline/$u.c" -nt "$ubin" ] \
    || [ "$root/native/baseline/uring_common.h" -nt "$ubin" ]; }; then
    if [ ! -f /usr/include/liburing.h ] && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
      echo "[compare] installing liburing-dev (apt-get)" >&2
      { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq liburing-dev; } >&2 || true
    fi
    if [ -f /usr/include/liburing.h ]; then
      echo "[compare] building native/baseline/$u.c" >&2
      ${CC:-cc} -O2 -Wall -o "$ubin" "$root/native/baseline/$u.c" -luring
    else
      echo "[compare] no liburing-dev: ${u#uring_} runs without the C liburing server" >&2
    fi
  fi
done

echo "[compare] $(uname -srm), $(nproc) CPUs, JDK $("$jdk/bin/java" -version 2>&1 | head -1)" >&2
jvm_args=(--enable-native-access=ALL-UNNAMED)
# JMH 1.37 uses sun.misc.Unsafe: allow it quietly where the JDK (24+) would warn
if "$jdk/bin/java" --sun-misc-unsafe-memory-access=allow -version >/dev/null 2>&1; then
  jvm_args+=(--sun-misc-unsafe-memory-access=allow)
fi
jvm_args+=(-Djava.awt.headless=true)
extra=()
case " $* " in
  *" --out "*) ;;
  *) mkdir -p "$here/target/compare"; extra+=(--out "$here/target/compare/run-$(date -u +%Y%m%dT%H%M%SZ).md") ;;
esac
case " $* " in
  *" --progress "*) ;;
  *) if [ -t 2 ]; then extra+=(--progress tty); else extra+=(--progress lines); fi ;;
esac
NSBENCH_COMMIT="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || true)"
export NSBENCH_COMMIT
exec "$jdk/bin/java" "${jvm_args[@]}" -cp "$jar" dev.nativesockets.bench.Compare --c "$cbin" "${extra[@]}" "$@"
