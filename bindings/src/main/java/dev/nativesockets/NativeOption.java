package dev.nativesockets;

import dev.nativesockets.libc.Constants;
import dev.nativesockets.libc.Platform;
import java.net.SocketOption;

/**
 * A socket option as {@code getsockopt(2)}/{@code setsockopt(2)} know it: a level, a name, and
 * how the value is laid out. Instances are in {@link NativeOptions}; they are
 * {@link SocketOption}s, so they go where the JDK's do.
 *
 * @param <T> the Java type of the value
 */
public final class NativeOption<T> implements SocketOption<T> {
    private final String name;
    private final Class<T> type;
    private final int level;
    private final int optname;
    private final OptionCodec<T> codec;
    private final boolean readable;
    private final boolean writable;

    NativeOption(String name, Class<T> type, String level, String optname, OptionCodec<T> codec,
                 boolean readable, boolean writable) {
        this.name = name;
        this.type = type;
        var table = Platform.current().table();
        this.level = table.constantOr(level, Constants.UNSUPPORTED);
        this.optname = table.constantOr(optname, Constants.UNSUPPORTED);
        this.codec = codec;
        this.readable = readable;
        this.writable = writable;
    }

    @Override public String name() { return name; }

    @Override public Class<T> type() { return type; }

    /** The {@code level} argument on this platform. */
    public int level() { return level; }

    /** The {@code optname} argument on this platform. */
    public int optname() { return optname; }

    /** Whether the running platform has this option. */
    public boolean isSupported() {
        return level != Constants.UNSUPPORTED && optname != Constants.UNSUPPORTED;
    }

    boolean readable() { return readable; }

    boolean writable() { return writable; }

    OptionCodec<T> codec() { return codec; }

    @Override
    public String toString() {
        return name;
    }
}
