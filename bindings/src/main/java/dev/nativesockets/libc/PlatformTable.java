package dev.nativesockets.libc;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one platform's C headers say: constant values, errno numbers and struct layouts, each
 * under the name the header gives it.
 *
 * <p>This is the single source the raw layer reads; the probe test (native/probe) prints the same
 * names from the real headers and compares them one by one, so a value here is a checked fact,
 * not a guess. A name missing from a table means the platform does not have that symbol.
 */
public final class PlatformTable {
    private final Platform platform;
    private final Map<String, Long> constants;
    private final Map<String, Integer> errnos;
    private final Map<Integer, String> errnoNames;
    private final Map<String, GroupLayout> structs;

    private PlatformTable(Builder b) {
        this.platform = b.platform;
        this.constants = Collections.unmodifiableMap(new LinkedHashMap<>(b.constants));
        this.errnos = Collections.unmodifiableMap(new LinkedHashMap<>(b.errnos));
        Map<Integer, String> names = new LinkedHashMap<>();
        // The first name given for a number is its primary one (EAGAIN before EWOULDBLOCK).
        for (Map.Entry<String, Integer> e : b.errnos.entrySet()) { // a loop, not a lambda: start-up
            names.putIfAbsent(e.getValue(), e.getKey());
        }
        this.errnoNames = Collections.unmodifiableMap(names);
        this.structs = Collections.unmodifiableMap(new LinkedHashMap<>(b.structs));
    }

    public Platform platform() { return platform; }

    /** Every constant by name, errno values excluded. */
    public Map<String, Long> constants() { return constants; }

    /** Every errno name with its number, aliases included. */
    public Map<String, Integer> errnos() { return errnos; }

    /** Every struct layout by its C tag name (without {@code struct}). */
    public Map<String, GroupLayout> structs() { return structs; }

    public boolean has(String name) {
        return constants.containsKey(name);
    }

    /** The constant's value; fails if this platform has no such constant. */
    public long constant(String name) {
        Long v = constants.get(name);
        if (v == null) {
            throw new UnsupportedOperationException(name + " is not defined on " + platform);
        }
        return v;
    }

    /** The constant's value as an int, or {@code absent} where the platform lacks it. */
    public int constantOr(String name, int absent) {
        Long v = constants.get(name);
        return v == null ? absent : v.intValue();
    }

    /** The errno's symbolic name ({@code ECONNREFUSED}), or {@code null} if unknown. */
    public String errnoName(int errno) {
        return errnoNames.get(errno);
    }

    /** The errno's number, or -1 if this platform has no such name. */
    public int errno(String name) {
        Integer v = errnos.get(name);
        return v == null ? -1 : v;
    }

    /** The struct's layout, or {@code null} where the platform has no such struct. */
    public GroupLayout struct(String name) {
        return structs.get(name);
    }

    static Builder builder(Platform platform) {
        return new Builder(platform);
    }

    static final class Builder {
        private final Platform platform;
        private final Map<String, Long> constants = new LinkedHashMap<>();
        private final Map<String, Integer> errnos = new LinkedHashMap<>();
        private final Map<String, GroupLayout> structs = new LinkedHashMap<>();

        private Builder(Platform platform) {
            this.platform = platform;
        }

        Builder constant(String name, long value) {
            if (constants.put(name, value) != null) {
                throw new IllegalStateException("duplicate constant " + name);
            }
            return this;
        }

        Builder errno(String name, int value) {
            if (errnos.put(name, value) != null) {
                throw new IllegalStateException("duplicate errno " + name);
            }
            return this;
        }

        /** Registers a struct; padding members must be unnamed, every named member is checked. */
        Builder struct(String name, MemoryLayout... members) {
            structs.put(name, MemoryLayout.structLayout(members).withName(name));
            return this;
        }

        Builder struct(GroupLayout layout) {
            structs.put(layout.name().orElseThrow(), layout);
            return this;
        }

        PlatformTable build() {
            return new PlatformTable(this);
        }
    }
}
