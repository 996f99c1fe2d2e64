package dev.nativesockets;

import dev.nativesockets.libc.Constants;
import dev.nativesockets.libc.Iovec;
import dev.nativesockets.libc.Mmsghdr;
import dev.nativesockets.libc.Msghdr;
import dev.nativesockets.libc.Platform;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A prepared batch for {@link Socket#sendMmsg(MessageBatch, int, int) sendmmsg(2)} and
 * {@link Socket#recvMmsg(MessageBatch, int, int, java.time.Duration) recvmmsg(2)} (Linux): the native
 * {@code struct mmsghdr} vector together with every message's data buffer, {@code iovec}, address
 * ({@code msg_name}) space and control ({@code msg_control}) space, laid out once in one native
 * allocation. A call only rewrites the few lengths that can change ({@code iov_len},
 * {@code msg_namelen}, {@code msg_controllen}) and clears the results, so a batch reused call after
 * call costs the library no more than a hand-prepared vector and allocates nothing.
 *
 * <p>Message {@code i} ({@code 0 <= i < size()}) has:
 * <ul>
 *   <li><b>data</b> — {@link #data(int)}, a buffer of {@link #dataCapacity()} bytes. A send takes
 *       its first {@link #sendLength(int)} bytes (all of it unless set); a receive may fill all of it.</li>
 *   <li><b>address</b> — where a send goes ({@link #address(int, SocketAddress)}; none for connected
 *       sockets), and after a receive the sender ({@link #address(int)}), kept as the kernel's raw
 *       bytes: sending the batch back after a receive replies to every sender without decoding
 *       anything. {@link #receiveAddresses(boolean) receiveAddresses(false)} leaves {@code msg_name}
 *       out of receives (connected sockets know their peer; the kernel then skips the copy).</li>
 *   <li><b>control</b> — outgoing control messages ({@link #control(int, ControlMessage...)}),
 *       encoded into the message's control space at each send (descriptors in {@code SCM_RIGHTS}
 *       are held open for the call, as {@link Socket#sendMsg} does); received ones land in the same
 *       space ({@link #controlCapacity()} bytes) and are read with {@link #received(int)}.
 *       Received descriptors are owned {@link Fd}s as soon as the call returns.</li>
 *   <li><b>results</b> — {@link #length(int)} ({@code msg_len}) and {@link #flags(int)}
 *       ({@code msg_flags}: {@link MsgFlags#TRUNC}, {@link MsgFlags#CTRUNC}) of the last call that
 *       covered the message; 0 for messages that call did not transfer. Read from the vector, no
 *       allocation.</li>
 * </ul>
 *
 * <p>Thread safety: none. One thread at a time uses a batch, and a batch is in at most one call at
 * a time; reading results while another thread runs a call on the batch gives torn values. Misuse
 * can garble a batch's contents but not reach memory outside it: every pointer in the vector is
 * fixed at allocation and every length is bounded by its slot, and the descriptors a send carries
 * are held and released exactly as that send read them, whatever another thread changes meanwhile.
 * The memory belongs to the arena given to {@link #allocate(Arena, int, int, int)} (the kernel call
 * holds that arena open for its duration, so a shared arena cannot be closed under it; received
 * control data is staged through the calling thread's memory, so descriptors are adopted even if
 * the arena is closed the moment the call returns) or, for {@link #allocate(int, int, int)}, is
 * freed once the batch and every {@link #data(int)} segment are unreachable.
 *
 * <p>Linux only: {@code sendmmsg}/{@code recvmmsg} and {@code struct mmsghdr} do not exist on
 * Darwin, where {@code allocate} throws {@link UnsupportedOperationException}; loop over
 * {@link Socket#sendMsg}/{@link Socket#recvMsg} there.
 */
public final class MessageBatch {
    private static final boolean LINUX = Platform.current().isLinux();
    private static final int ADDR = Scratch.ADDR_SIZE;
    private static final long ENTRY = Mmsghdr.SIZE;
    private static final long HDR = Mmsghdr.MSG_HDR.offset();
    private static final long NAME = HDR + Msghdr.MSG_NAME.offset();
    private static final long CONTROL = HDR + Msghdr.MSG_CONTROL.offset();
    /** msg_flags bits that echo input flags rather than report anything. */
    private static final int FLAGS_OUT_MASK = LINUX ? ~Constants.MSG_CMSG_CLOEXEC : ~0;

    private final int size;
    private final int dataCapacity;
    private final int controlCapacity;
    /** The mmsghdr vector; every other region lives in the same allocation (same arena, same scope). */
    final MemorySegment vec;
    private final MemorySegment iov;
    private final MemorySegment[] data;
    private final MemorySegment[] names;
    private final MemorySegment[] controls;
    /** {@code vec} from entry {@code i} on, made on first use: a call on a tail allocates nothing. */
    private final MemorySegment[] tails;

    private final int[] sendLength;
    /** Valid bytes in each name slot; 0 for none. */
    private final int[] nameLength;
    /** The address set by {@link #address(int, SocketAddress)}; {@code null} for none or a received name. */
    private final SocketAddress[] target;
    /** The socket family the target was last encoded for (0: not encoded). */
    private final int[] encodedFor;
    /** Decoded received addresses, filled on demand. */
    private final SocketAddress[] decoded;
    private final List<ControlMessage>[] control;
    /** How many messages have outgoing control messages: with none, a send skips that work. */
    private int withControl;
    private final int[] controlLength;
    private final List<ControlMessage.Rights>[] rights;
    private final List<ControlMessage>[] received;
    private boolean receiveAddresses = true;
    /** The calling thread's control staging between {@link #prepareReceive} and {@link #takeReceived}. */
    private MemorySegment staged;

    @SuppressWarnings("unchecked")
    private MessageBatch(Arena arena, int size, int dataCapacity, int controlCapacity) {
        this.size = size;
        this.dataCapacity = dataCapacity;
        this.controlCapacity = controlCapacity;
        long dataStride = align(dataCapacity, 8);
        long controlStride = align(controlCapacity, 8);
        long vecBytes = size * ENTRY;
        long iovBytes = size * Iovec.SIZE;
        long nameBytes = (long) size * ADDR;
        long controlBytes = size * controlStride;
        long dataAt = align(vecBytes + iovBytes + nameBytes + controlBytes, 64);
        MemorySegment all = arena.allocate(Math.max(1, dataAt + size * dataStride), 64);
        vec = all.asSlice(0, vecBytes);
        iov = all.asSlice(vecBytes, iovBytes);
        data = new MemorySegment[size];
        names = new MemorySegment[size];
        controls = new MemorySegment[size];
        tails = new MemorySegment[size];
        for (int i = 0; i < size; i++) {
            data[i] = all.asSlice(dataAt + i * dataStride, dataCapacity);
            names[i] = all.asSlice(vecBytes + iovBytes + (long) i * ADDR, ADDR);
            controls[i] = controlCapacity == 0 ? MemorySegment.NULL
                    : all.asSlice(vecBytes + iovBytes + nameBytes + i * controlStride, controlCapacity);
            long io = i * Iovec.SIZE;
            iov.set(ValueLayout.ADDRESS, io + Iovec.IOV_BASE.offset(), data[i]);
            Iovec.IOV_LEN.set(iov, io, dataCapacity);
            long e = i * ENTRY + HDR;
            vec.set(ValueLayout.ADDRESS, e + Msghdr.MSG_NAME.offset(), names[i]);
            vec.set(ValueLayout.ADDRESS, e + Msghdr.MSG_IOV.offset(), iov.asSlice(io, Iovec.SIZE));
            Msghdr.MSG_IOVLEN.set(vec, e, 1);
            vec.set(ValueLayout.ADDRESS, e + Msghdr.MSG_CONTROL.offset(), controls[i]);
        }
        tails[0] = vec;
        sendLength = new int[size];
        Arrays.fill(sendLength, dataCapacity);
        nameLength = new int[size];
        target = new SocketAddress[size];
        encodedFor = new int[size];
        decoded = new SocketAddress[size];
        control = new List[size];
        Arrays.fill(control, List.of());
        controlLength = new int[size];
        rights = new List[size];
        Arrays.fill(rights, List.of());
        received = new List[size];
    }

    /**
     * A batch of {@code messages} messages, each with a data buffer of {@code dataCapacity} bytes and
     * a control space of {@code controlCapacity} bytes (0 for none; size it with
     * {@link ControlMessage#space}), in memory freed once the batch is unreachable.
     *
     * @param messages 1 to 1024 ({@code UIO_MAXIOV}, the most one {@code sendmmsg}/{@code recvmmsg} takes)
     * @throws UnsupportedOperationException on platforms without {@code sendmmsg}/{@code recvmmsg} (Darwin)
     */
    public static MessageBatch allocate(int messages, int dataCapacity, int controlCapacity) {
        return allocate(Arena.ofAuto(), messages, dataCapacity, controlCapacity);
    }

    /**
     * {@link #allocate(int, int, int)} in {@code arena}: the batch is usable until the arena closes
     * (then calls fail with {@link IllegalStateException}); a confined arena confines the batch to
     * its thread.
     */
    public static MessageBatch allocate(Arena arena, int messages, int dataCapacity, int controlCapacity) {
        if (!LINUX) {
            throw new UnsupportedOperationException("sendmmsg/recvmmsg are Linux-only; loop over sendMsg/recvMsg on "
                    + Platform.current());
        }
        Checks.requireArg(arena, "arena");
        if (messages < 1 || messages > MessageStaging.MAX_MMSG) {
            throw new IllegalArgumentException("a batch holds 1 to " + MessageStaging.MAX_MMSG + " messages, not " + messages);
        }
        if (dataCapacity < 0) {
            throw new IllegalArgumentException("data capacity must not be negative: " + dataCapacity);
        }
        if (controlCapacity < 0 || controlCapacity > Cmsg.MAX_CONTROL) {
            throw new IllegalArgumentException("control capacity must be in 0.." + Cmsg.MAX_CONTROL + ": " + controlCapacity);
        }
        return new MessageBatch(arena, messages, dataCapacity, controlCapacity);
    }

    // ---- shape -------------------------------------------------------------------------------

    /** How many messages the batch holds. */
    public int size() {
        return size;
    }

    /** The bytes of each message's data buffer. */
    public int dataCapacity() {
        return dataCapacity;
    }

    /** The bytes of each message's control space (0: none). */
    public int controlCapacity() {
        return controlCapacity;
    }

    // ---- data --------------------------------------------------------------------------------

    /**
     * Message {@code i}'s data buffer, all {@link #dataCapacity()} bytes of it: write what to send
     * here, read what was received ({@code min(length(i), dataCapacity())} bytes). The same
     * segment every time; valid as long as the batch's memory.
     */
    public MemorySegment data(int i) {
        return data[index(i)];
    }

    /** How many bytes of {@link #data(int)} a send of message {@code i} takes ({@code iov_len}); 0 to {@link #dataCapacity()}. */
    public MessageBatch sendLength(int i, int bytes) {
        index(i);
        if (bytes < 0 || bytes > dataCapacity) {
            throw new IllegalArgumentException("send length must be in 0.." + dataCapacity + ": " + bytes);
        }
        sendLength[i] = bytes;
        return this;
    }

    /** The bytes a send of message {@code i} takes; {@link #dataCapacity()} unless set. */
    public int sendLength(int i) {
        return sendLength[index(i)];
    }

    // ---- addresses ---------------------------------------------------------------------------

    /**
     * Where a send of message {@code i} goes ({@code msg_name}); {@code null} for none (connected
     * sockets). Checked and encoded now; an IPv4 address sent from an IPv6 socket is re-encoded
     * as {@code ::ffff:a.b.c.d} at that send.
     */
    public MessageBatch address(int i, SocketAddress to) {
        index(i);
        if (to == null) {
            target[i] = null;
            nameLength[i] = 0;
            encodedFor[i] = 0;
        } else {
            int fam = Addresses.familyOf(to); // rejects address types this library cannot encode
            int len = Addresses.encode(to, names[i], fam);
            target[i] = to;
            nameLength[i] = len;
            encodedFor[i] = fam;
        }
        decoded[i] = null;
        return this;
    }

    /**
     * Message {@code i}'s address: as set, or after a receive that asked for addresses the sender's
     * (an {@link java.net.InetSocketAddress}, {@link java.net.UnixDomainSocketAddress} or, for
     * abstract names, {@link SockAddr}); {@code null} when there is none (an unnamed Unix sender).
     * Decoding a received address allocates, once per receive.
     */
    public SocketAddress address(int i) {
        index(i);
        if (target[i] != null) {
            return target[i];
        }
        if (decoded[i] == null && nameLength[i] > 0) {
            decoded[i] = Addresses.decode(names[i], nameLength[i], false);
        }
        return decoded[i];
    }

    /**
     * Whether receives ask for each sender's address ({@code msg_name}); on by default. Off, the
     * kernel skips copying the address out — a few percent of a small datagram's cost — and
     * receives leave the messages' addresses as they were. For connected sockets.
     */
    public MessageBatch receiveAddresses(boolean on) {
        receiveAddresses = on;
        return this;
    }

    /** Whether receives ask for senders' addresses. */
    public boolean receiveAddresses() {
        return receiveAddresses;
    }

    // ---- control -----------------------------------------------------------------------------

    /**
     * Control messages to send with message {@code i} (replaces any set before; none clears them).
     * They must fit its control space.
     */
    public MessageBatch control(int i, ControlMessage... messages) {
        index(i);
        Checks.requireArg(messages, "control messages");
        for (ControlMessage m : messages) {
            Checks.requireArg(m, "control message");
        }
        List<ControlMessage> copy = List.of(messages);
        int space = ControlMessages.totalSpace(copy); // checks sizes now; values are checked again at send
        if (space > controlCapacity) {
            throw new IllegalArgumentException("control messages take " + space + " bytes; the batch has "
                    + controlCapacity + " per message");
        }
        withControl += (copy.isEmpty() ? 0 : 1) - (control[i].isEmpty() ? 0 : 1);
        control[i] = copy;
        return this;
    }

    /** The control messages set to send with message {@code i}. */
    public List<ControlMessage> control(int i) {
        return control[index(i)];
    }

    /**
     * Message {@code i}'s control space: where its received control messages are (the first
     * {@link #controlLength(int)} bytes) and its outgoing ones are encoded at each send.
     * {@link MemorySegment#NULL} when the batch has none.
     */
    public MemorySegment controlBuffer(int i) {
        return controls[index(i)];
    }

    /**
     * The control messages the last receive brought with message {@code i}, decoded (once) from
     * its control space — so call it before the next call on the batch uses that space (a send of
     * message {@code i} with control messages of its own overwrites it). {@code SCM_RIGHTS}
     * entries are the owned {@link ControlMessage.Rights} taken when the receive returned.
     */
    public List<ControlMessage> received(int i) {
        index(i);
        if (received[i] == null) {
            received[i] = controlLength[i] == 0 ? List.of() : ControlMessages.parse(controls[i], controlLength[i], rights[i]);
        }
        return received[i];
    }

    /** The first control message of {@code kind} the last receive brought with message {@code i}, or {@code null}. */
    public <T extends ControlMessage> T received(int i, Class<T> kind) {
        Checks.requireArg(kind, "kind");
        for (ControlMessage m : received(i)) {
            if (kind.isInstance(m)) {
                return kind.cast(m);
            }
        }
        return null;
    }

    /** The descriptors the last receive brought with message {@code i}, all {@code SCM_RIGHTS} entries together, owned. */
    public List<Fd> receivedDescriptors(int i) {
        index(i);
        if (rights[i].isEmpty()) {
            return List.of();
        }
        List<Fd> all = new ArrayList<>();
        for (ControlMessage.Rights r : rights[i]) {
            all.addAll(r.descriptors());
        }
        return all;
    }

    /** How many control bytes the last receive brought with message {@code i} ({@code msg_controllen} on return). */
    public int controlLength(int i) {
        return controlLength[index(i)];
    }

    // ---- results -----------------------------------------------------------------------------

    /**
     * Bytes message {@code i} moved in the last call that covered it ({@code msg_len}); 0 if that
     * call did not transfer it. With {@link MsgFlags#TRUNC} passed to a receive, a datagram's real
     * size even when larger than the buffer.
     */
    public int length(int i) {
        return (int) Mmsghdr.MSG_LEN.get(vec, index(i) * ENTRY);
    }

    /** {@code msg_flags} of message {@code i} after the last receive that covered it (0 after a send). */
    public int flags(int i) {
        return (int) Msghdr.MSG_FLAGS.get(vec, index(i) * ENTRY + HDR) & FLAGS_OUT_MASK;
    }

    /** {@link MsgFlags#TRUNC} was reported for message {@code i}: the datagram was longer than its buffer. */
    public boolean isTruncated(int i) {
        return (flags(i) & MsgFlags.TRUNC) != 0;
    }

    /** {@link MsgFlags#CTRUNC} was reported for message {@code i}: control data was cut for lack of room. */
    public boolean isControlTruncated(int i) {
        return (flags(i) & MsgFlags.CTRUNC) != 0;
    }

    @Override
    public String toString() {
        return "MessageBatch[size=" + size + ", dataCapacity=" + dataCapacity + ", controlCapacity=" + controlCapacity
                + ", receiveAddresses=" + receiveAddresses + "]";
    }

    // ---- for the message calls --------------------------------------------------------------------------

    /** Checks a call's range of messages; nothing is touched. */
    void checkRange(int from, int count) {
        if (from < 0 || count < 1 || from > size - count) {
            throw new IllegalArgumentException("messages [" + from + ", " + from + "+" + count + ") outside a batch of " + size);
        }
        if (!vec.scope().isAlive()) {
            throw new IllegalStateException("the batch's arena is closed");
        }
    }

    /** The vector from entry {@code from} on. */
    MemorySegment tail(int from) {
        MemorySegment t = tails[from];
        if (t == null) {
            t = tails[from] = vec.asSlice(from * ENTRY);
        }
        return t;
    }

    boolean hasControl() {
        return withControl > 0;
    }

    /**
     * Everything that can fail before a send, with no effect beyond caching: encodes each target
     * for {@code family} where that differs from what the slot holds.
     */
    void checkSend(int from, int count, int family) {
        for (int i = from, end = from + count; i < end; i++) {
            SocketAddress to = target[i];
            if (to != null && encodedFor[i] != family) {
                int fam = Addresses.familyOf(to);
                if (fam != family && !(family == Constants.AF_INET6 && fam == Constants.AF_INET)) {
                    throw new IllegalArgumentException("address " + to + " of message " + i + " (family " + fam
                            + ") does not fit a socket of family " + family);
                }
                nameLength[i] = Addresses.encode(to, names[i], family);
                encodedFor[i] = family;
            }
            if (!control[i].isEmpty()) {
                ControlMessages.totalSpace(control[i]); // values checked again, as sendMsg does
            }
        }
    }

    /**
     * Writes the send lengths, names and control data of the range into the vector. Each
     * message's control list is read once, and the descriptors it carries are held in
     * {@code holds} before it is encoded: what is held is what is sent and what is released,
     * whatever another thread does to the batch meanwhile. Fails only on a closed carried descriptor.
     */
    void prepareSend(int from, int count, Holds holds) {
        MemorySegment v = vec;
        for (int i = from, end = from + count; i < end; i++) {
            long e = i * ENTRY;
            long h = e + HDR;
            Iovec.IOV_LEN.set(iov, i * Iovec.SIZE, sendLength[i]);
            v.set(ValueLayout.ADDRESS, e + NAME, names[i]);
            Msghdr.MSG_NAMELEN.set(v, h, nameLength[i]); // 0: the kernel ignores msg_name
            Msghdr.MSG_FLAGS.set(v, h, 0);
            Mmsghdr.MSG_LEN.set(v, e, 0);
        }
        if (controlCapacity > 0) {
            for (int i = from, end = from + count; i < end; i++) {
                int len = 0;
                List<ControlMessage> c = control[i];
                if (!c.isEmpty()) {
                    holds.hold(c);
                    len = ControlMessages.encode(c, controls[i]);
                    controlLength[i] = 0; // the received control data is gone (decoded copies stay)
                }
                v.set(ValueLayout.ADDRESS, i * ENTRY + CONTROL, controls[i]); // a receive points it elsewhere
                Msghdr.MSG_CONTROLLEN.set(v, i * ENTRY + HDR, len);
            }
        }
    }

    /**
     * Sets the range up to receive: full buffers, name space, results cleared. Control data is
     * received into the calling thread's memory ({@code buffers}), not the batch's: the
     * descriptors in it are taken from there even if the batch's arena is closed the moment the
     * call returns (the linker holds it open only during the call), and then copied into the
     * batch's control space. Each staged slot starts with an empty header, so data another call
     * left there is never read as descriptors.
     */
    void prepareReceive(int from, int count, MessageStaging.Buffers buffers) {
        MemorySegment v = vec;
        boolean withNames = receiveAddresses;
        for (int i = from, end = from + count; i < end; i++) {
            long e = i * ENTRY;
            long h = e + HDR;
            Iovec.IOV_LEN.set(iov, i * Iovec.SIZE, dataCapacity);
            v.set(ValueLayout.ADDRESS, e + NAME, withNames ? names[i] : MemorySegment.NULL);
            Msghdr.MSG_NAMELEN.set(v, h, withNames ? ADDR : 0);
            Msghdr.MSG_CONTROLLEN.set(v, h, controlCapacity);
            Msghdr.MSG_FLAGS.set(v, h, 0);
            Mmsghdr.MSG_LEN.set(v, e, 0);
        }
        if (controlCapacity > 0) {
            long stride = align(controlCapacity, 8);
            MemorySegment stage = buffers.control(count * stride);
            staged = stage;
            for (int k = 0; k < count; k++) {
                stage.set(ValueLayout.JAVA_LONG, k * stride, 0L); // cmsg_len 0: no entry (stride >= 8)
                v.set(ValueLayout.JAVA_LONG, (from + k) * ENTRY + CONTROL, stage.address() + k * stride);
            }
        }
    }

    /**
     * Takes the results of a receive that filled {@code n} messages from {@code from} (of
     * {@code count} offered): descriptors first, since nothing before that may throw.
     */
    void takeReceived(int from, int count, int n) {
        MemorySegment v = vec;
        if (controlCapacity > 0) {
            MemorySegment stage = staged;
            staged = null;
            long stride = align(controlCapacity, 8);
            for (int i = from, end = from + n; i < end; i++) {
                long len = Msghdr.MSG_CONTROLLEN.get(v, i * ENTRY + HDR);
                int cLen = (int) Math.max(0, Math.min(len, controlCapacity));
                controlLength[i] = cLen;
                rights[i] = cLen == 0 ? List.of() : MessageStaging.takeRights(stage.asSlice((i - from) * stride, cLen), cLen);
                received[i] = null;
            }
            // then into the batch's own space, where received(i) decodes it: last, since it fails
            // if the batch's arena was closed meanwhile, and the descriptors have their owners now
            for (int i = from, end = from + n; i < end; i++) {
                if (controlLength[i] > 0) {
                    MemorySegment.copy(stage, (i - from) * stride, controls[i], 0, controlLength[i]);
                }
            }
            for (int i = from + n, end = from + count; i < end; i++) {
                controlLength[i] = 0;
                rights[i] = List.of();
                received[i] = null;
            }
        }
        if (receiveAddresses) {
            for (int i = from, end = from + n; i < end; i++) {
                long len = Msghdr.MSG_NAMELEN.get(v, i * ENTRY + HDR);
                nameLength[i] = (int) Math.max(0, Math.min(len, ADDR));
                target[i] = null;
                encodedFor[i] = 0; // raw: sent back as the kernel gave it
                decoded[i] = null;
            }
        }
    }

    // ---- pieces --------------------------------------------------------------------------------

    private int index(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("message " + i + " outside a batch of " + size);
        }
        return i;
    }

    private static long align(long n, long to) {
        return (n + to - 1) & -to;
    }


}
