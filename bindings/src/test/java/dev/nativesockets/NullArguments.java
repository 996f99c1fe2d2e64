package dev.nativesockets;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/**
 * The null sweep of {@link BadInputTest} and {@link ReadinessBadInputTest}: one dynamic test per
 * reference parameter of every public method a type declares (but {@code equals}, and the
 * parameters where null means something), each calling the method with null there and samples
 * elsewhere. The test class says what the outcome must be.
 */
final class NullArguments {
    private NullArguments() {}

    /** One case: {@code m} with null at parameter {@code nullAt}, named {@code name}. */
    interface Case {
        void run(String name, Method m, int nullAt) throws Throwable;
    }

    /** A non-null argument of a reference parameter type (a primitive one gets zero or false). */
    interface Samples {
        Object of(Class<?> type) throws Exception;
    }

    /**
     * The cases of {@code types}; {@code nullMeansSomething} names the parameters left out, as
     * {@code Type.method#index}.
     */
    static Stream<DynamicTest> sweep(List<Class<?>> types, Set<String> nullMeansSomething, Case body) {
        List<DynamicTest> tests = new ArrayList<>();
        for (Class<?> type : types) {
            for (Method m : type.getMethods()) {
                if (m.getDeclaringClass() != type || m.isSynthetic() || m.getName().equals("equals")) {
                    continue;
                }
                Class<?>[] ps = m.getParameterTypes();
                for (int i = 0; i < ps.length; i++) {
                    if (ps[i].isPrimitive() || nullMeansSomething.contains(type.getSimpleName() + "." + m.getName() + "#" + i)) {
                        continue;
                    }
                    int nullAt = i;
                    String name = type.getSimpleName() + "." + m.getName()
                            + Arrays.toString(Arrays.stream(ps).map(Class::getSimpleName).toArray()) + " null #" + i;
                    tests.add(DynamicTest.dynamicTest(name, () -> body.run(name, m, nullAt)));
                }
            }
        }
        return tests.stream();
    }

    /**
     * Calls {@code m} on {@code target} (null for a static method) with null at {@code nullAt}, zero
     * (false) in primitive parameters and samples elsewhere; returns what it threw, or null if it returned.
     */
    static Throwable call(Method m, Object target, int nullAt, Samples samples) throws Exception {
        Class<?>[] ps = m.getParameterTypes();
        Object[] args = new Object[ps.length];
        for (int k = 0; k < ps.length; k++) {
            args[k] = k == nullAt ? null : ps[k].isPrimitive() ? zero(ps[k]) : samples.of(ps[k]);
        }
        try {
            m.invoke(target, args);
            return null;
        } catch (InvocationTargetException e) {
            return e.getCause();
        }
    }

    private static Object zero(Class<?> primitive) {
        if (primitive == int.class) {
            return 0;
        }
        if (primitive == long.class) {
            return 0L;
        }
        if (primitive == boolean.class) {
            return false;
        }
        throw new AssertionError("no sample of " + primitive);
    }
}
