package dev.nativesockets;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code struct msghdr} for {@link Socket#sendMsg sendmsg(2)}, {@link Socket#recvMsg recvmsg(2)}
 * and the batch calls {@link Socket#sendMmsg sendmmsg(2)}/{@link Socket#recvMmsg recvmmsg(2)}:
 * PHP's {@code socket_sendmsg}/{@code socket_recvmsg} message array, as a reusable object.
 *
 * <ul>
 *   <li><b>data</b> — the {@code msg_iov} buffers: native segments ({@link #data(MemorySegment...)}),
 *       direct {@link ByteBuffer}s, or an {@link IoVector}; at most {@value IoVector#IOV_MAX}.</li>
 *   <li><b>address</b> — {@code msg_name}: where to send (unconnected sockets), and after a receive
 *       the sender. Kept as raw bytes and decoded only when asked, so an echo server that replies
 *       with the same {@code Message} decodes nothing.</li>
 *   <li><b>control</b> — outgoing control messages ({@link #control(ControlMessage...)}); received
 *       ones go into the {@link #controlBuffer control buffer} and are read with {@link #received()}.</li>
 *   <li><b>results</b> — {@link #length()} (bytes moved; with {@link MsgFlags#TRUNC} on receive, the
 *       datagram's real size) and {@link #flags()} ({@code msg_flags}: {@link MsgFlags#TRUNC},
 *       {@link MsgFlags#CTRUNC}, {@link MsgFlags#EOR}, {@link MsgFlags#OOB}).</li>
 * </ul>
 *
 * <p>Receiving with native buffers allocates nothing unless control messages arrive: descriptors
 * ({@code SCM_RIGHTS}) are taken into owned {@link Fd}s as soon as the call returns — even with
 * {@code MSG_CTRUNC}, every one that arrived — and the other kinds are decoded on the first call
 * to {@link #received()}. Buffers are checked (native, alive, writable for receiving) at each call.
 *
 * <p>Not thread-safe: one call at a time per {@code Message}. Misuse from several threads can give
 * wrong data, never a leaked or double-released descriptor: a send holds the descriptors of the
 * control messages it read, and releases exactly those. Closing the arena of a buffer while a call
 * uses it fails (see {@link Socket}, "Memory the kernel reaches through a structure").
 */
public final class Message {
    private static final MemorySegment[] NONE = new MemorySegment[0];

    /** The number of the last batch call that checked this message (duplicate detection in O(n)). */
    long batchStamp;

    // data
    private MemorySegment[] segments = NONE;
    private int segmentCount;
    private IoVector vector;

    // name
    private SocketAddress address;
    private final byte[] name = new byte[Scratch.ADDR_SIZE];
    private int nameLength;
    /** Whether {@link #name} holds the current address (after a receive, until replaced). */
    private boolean rawName;
    /** Whether {@link #address} holds {@link #name} decoded. */
    private boolean decoded;

    // control
    private List<ControlMessage> control = List.of();
    private MemorySegment controlBuffer;
    private Arena ownArena;

    // results
    private long length;
    private int flags;
    private int controlLength;
    private List<ControlMessage.Rights> rights = List.of();
    private List<ControlMessage> received;

    /** An empty message: no data, no address, no control. */
    public Message() {}

    /** A message over these native segments. */
    public static Message of(MemorySegment... data) {
        return new Message().data(data);
    }

    /**
     * A message with its own buffers: one data buffer of {@code dataCapacity} bytes and a control
     * buffer of {@code controlCapacity} bytes (see {@link ControlMessage#space}), freed when the
     * message becomes unreachable.
     */
    public static Message allocate(int dataCapacity, int controlCapacity) {
        if (dataCapacity < 0) {
            throw new IllegalArgumentException("data capacity must not be negative: " + dataCapacity);
        }
        Message m = new Message();
        m.ownArena = Arena.ofAuto();
        m.data(m.ownArena.allocate(Math.max(1, dataCapacity), 8).asSlice(0, dataCapacity));
        return m.controlCapacity(controlCapacity);
    }

    // ---- data --------------------------------------------------------------------------------

    /** The data buffers, in order (replaces any set before). */
    public Message data(MemorySegment... buffers) {
        Checks.requireArg(buffers, "buffers");
        if (buffers.length > IoVector.IOV_MAX) {
            throw new IllegalArgumentException("at most " + IoVector.IOV_MAX + " buffers, not " + buffers.length);
        }
        for (MemorySegment b : buffers) {
            Checks.checkFrom(b);
        }
        if (segments.length < buffers.length) {
            segments = new MemorySegment[buffers.length];
        }
        System.arraycopy(buffers, 0, segments, 0, buffers.length);
        for (int i = buffers.length; i < segmentCount; i++) {
            segments[i] = null;
        }
        segmentCount = buffers.length;
        vector = null;
        return this;
    }

    /** The buffers of {@code vector}, as they are at each call. */
    public Message data(IoVector vector) {
        Checks.requireArg(vector, "vector");
        data(NONE);
        this.vector = vector;
        return this;
    }

    /**
     * Direct buffers, each from its position to its limit as they are now. Positions are not advanced; see
     * {@link #length()}. Heap buffers are refused (the kernel needs native memory); use
     * {@link Socket#readv(ByteBuffer...)}/{@link Socket#writev(ByteBuffer...)} for those.
     */
    public Message data(ByteBuffer... buffers) {
        Checks.requireArg(buffers, "buffers");
        MemorySegment[] segs = new MemorySegment[buffers.length];
        for (int i = 0; i < buffers.length; i++) {
            ByteBuffer b = Checks.requireArg(buffers[i], "buffer");
            if (!b.isDirect()) {
                throw new IllegalArgumentException("heap ByteBuffer: use a direct buffer (ByteBuffer.allocateDirect)");
            }
            segs[i] = MemorySegment.ofBuffer(b);
        }
        return data(segs);
    }

    /** The data buffers (a copy of the list; for an {@link IoVector}, its current buffers). */
    public List<MemorySegment> data() {
        if (vector != null) {
            List<MemorySegment> l = new ArrayList<>();
            for (int i = 0; i < vector.count(); i++) {
                l.add(vector.get(i));
            }
            return l;
        }
        return List.of(java.util.Arrays.copyOf(segments, segmentCount));
    }

    /** The received bytes gathered from the data buffers: {@code min(length(), capacity)} of them. */
    public byte[] toByteArray() {
        List<MemorySegment> bufs = data();
        long cap = 0;
        for (MemorySegment s : bufs) {
            cap += s.byteSize();
        }
        int n = (int) Math.min(Math.max(length, 0), Math.min(cap, Integer.MAX_VALUE - 8));
        byte[] out = new byte[n];
        int off = 0;
        for (int i = 0; i < bufs.size() && off < n; i++) {
            int k = (int) Math.min(bufs.get(i).byteSize(), n - off);
            MemorySegment.copy(bufs.get(i), ValueLayout.JAVA_BYTE, 0, out, off, k);
            off += k;
        }
        return out;
    }

    // ---- address -----------------------------------------------------------------------------

    /** Where to send ({@code msg_name}); {@code null} for connected sockets. */
    public Message address(SocketAddress to) {
        if (to != null) {
            Addresses.familyOf(to); // rejects address types this library cannot encode
        }
        this.address = to;
        this.rawName = false;
        this.decoded = false;
        return this;
    }

    /**
     * The address: as set, or after a receive the sender's ({@code null} when the kernel reported
     * none, e.g. on connected streams).
     */
    public SocketAddress address() {
        if (rawName && !decoded) {
            address = nameLength == 0 ? null : Addresses.decode(MemorySegment.ofArray(name), nameLength, false);
            decoded = true;
        }
        return address;
    }

    /** After a receive, the sender exactly as the kernel gave it; {@code null} if none. */
    public SockAddr sockAddr() {
        if (rawName) {
            return nameLength < Addresses.FAMILY_END ? null : SockAddr.fromBytes(java.util.Arrays.copyOf(name, nameLength));
        }
        return address == null ? null : SockAddr.of(address);
    }

    // ---- control -----------------------------------------------------------------------------

    /** Control messages to send (replaces any set before); none by default. */
    public Message control(ControlMessage... messages) {
        Checks.requireArg(messages, "control messages");
        return control(java.util.Arrays.asList(messages));
    }

    /** Control messages to send (replaces any set before). */
    public Message control(List<ControlMessage> messages) {
        Checks.requireArg(messages, "control messages");
        for (ControlMessage m : messages) {
            Checks.requireArg(m, "control message");
        }
        List<ControlMessage> copy = List.copyOf(messages);
        ControlMessages.totalSpace(copy); // checks sizes now; values are checked again at send
        this.control = copy;
        return this;
    }

    /** The control messages set to send. */
    public List<ControlMessage> control() {
        return control;
    }

    /**
     * The native buffer received control messages go into ({@code msg_control}); size it with
     * {@link ControlMessage#space}/{@link ControlMessage#cmsgSpace}. {@code null} for none: then any
     * control data that arrives is cut ({@link MsgFlags#CTRUNC}) and descriptors are dropped by the kernel.
     */
    public Message controlBuffer(MemorySegment buffer) {
        if (buffer != null) {
            Checks.checkInto(buffer);
            if (buffer.byteSize() > Cmsg.MAX_CONTROL) {
                buffer = buffer.asSlice(0, Cmsg.MAX_CONTROL);
            }
        }
        this.controlBuffer = buffer;
        return this;
    }

    /** A control buffer of {@code bytes} owned by this message (kept while large enough). */
    public Message controlCapacity(int bytes) {
        if (bytes < 0 || bytes > Cmsg.MAX_CONTROL) {
            throw new IllegalArgumentException("control capacity must be in 0.." + Cmsg.MAX_CONTROL + ": " + bytes);
        }
        if (bytes == 0) {
            controlBuffer = null;
            return this;
        }
        if (ownArena == null) {
            ownArena = Arena.ofAuto();
        }
        controlBuffer = ownArena.allocate(bytes, 8);
        return this;
    }

    /** The receive control buffer, or {@code null}. */
    public MemorySegment controlBuffer() {
        return controlBuffer;
    }

    /**
     * The control messages the last receive brought, decoded (once) from the control buffer —
     * so call it before that buffer is used for another receive. {@code SCM_RIGHTS} entries are
     * the owned {@link ControlMessage.Rights} objects, taken when the receive returned.
     */
    public List<ControlMessage> received() {
        if (received == null) {
            received = controlLength == 0 || controlBuffer == null
                    ? List.of()
                    : ControlMessages.parse(controlBuffer, controlLength, rights);
        }
        return received;
    }

    /** The first received control message of {@code kind}, or {@code null}. */
    public <T extends ControlMessage> T received(Class<T> kind) {
        Checks.requireArg(kind, "kind");
        for (ControlMessage m : received()) {
            if (kind.isInstance(m)) {
                return kind.cast(m);
            }
        }
        return null;
    }

    /** The descriptors the last receive brought, all {@code SCM_RIGHTS} entries together, owned. */
    public List<Fd> receivedDescriptors() {
        if (rights.isEmpty()) {
            return List.of();
        }
        List<Fd> all = new ArrayList<>();
        for (ControlMessage.Rights r : rights) {
            all.addAll(r.descriptors());
        }
        return all;
    }

    /** How many control bytes the last receive brought ({@code msg_controllen} on return). */
    public int controlLength() {
        return controlLength;
    }

    // ---- results -----------------------------------------------------------------------------

    /** Bytes sent or received by the last call; {@link Socket#WOULD_BLOCK} if it would have blocked. */
    public long length() {
        return length;
    }

    /** {@code msg_flags} of the last receive. */
    public int flags() {
        return flags;
    }

    /** {@link MsgFlags#TRUNC} was reported: the datagram was longer than the buffers. */
    public boolean isTruncated() {
        return (flags & MsgFlags.TRUNC) != 0;
    }

    /** {@link MsgFlags#CTRUNC} was reported: control data was cut for lack of buffer room. */
    public boolean isControlTruncated() {
        return (flags & MsgFlags.CTRUNC) != 0;
    }

    @Override
    public String toString() {
        return "Message[length=" + length + ", flags=0x" + Integer.toHexString(flags) + ", buffers="
                + (vector != null ? vector.toString() : String.valueOf(segmentCount))
                + ", control=" + control.size() + ", controlLength=" + controlLength + "]";
    }

    // ---- for the message calls --------------------------------------------------------------------------

    int segmentCount() {
        return vector != null ? vector.count() : segmentCount;
    }

    /** Segment {@code i} at call time (vector resolved by the caller through {@link #vector()}). */
    MemorySegment segment(int i) {
        return segments[i];
    }

    IoVector vector() {
        return vector;
    }

    SocketAddress target() {
        return rawName ? null : address;
    }

    /** Whether the address is the raw name of the last receive, to send back as it came. */
    boolean hasRawName() {
        return rawName && nameLength > 0;
    }

    byte[] nameBytes() {
        return name;
    }

    int nameLength() {
        return nameLength;
    }

    MemorySegment receiveControl() {
        return controlBuffer;
    }

    void sent(long n) {
        length = n;
        flags = 0;
    }

    /** Records a receive: the name was copied into {@link #name} already. */
    void receivedResult(long n, int msgFlags, int nameLen, int controlLen, List<ControlMessage.Rights> r) {
        length = n;
        flags = msgFlags;
        nameLength = nameLen;
        rawName = true;
        decoded = false;
        address = null;
        controlLength = controlLen;
        rights = r;
        received = null;
    }

    void wouldBlock() {
        length = Socket.WOULD_BLOCK;
        flags = 0;
        controlLength = 0;
        rights = List.of();
        received = null;
    }
}
