#!/usr/bin/env bash
# The seed's exchange end to end: the Java port of socket.php serves, the Java port of socket2.php
# connects; both sides' output is shown, prefixed [server] and [client].
#
#   ./demo.sh [client options]     e.g. ./demo.sh --message 你好
#   PORT=2000 ./demo.sh            another port than the seed's 1935
#
# Builds the two jars first if they are missing or older than the sources. Needs a JDK >= 22:
# $JAVA_HOME, else `java` on the PATH, else one under /usr/lib/jvm or /Library/Java.
set -euo pipefail
cd "$(dirname "$0")"

HOST=127.0.0.1
PORT=${PORT:-1935}
SERVER_JAR=server-demo/target/server-demo.jar
CLIENT_JAR=client-demo/target/client-demo.jar

. tools/find-java.sh

JAVA=$(find_java) || {
    echo "demo.sh: no JDK >= 22 found (looked at \$JAVA_HOME, the PATH, /usr/lib/jvm, /Library/Java)" >&2
    exit 1
}

needs_build() {
    [ -f "$SERVER_JAR" ] && [ -f "$CLIENT_JAR" ] || return 0
    local older
    older=$(find pom.xml bindings server-demo client-demo \( -name '*.java' -o -name pom.xml \) \
        -newer "$SERVER_JAR" -print 2>/dev/null | head -n 1)
    [ -z "$older" ] && older=$(find pom.xml bindings client-demo \( -name '*.java' -o -name pom.xml \) \
        -newer "$CLIENT_JAR" -print 2>/dev/null | head -n 1)
    [ -n "$older" ]
}

if needs_build; then
    echo "building the demo jars (./mvnw -B -q package -DskipTests) ..."
    if [ -z "${JAVA_HOME:-}" ] && ! command -v java >/dev/null 2>&1; then
        # Maven itself needs some java to start; the build then picks a JDK >= 22 by toolchain
        export JAVA_HOME=${JAVA%/bin/java}
    fi
    ./mvnw -B -q package -DskipTests
fi

prefix() {
    local line
    while IFS= read -r line || [ -n "$line" ]; do
        printf '%s %s\n' "$1" "$line"
    done
}

work=$(mktemp -d "${TMPDIR:-/tmp}/nativesockets-demo.XXXXXX")
fifo="$work/server.out"
mkfifo "$fifo"
server_pid=
cleanup() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

echo "\$ java -jar $SERVER_JAR --host $HOST --port $PORT --count 1 &"
"$JAVA" -jar "$SERVER_JAR" --host "$HOST" --port "$PORT" --count 1 >"$fifo" 2>&1 &
server_pid=$!
exec 3<"$fifo"

# wait for the server's "listening on" line (stderr); anything else before it is an error
ready=
while IFS= read -r -t 30 line <&3; do
    printf '[server] %s\n' "$line"
    case $line in *"listening on"*) ready=1; break ;; esac
done
if [ -z "$ready" ]; then
    prefix "[server]" <&3 || true
    wait "$server_pid" 2>/dev/null || true
    echo "demo.sh: the server did not start" >&2
    exit 1
fi

echo "\$ java -jar $CLIENT_JAR --host $HOST --port $PORT${*:+ $*}"
client_status=0
# pipefail: the pipeline's status is the client's
"$JAVA" -jar "$CLIENT_JAR" --host "$HOST" --port "$PORT" "$@" 2>&1 | prefix "[client]" || client_status=$?

if [ "$client_status" -ne 0 ]; then
    kill "$server_pid" 2>/dev/null || true
fi
# the server exits by itself after its one connection; what it printed follows
prefix "[server]" <&3
server_status=0
wait "$server_pid" || server_status=$?
server_pid=
exec 3<&-

echo "client exit status $client_status, server exit status $server_status"
[ "$client_status" -eq 0 ] && [ "$server_status" -eq 0 ]
