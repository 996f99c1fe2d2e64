#!/usr/bin/env bash
# Runs the consumer built by `./mvnw -f examples/consumer/pom.xml package` twice, with native
# access denied to everything but the library (--illegal-native-access=deny, JDK 24+), on Linux
# also through the exported package dev.nativesockets.linux:
#   class path:  java --enable-native-access=ALL-UNNAMED -cp target/consumer.jar:target/lib/* ...
#   module path: java --enable-native-access=dev.nativesockets -p target/consumer.jar:target/lib -m ...
# and checks what it prints; then twice more without the grant, where the first call must throw
# IllegalCallerException naming the flag to add. Needs a JDK >= 22: $JAVA_HOME, else `java` on the PATH, else one
# under /usr/lib/jvm or /Library/Java.
set -euo pipefail
cd "$(dirname "$0")"

. ../../tools/find-java.sh

JAVA=$(find_java) || { echo "run.sh: no JDK >= 22 found" >&2; exit 1; }
# JDK 24+ can deny native access outright; 22 and 23 deny it to every module not named by
# --enable-native-access once the flag is given (java.base for the runs without a grant).
if [ "$(java_major "$JAVA")" -ge 24 ]; then
    DENY=(--illegal-native-access=deny) REFUSE=(--illegal-native-access=deny)
else
    DENY=() REFUSE=(--enable-native-access=java.base)
fi

[ -f target/consumer.jar ] && ls target/lib/nativesockets-*.jar >/dev/null 2>&1 || {
    echo "run.sh: build first: ./mvnw -B -f examples/consumer/pom.xml package" >&2
    exit 1
}

check() { # name, expected library location, output
    local name=$1 where=$2 out=$3 ok=1
    printf '%s\n' "$out" | sed "s/^/[$name] /"
    grep -qx "nativesockets loaded from the $where" <<<"$out" || ok=0
    grep -qx "socketpair: ping" <<<"$out" || ok=0
    grep -q "^tcp echo: hello via /127.0.0.1:[0-9]*$" <<<"$out" || ok=0
    grep -q "WARNING" <<<"$out" && ok=0 # granted: no restricted-method warning
    if [ "$(uname -s)" = Linux ]; then # the exported Linux package, and its bridge into the core
        grep -qx "linux netlink: lo listed" <<<"$out" || ok=0
        grep -qx "linux zero-copy: completed, peer got zero" <<<"$out" || ok=0
    fi
    if [ $ok = 1 ]; then
        echo "[$name] ok"
        passed=$((passed + 1))
    else
        echo "[$name] FAILED"
        failed=$((failed + 1))
    fi
}

passed=0 failed=0
out=$("$JAVA" ${DENY[@]+"${DENY[@]}"} --enable-native-access=ALL-UNNAMED \
    -cp "target/consumer.jar:target/lib/*" com.example.consumer.Main 2>&1) || true
check class-path "class path" "$out"

out=$("$JAVA" ${DENY[@]+"${DENY[@]}"} --enable-native-access=dev.nativesockets \
    -p "target/consumer.jar:target/lib" -m com.example.consumer/com.example.consumer.Main 2>&1) || true
check module-path "module path as module dev.nativesockets" "$out"

refused() { # name, flag the message must name, output: without the grant, a clear exception
    local name=$1 flag=$2 out=$3
    printf '%s\n' "$out" | head -n 2 | sed "s/^/[$name] /"
    if grep -q "^Exception in thread \"main\" java.lang.IllegalCallerException: .*$flag" <<<"$out"; then
        echo "[$name] ok"
        passed=$((passed + 1))
    else
        echo "[$name] FAILED"
        failed=$((failed + 1))
    fi
}

out=$("$JAVA" "${REFUSE[@]}" -cp "target/consumer.jar:target/lib/*" com.example.consumer.Main 2>&1) || true
refused class-path-denied --enable-native-access=ALL-UNNAMED "$out"

out=$("$JAVA" "${REFUSE[@]}" -p "target/consumer.jar:target/lib" -m com.example.consumer/com.example.consumer.Main 2>&1) || true
refused module-path-denied --enable-native-access=dev.nativesockets "$out"

echo "consumer: $passed passed, $failed failed"
[ "$failed" = 0 ]
