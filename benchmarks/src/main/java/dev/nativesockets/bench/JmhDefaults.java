package dev.nativesockets.bench;

import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The run settings every JMH benchmark in this module shares, in one place: per-thread state,
 * three warm-up and five measured iterations of one second, one fork with native access enabled
 * for the library's restricted calls. JMH reads these annotations from a
 * benchmark's superclasses; a benchmark that needs another value (a longer warm-up) annotates
 * itself, which wins. Each benchmark names its own mode and time unit.
 */
@State(Scope.Thread)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public abstract class JmhDefaults {
}
