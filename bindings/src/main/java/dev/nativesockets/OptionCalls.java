package dev.nativesockets;

import dev.nativesockets.libc.Constants;
import dev.nativesockets.libc.LibC;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.SocketOption;
import java.net.StandardSocketOptions;

/**
 * {@code getsockopt(2)}/{@code setsockopt(2)} on a {@link Socket}: the typed forms through
 * {@link NativeOption}'s codec, the integer and raw-segment forms. Every set of a
 * {@code SOL_SOCKET} option tells {@link SocketWait}, whose cache of {@code SO_RCVTIMEO} and
 * {@code SO_SNDTIMEO} must follow the kernel's.
 */
final class OptionCalls {
    private OptionCalls() {}

    /** {@link Socket#setOption}. */
    static <T> void setOption(Socket so, SocketOption<T> option, T value) throws IOException {
        NativeOption<T> o = resolve(so.family(), option);
        so.waits().forgetTimeouts(o.level());
        if (!o.writable()) {
            throw new UnsupportedOperationException(o.name() + " is read-only");
        }
        if (value == null) {
            throw new IllegalArgumentException(o.name() + " value is null");
        }
        if (!o.type().isInstance(value)) {
            throw new IllegalArgumentException(o.name() + " takes " + o.type().getSimpleName() + ", got " + value.getClass().getSimpleName());
        }
        Scratch s = so.scratch();
        int len = o.codec().encode(value, s.value);
        int fd = so.acquire();
        try {
            if (LibC.setsockopt(s.cs, fd, o.level(), o.optname(), s.value, len) < 0) {
                throw so.fail("setsockopt(" + o.name() + ")", s.errno());
            }
        } finally {
            so.waits().timeoutsChanged(o.level());
            so.release();
        }
    }

    /** {@link Socket#getOption}. */
    static <T> T getOption(Socket so, SocketOption<T> option) throws IOException {
        NativeOption<T> o = resolve(so.family(), option);
        if (!o.readable()) {
            throw new UnsupportedOperationException(o.name() + " is write-only");
        }
        Scratch s = so.scratch();
        s.value.asSlice(0, o.codec().size()).fill((byte) 0);
        s.valueLen.set(ValueLayout.JAVA_INT, 0, o.codec().size());
        int fd = so.acquire();
        try {
            if (LibC.getsockopt(s.cs, fd, o.level(), o.optname(), s.value, s.valueLen) < 0) {
                throw so.fail("getsockopt(" + o.name() + ")", s.errno());
            }
            return o.codec().decode(s.value, s.valueLen.get(ValueLayout.JAVA_INT, 0));
        } finally {
            so.release();
        }
    }

    /** {@link Socket#getIntOption}. */
    static int getIntOption(Socket so, int level, int name) throws IOException {
        Scratch s = so.scratch();
        s.intOption.set(ValueLayout.JAVA_LONG, 0, Scratch.INT_OPTION_EMPTY);
        int fd = so.acquire();
        try {
            if (LibC.getsockopt(s.cs, fd, level, name, s.intOption, s.intOptionLen) < 0) {
                throw so.fail("getsockopt(" + level + ", " + name + ")", s.errno());
            }
            return s.intOption.get(ValueLayout.JAVA_INT, 0);
        } finally {
            so.release();
        }
    }

    /** {@link Socket#setIntOption}. */
    static void setIntOption(Socket so, int level, int name, int value) throws IOException {
        so.waits().forgetTimeouts(level);
        Scratch s = so.scratch();
        int fd = so.acquire();
        try {
            if (setIntRaw(s, fd, level, name, value) < 0) {
                throw so.fail("setsockopt(" + level + ", " + name + ")", s.errno());
            }
        } finally {
            so.waits().timeoutsChanged(level);
            so.release();
        }
    }

