# Sourced by demo.sh and examples/consumer/run.sh: finds a JDK >= 22 to run the jars with.
# (mvnw has its own search, for a JAVA_HOME to run Maven on.)

# The major version of the java at $1, or 0 if it does not run.
java_major() {
    local v
    v=$("$1" -version 2>&1 | sed -n 's/.* version "\([0-9][0-9]*\).*/\1/p' | head -n 1) || true
    echo "${v:-0}"
}

# Prints the first java >= 22 of: $JAVA_HOME, the PATH, /usr/lib/jvm, /Library/Java; fails if none.
find_java() {
    local candidates=() j
    [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME/bin/java")
    j=$(command -v java 2>/dev/null) && candidates+=("$j")
    for j in /usr/lib/jvm/*/bin/java /Library/Java/JavaVirtualMachines/*/Contents/Home/bin/java; do
        [ -x "$j" ] && candidates+=("$j")
    done
    for j in ${candidates[@]+"${candidates[@]}"}; do
        if [ -x "$j" ] && [ "$(java_major "$j")" -ge 22 ]; then
            echo "$j"
            return 0
        fi
    done
    return 1
}
