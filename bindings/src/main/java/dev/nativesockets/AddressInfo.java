package dev.nativesockets;

import dev.nativesockets.libc.Addrinfo;
import dev.nativesockets.libc.Constants;
import dev.nativesockets.libc.LibC;
import dev.nativesockets.libc.SockaddrIn;
import dev.nativesockets.libc.SockaddrIn6;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One result of {@code getaddrinfo(3)}: family, socket type, protocol, address and (with
 * {@link Flag#CANONNAME}) the canonical name. PHP's {@code socket_addrinfo_lookup}
 * ({@link #lookup}), {@code socket_addrinfo_bind} ({@link #bind()}), {@code socket_addrinfo_connect}
 * ({@link #connect()}) and {@code socket_addrinfo_explain} ({@link #explain()}); the reverse,
 * {@code getnameinfo(3)}, is {@link #nameInfo}.
 *
 * <p>Failures are {@link AddressInfoException}s named by their {@code EAI_*} symbol. Resolution
 * blocks (files, DNS, …) as the C library decides; it is never linked critical.
 */
public final class AddressInfo {
    /** Results past this many are ignored (a resolver gives a handful). */
    private static final int MAX_RESULTS = 1024;
    private static final int ADDR_MAX = Scratch.ADDR_SIZE;

    /** {@code AI_*} flags of {@code struct addrinfo}'s {@code ai_flags}, as the platform numbers them. */
    public enum Flag {
        /** {@code AI_PASSIVE}: a null host means the wildcard address, for binding. */
        PASSIVE(Constants.AI_PASSIVE),
        /** {@code AI_CANONNAME}: report the canonical name in the first result. */
        CANONNAME(Constants.AI_CANONNAME),
        /** {@code AI_NUMERICHOST}: the host must be a numeric address; no name lookup. */
        NUMERICHOST(Constants.AI_NUMERICHOST),
        /** {@code AI_NUMERICSERV}: the service must be a port number; no services lookup. */
        NUMERICSERV(Constants.AI_NUMERICSERV),
        /** {@code AI_ADDRCONFIG}: only families the host has a (non-loopback) address of. */
        ADDRCONFIG(Constants.AI_ADDRCONFIG),
        /** {@code AI_V4MAPPED}: with AF_INET6 and no IPv6 result, IPv4 ones as {@code ::ffff:a.b.c.d}. */
        V4MAPPED(Constants.AI_V4MAPPED),
        /** {@code AI_ALL}: with V4MAPPED, both IPv6 and mapped IPv4 results. */
        ALL(Constants.AI_ALL);

        private final int value;

        Flag(int value) {
            this.value = value;
        }

        /** The platform's value. */
        public int value() {
            return value;
        }
    }

    /** {@code NI_*} flags of {@code getnameinfo(3)}, as the platform numbers them. */
    public enum NameFlag {
        /** {@code NI_NUMERICHOST}: the numeric address, no reverse lookup. */
        NUMERICHOST(Constants.NI_NUMERICHOST),
        /** {@code NI_NUMERICSERV}: the port number, no services lookup. */
        NUMERICSERV(Constants.NI_NUMERICSERV),
        /** {@code NI_NOFQDN}: only the host part of local names. */
        NOFQDN(Constants.NI_NOFQDN),
        /** {@code NI_NAMEREQD}: fail ({@code EAI_NONAME}) rather than give a numeric host. */
        NAMEREQD(Constants.NI_NAMEREQD),
        /** {@code NI_DGRAM}: the service is a datagram one (some ports differ). */
        DGRAM(Constants.NI_DGRAM);

        private final int value;

        NameFlag(int value) {
            this.value = value;
        }

        /** The platform's value. */
        public int value() {
            return value;
        }
    }

    /**
     * The {@code hints} argument: flags, and the family, socket type and protocol results must have
     * (0 / {@code AF_UNSPEC} for any). Immutable; the {@code with*} methods return changed copies.
     *
     * @param flags      {@code ai_flags}
     * @param family     {@code ai_family}: {@code AF_INET}, {@code AF_INET6} or {@code AF_UNSPEC} (0)
     * @param socketType {@code ai_socktype}: {@code SOCK_STREAM}, {@code SOCK_DGRAM}, … or 0
     * @param protocol   {@code ai_protocol}: {@code IPPROTO_TCP}, … or 0
     */
    public record Hints(Set<Flag> flags, int family, int socketType, int protocol) {
        public Hints {
            flags = flags == null || flags.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(flags));
        }

        /** No flags, any family, any type, any protocol. */
        public static Hints any() {
            return new Hints(Set.of(), Constants.AF_UNSPEC, 0, 0);
        }

        public Hints withFlags(Flag... flags) {
            EnumSet<Flag> s = EnumSet.noneOf(Flag.class);
            for (Flag f : Checks.requireArg(flags, "flags")) {
                s.add(Checks.requireArg(f, "flag"));
            }
            return new Hints(s, family, socketType, protocol);
        }

        public Hints withFamily(Domain domain) {
            return new Hints(flags, domain == null ? Constants.AF_UNSPEC : domain.value(), socketType, protocol);
        }

        public Hints withType(Type type) {
            return new Hints(flags, family, type == null ? 0 : type.value(), protocol);
        }

        public Hints withProtocol(int protocol) {
            return new Hints(flags, family, socketType, protocol);
        }

        int flagBits() {
            int v = 0;
            for (Flag f : flags) {
                if (f.value == Constants.UNSUPPORTED) {
                    throw new UnsupportedOperationException("AI_" + f + " is not available on this platform");
                }
                v |= f.value;
            }
            return v;
        }
    }

    /** What {@code getnameinfo(3)} gives: host and service as text. */
    public record NameInfo(String host, String service) {}

    private final int flags;
    private final int family;
    private final int socketType;
    private final int protocol;
    private final SockAddr sockAddr;
    private final SocketAddress address;
    private final String canonicalName;

    private AddressInfo(int flags, int family, int socketType, int protocol, SockAddr sockAddr, String canonicalName) {
        this.flags = flags;
        this.family = family;
        this.socketType = socketType;
        this.protocol = protocol;
        this.sockAddr = sockAddr;
        this.address = sockAddr == null ? null : sockAddr.toSocketAddress();
        this.canonicalName = canonicalName;
    }

    // ---- lookup ----------------------------------------------------------------------------------

    /** {@code getaddrinfo(host, service, NULL)}: the C library's default hints. */
    public static List<AddressInfo> lookup(String host, String service) throws AddressInfoException {
        return lookup(host, service, (Hints) null);
    }

    /**
     * {@code getaddrinfo(3)}: PHP's {@code socket_addrinfo_lookup}. Either {@code host} or
     * {@code service} may be {@code null}, not both.
     *
     * @param hints {@code null} for the C library's defaults
     * @throws AddressInfoException with the {@code EAI_*} name when resolution fails
     */
    public static List<AddressInfo> lookup(String host, String service, Hints hints) throws AddressInfoException {
        checkText(host, "host");
        checkText(service, "service");
        if (host == null && service == null) {
            throw new IllegalArgumentException("host and service are both null");
        }
        if (PlatformThreadOffload.applies()) {
            return PlatformThreadOffload.call(() -> resolve(host, service, hints)); // DNS can take seconds: keep the carrier free
        }
        return resolve(host, service, hints);
    }

    private static List<AddressInfo> resolve(String host, String service, Hints hints) throws AddressInfoException {
        int hintFlags = hints == null ? 0 : hints.flagBits();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment node = host == null ? MemorySegment.NULL : arena.allocateFrom(host);
            MemorySegment serv = service == null ? MemorySegment.NULL : arena.allocateFrom(service);
            MemorySegment h = MemorySegment.NULL;
            if (hints != null) {
                h = arena.allocate(Addrinfo.SIZE, 8);
                Addrinfo.AI_FLAGS.set(h, hintFlags);
                Addrinfo.AI_FAMILY.set(h, hints.family());
                Addrinfo.AI_SOCKTYPE.set(h, hints.socketType());
                Addrinfo.AI_PROTOCOL.set(h, hints.protocol());
            }
            MemorySegment res = arena.allocate(ValueLayout.ADDRESS);
            int rc;
            int errno;
            Scratch.enterCall(); // a virtual thread gives its lease back after, as after a call
            try {
                Scratch sc = Scratch.get();
                rc = LibC.getaddrinfo(sc.cs, node, serv, h, res);
                errno = rc == Constants.EAI_SYSTEM ? sc.errno() : 0;
            } finally {
                Scratch.exitCall();
            }
            if (rc != 0) {
                throw failure("getaddrinfo(" + host + ", " + service + ")", rc, errno);
            }
            MemorySegment first = res.get(ValueLayout.ADDRESS, 0);
            try {
                return read(first);
            } finally {
                LibC.freeaddrinfo(first);
            }
        }
    }

    /**
     * PHP's {@code socket_addrinfo_lookup($host, $service, $hints)} with its hints array: keys
     * {@code ai_flags}, {@code ai_family}, {@code ai_socktype}, {@code ai_protocol}, numbers as the
     * platform has them (e.g. {@code AddressInfo.Flag.PASSIVE.value()}, {@code Domain.INET.value()}).
     */
    public static List<AddressInfo> lookup(String host, String service, Map<String, ? extends Number> hints)
            throws AddressInfoException {
        Checks.requireArg(hints, "hints");
        int fl = 0;
        int fam = Constants.AF_UNSPEC;
        int type = 0;
        int proto = 0;
        for (Map.Entry<String, ? extends Number> e : hints.entrySet()) {
            int v = Checks.requireArg(e.getValue(), e.getKey()).intValue();
            switch (Checks.requireArg(e.getKey(), "hint name")) {
                case "ai_flags" -> fl = v;
                case "ai_family" -> fam = v;
                case "ai_socktype" -> type = v;
                case "ai_protocol" -> proto = v;
                default -> throw new IllegalArgumentException("unknown hint " + e.getKey()
                        + "; known: ai_flags, ai_family, ai_socktype, ai_protocol");
            }
        }
        EnumSet<Flag> set = EnumSet.noneOf(Flag.class);
        int rest = fl;
        for (Flag f : Flag.values()) {
            if (f.value != Constants.UNSUPPORTED && (fl & f.value) == f.value) {
                set.add(f);
                rest &= ~f.value;
            }
        }
        if (rest != 0) {
            throw new IllegalArgumentException("unknown ai_flags bits 0x" + Integer.toHexString(rest));
        }
        return lookup(host, service, new Hints(set, fam, type, proto));
    }

    private static void checkText(String s, String what) {
        if (s != null && s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(what + " contains a NUL character");
        }
    }

    private static AddressInfoException failure(String operation, int code, int errno) {
        MemorySegment text = LibC.gai_strerror(code);
        String t = text.equals(MemorySegment.NULL) ? "unknown error" : text.reinterpret(1024).getString(0);
        return new AddressInfoException(operation, code, t, errno);
    }

    private static List<AddressInfo> read(MemorySegment first) {
        List<AddressInfo> out = new ArrayList<>();
        MemorySegment p = first;
        while (!p.equals(MemorySegment.NULL) && out.size() < MAX_RESULTS) {
            MemorySegment ai = p.reinterpret(Addrinfo.SIZE);
            int len = Addrinfo.AI_ADDRLEN.getInt(ai);
            MemorySegment sa = Addrinfo.AI_ADDR.getAddress(ai);
            SockAddr addr = null;
            if (!sa.equals(MemorySegment.NULL) && len >= Addresses.FAMILY_END && len <= ADDR_MAX) {
                addr = SockAddr.fromSegment(sa.reinterpret(len), len);
            }
            MemorySegment cn = Addrinfo.AI_CANONNAME.getAddress(ai);
            String canon = cn.equals(MemorySegment.NULL) ? null : cn.reinterpret(Constants.NI_MAXHOST).getString(0);
            out.add(new AddressInfo(Addrinfo.AI_FLAGS.getInt(ai), Addrinfo.AI_FAMILY.getInt(ai),
                    Addrinfo.AI_SOCKTYPE.getInt(ai), Addrinfo.AI_PROTOCOL.getInt(ai), addr, canon));
            p = Addrinfo.AI_NEXT.getAddress(ai);
        }
        return Collections.unmodifiableList(out);
    }

    // ---- reverse -------------------------------------------------------------------------------

    /**
     * {@code getnameinfo(3)}: the host and service names of an address.
     *
     * @throws AddressInfoException e.g. {@code EAI_NONAME} with {@link NameFlag#NAMEREQD} and no name
     */
    public static NameInfo nameInfo(SocketAddress address, NameFlag... flags) throws AddressInfoException {
        Checks.requireArg(address, "address");
        int fl = 0;
        for (NameFlag f : Checks.requireArg(flags, "flags")) {
            fl |= Checks.requireArg(f, "flag").value;
        }
        int nameFlags = fl;
        if (PlatformThreadOffload.applies()) {
            return PlatformThreadOffload.call(() -> reverse(address, nameFlags)); // a reverse lookup can take seconds
        }
        return reverse(address, nameFlags);
    }

    private static NameInfo reverse(SocketAddress address, int fl) throws AddressInfoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sa = arena.allocate(ADDR_MAX, 8);
            int len = Addresses.encode(address, sa, -1);
            MemorySegment host = arena.allocate(Constants.NI_MAXHOST);
            MemorySegment serv = arena.allocate(Constants.NI_MAXSERV);
            int rc;
            int errno;
            Scratch.enterCall(); // see resolve
            try {
                Scratch sc = Scratch.get();
                rc = LibC.getnameinfo(sc.cs, sa, len, host, Constants.NI_MAXHOST, serv, Constants.NI_MAXSERV, fl);
                errno = rc == Constants.EAI_SYSTEM ? sc.errno() : 0;
            } finally {
                Scratch.exitCall();
            }
            if (rc != 0) {
                throw failure("getnameinfo(" + address + ")", rc, errno);
            }
            return new NameInfo(host.getString(0), serv.getString(0));
        }
    }

    // ---- the result ------------------------------------------------------------------------------

    /** {@code ai_flags} of this result. */
    public int flags() {
        return flags;
    }

    /** {@code ai_family}: the {@code AF_*} value. */
    public int family() {
        return family;
    }

    /** The family as a {@link Domain}, or {@code null} for one this library has none for. */
    public Domain domain() {
        return Domain.of(family);
    }

    /** {@code ai_socktype}. */
    public int socketType() {
        return socketType;
    }

    /** The socket type as a {@link Type}, or {@code null}. */
    public Type type() {
        return Type.of(socketType);
    }

    /** {@code ai_protocol}. */
    public int protocol() {
        return protocol;
    }

    /** {@code ai_addr} as a JDK address where one fits ({@link InetSocketAddress}), else a {@link SockAddr}. */
    public SocketAddress address() {
        return address;
    }

    /** {@code ai_addr} exactly as the resolver gave it. */
    public SockAddr sockAddr() {
        return sockAddr;
    }

    /** {@code ai_canonname}, or {@code null} (only the first result of a CANONNAME lookup has one). */
    public String canonicalName() {
        return canonicalName;
    }

    /**
     * PHP's {@code socket_addrinfo_bind}: a socket of this result's family, type and protocol,
     * bound to its address (no {@code SO_REUSEADDR}, no listen).
     */
    public Socket bind() throws IOException {
        Socket s = open();
        try {
            s.bind(requireAddress());
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** PHP's {@code socket_addrinfo_connect}: a socket of this result's kind, connected to its address. */
    public Socket connect() throws IOException {
        Socket s = open();
        try {
            s.connect(requireAddress());
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private Socket open() throws IOException {
        Domain d = domain();
        Type t = type();
        if (d == null || t == null) {
            throw new UnsupportedOperationException("cannot open a socket of family " + family + ", type " + socketType);
        }
        return Socket.open(d, t, protocol);
    }

    private SocketAddress requireAddress() {
        if (sockAddr == null) {
            throw new IllegalStateException("this result carries no address");
        }
        return sockAddr;
    }

    /**
     * PHP's {@code socket_addrinfo_explain}: {@code ai_flags}, {@code ai_family}, {@code ai_socktype},
     * {@code ai_protocol}, {@code ai_canonname} (when present) and {@code ai_addr} — a map of
     * {@code sin_port}/{@code sin_addr}, {@code sin6_port}/{@code sin6_addr} or {@code sun_path}
     * with addresses as {@code inet_ntop(3)} writes them.
     */
    public Map<String, Object> explain() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ai_flags", flags);
        m.put("ai_family", family);
        m.put("ai_socktype", socketType);
        m.put("ai_protocol", protocol);
        if (canonicalName != null) {
            m.put("ai_canonname", canonicalName);
        }
        Map<String, Object> a = new LinkedHashMap<>();
        if (sockAddr != null) {
            byte[] raw = sockAddr.bytes();
            MemorySegment seg = MemorySegment.ofArray(raw);
            if (family == Constants.AF_INET && raw.length >= SockaddrIn.SIZE) {
                a.put("sin_port", Short.toUnsignedInt(Short.reverseBytes((short) SockaddrIn.SIN_PORT.get(seg))));
                a.put("sin_addr", ntop(Constants.AF_INET, SockaddrIn.SIN_ADDR.slice(seg, 4)));
            } else if (family == Constants.AF_INET6 && raw.length >= SockaddrIn6.SIZE) {
                a.put("sin6_port", Short.toUnsignedInt(Short.reverseBytes((short) SockaddrIn6.SIN6_PORT.get(seg))));
                a.put("sin6_addr", ntop(Constants.AF_INET6, SockaddrIn6.SIN6_ADDR.slice(seg, 16)));
            } else if (address instanceof UnixDomainSocketAddress u) {
                a.put("sun_path", u.getPath().toString());
            }
        }
        m.put("ai_addr", Collections.unmodifiableMap(a));
        return Collections.unmodifiableMap(m);
    }

    private static String ntop(int af, MemorySegment raw) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment src = arena.allocate(16);
            MemorySegment.copy(raw, 0, src, 0, raw.byteSize());
            MemorySegment dst = arena.allocate(Constants.INET6_ADDRSTRLEN);
            MemorySegment r = LibC.inet_ntop(Scratch.get().cs, af, src, dst, Constants.INET6_ADDRSTRLEN);
            if (r.equals(MemorySegment.NULL)) {
                throw new IllegalStateException("inet_ntop failed: " + Errno.name(Scratch.get().errno()));
            }
            return dst.getString(0);
        }
    }

    @Override
    public String toString() {
        return "AddressInfo" + explain();
    }
}