    /** {@link Socket#supportsOption}: whether {@link #resolve} finds it, with no system call. */
    static boolean supports(int family, SocketOption<?> option) {
        try {
            resolve(family, option);
            return true;
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** {@code setsockopt} of an int on a descriptor, the errno left in {@code s}; also for the setup of new sockets. */
    static int setIntRaw(Scratch s, int fd, int level, int name, int value) {
        s.putInt(s.value, value); // no segment VarHandle: Darwin calls this for every new socket
        return LibC.setsockopt(s.cs, fd, level, name, s.value, 4);
    }

    /** {@link Socket#getOption}. */
    static int getOption(Socket so, int level, int name, MemorySegment value) throws IOException {
        Checks.checkInto(value);
        if (value.byteSize() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("option buffer too large");
        }
        Scratch s = so.scratch();
        s.valueLen.set(ValueLayout.JAVA_INT, 0, (int) value.byteSize());
        int fd = so.acquire();
        try {
            if (LibC.getsockopt(s.cs, fd, level, name, value, s.valueLen) < 0) {
                throw so.fail("getsockopt(" + level + ", " + name + ")", s.errno());
            }
            return s.valueLen.get(ValueLayout.JAVA_INT, 0);
        } finally {
            so.release();
        }
    }

    /** {@link Socket#setOption}. */
    static void setOption(Socket so, int level, int name, MemorySegment value) throws IOException {
        so.waits().forgetTimeouts(level);
        Checks.checkFrom(value);
        if (value.byteSize() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("option value too large");
        }
        Scratch s = so.scratch();
        int fd = so.acquire();
        try {
            if (LibC.setsockopt(s.cs, fd, level, name, value, (int) value.byteSize()) < 0) {
                throw so.fail("setsockopt(" + level + ", " + name + ")", s.errno());
            }
        } finally {
            so.waits().timeoutsChanged(level);
            so.release();
        }
    }

    @SuppressWarnings("unchecked")
    static <T> NativeOption<T> resolve(int family, SocketOption<T> option) {
        if (option == null) {
            throw new IllegalArgumentException("option is null");
        }
        NativeOption<?> o;
        if (option instanceof NativeOption<?> n) {
            o = n;
        } else {
            boolean v6 = family == Constants.AF_INET6;
            if (option == StandardSocketOptions.SO_BROADCAST) o = NativeOptions.SO_BROADCAST;
            else if (option == StandardSocketOptions.SO_KEEPALIVE) o = NativeOptions.SO_KEEPALIVE;
            else if (option == StandardSocketOptions.SO_SNDBUF) o = NativeOptions.SO_SNDBUF;
            else if (option == StandardSocketOptions.SO_RCVBUF) o = NativeOptions.SO_RCVBUF;
            else if (option == StandardSocketOptions.SO_REUSEADDR) o = NativeOptions.SO_REUSEADDR;
            else if (option == StandardSocketOptions.SO_REUSEPORT) o = NativeOptions.SO_REUSEPORT;
            else if (option == StandardSocketOptions.SO_LINGER) o = NativeOptions.SO_LINGER;
            else if (option == StandardSocketOptions.TCP_NODELAY) o = NativeOptions.TCP_NODELAY;
            else if (option == StandardSocketOptions.IP_TOS) o = v6 ? NativeOptions.IPV6_TCLASS : NativeOptions.IP_TOS;
            else if (option == StandardSocketOptions.IP_MULTICAST_TTL) o = v6 ? NativeOptions.IPV6_MULTICAST_HOPS : NativeOptions.IP_MULTICAST_TTL;
            else if (option == StandardSocketOptions.IP_MULTICAST_LOOP) o = v6 ? NativeOptions.IPV6_MULTICAST_LOOP : NativeOptions.IP_MULTICAST_LOOP;
            else if (option == StandardSocketOptions.IP_MULTICAST_IF) o = v6 ? NativeOptions.IPV6_MULTICAST_IF : NativeOptions.IP_MULTICAST_IF;
            else {
                throw new IllegalArgumentException("unknown socket option " + option.name()
                        + "; use NativeOptions or the raw level/name forms");
            }
        }
        if (!o.isSupported()) {
            throw OptionCodec.unsupported(o);
        }
        return (NativeOption<T>) o;
    }
}
