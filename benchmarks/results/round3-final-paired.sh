#!/bin/bash
# In /tmp/bench: old.jar = benchmarks/target/benchmarks.jar built at df2e413, new.jar = the same built at
# the measured commit (./mvnw -B -q -pl benchmarks -am package -DskipTests), nsbench = cc -O2 native/baseline/nsbench.c -lpthread
# alternating before/after: Paired round trips and MessageBatch (udp_mmsg), ratio to C in the same round
J=$(ls -d /usr/lib/jvm/*25* | head -1)/bin/java
cd /tmp/bench
for i in 1 2 3; do
  for v in old new; do
    echo "=== set $i $v $(date +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
    $J --enable-native-access=ALL-UNNAMED -cp $v.jar dev.nativesockets.bench.Paired --c ./nsbench --rounds 10 \
      --only '^(tcp_rt_64|unix_rt_64|udp_mmsg)$' --impls nativesockets,confined,nativesockets_mmsg 2>&1 | grep '^paired'
  done
done
