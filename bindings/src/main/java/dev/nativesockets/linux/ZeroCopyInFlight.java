package dev.nativesockets.linux;

import static dev.nativesockets.linux.Internals.CORE;

import dev.nativesockets.Socket;
import dev.nativesockets.internal.LinuxAccess;
import dev.nativesockets.libc.CallState;
import dev.nativesockets.libc.Constants;
import dev.nativesockets.libc.LibC;
import dev.nativesockets.libc.Msghdr;
import dev.nativesockets.libc.SockExtendedErr;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * The zero-copy sends of one {@link ZeroCopy} that the kernel may still read, and what keeps
 * their memory and the socket's error queue alive until it says it is done.
 *
 * <p>Everything here is owned apart from the {@code ZeroCopy} and its {@code Socket}: it holds the
 * socket's {@code FdHandle} (never the socket), the in-flight {@link ZeroCopy.Buffer}s, and native
 * memory of its own for reading the error queue. So whatever the caller drops or closes:
 *
 * <ul>
 *   <li>while any send is in flight this holds the descriptor ({@code FdHandle.hold()}, as a send
 *       carrying it as {@code SCM_RIGHTS} does): closing the socket, or its Cleaner, ends its
 *       registrations and refuses new calls, but the number — the only way to the error queue,
 *       where the completions arrive — stays open and the connection is not shut down; the last
 *       completion releases the hold, and with it the descriptor if the socket was closed;</li>
 *   <li>if the socket is closed or the {@code ZeroCopy} becomes unreachable with sends in flight,
 *       the {@link ZeroCopyReaper} adopts this object and reads the completions; the buffers stay
 *       referenced until then, so their memory cannot be freed and handed to another allocation
 *       while the kernel may still send from it.</li>
 * </ul>
 *
 * <p>Why not free at {@code close(2)}: closing a TCP socket with data still queued does not drop
 * the data — the kernel goes on sending it from the same pages (an orphaned socket) — and once the
 * last descriptor is gone nobody can read the completions that say when it is done. Even an
 * abortive close ({@code SO_LINGER} 0) frees the queue only as the last clone of each packet is
 * freed. The one proof that the kernel let go of a page is its completion; so the descriptor is
 * kept until the completions have come. If the peer never reads (its window stays shut), they never
 * come while the connection lives: the descriptor and memory stay until the kernel ends the
 * connection ({@code TCP_USER_TIMEOUT}, keepalive, a reset), which purges the queue and queues the
 * completions.
 *
 * <p>One per socket, shared by every {@code ZeroCopy} made for it: the kernel numbers the sends of a
 * socket from 0, so a second {@code ZeroCopy} (say, after the first was dropped with sends still in
 * flight) must continue the same count and the same ring, not read the first one's completions as
 * its own.
 *
 * <p>All methods are synchronized: the owners' threads and the reaper may all read completions.
 */
final class ZeroCopyInFlight implements LinuxAccess.Watcher {
    private static final int CONTROL = 256;

    private final Object handle; // the socket's FdHandle, through the core's bridge
    /** The core's registration of this watcher on {@link #handle}, for unwatch. */
    private volatile Object registration; // set once, before any other thread can see this
    /** The buffers of the sends not yet completed, oldest first, in a ring (send nextId - count + i is slot head + i). */
    private ZeroCopy.Buffer[] ring = new ZeroCopy.Buffer[64];
    private int head;
    private int count;
    private long nextId; // the kernel's 32-bit counter, unwrapped
    private long sends;
    private long copiedSends;
    /** Whether this holds the descriptor (exactly while count > 0, or a send is being made). */
    private boolean holding;
    /** Sends between {@link #beforeSend} and {@link #afterSend}: the hold must outlive them too. */
    private int sending;
    /** While the reaper has it. */
    private boolean adopted;
    /** Live {@code ZeroCopy} objects using this. */
    private int owners = 1;
    private final MemorySegment msg;
    private final MemorySegment control;
    private final MemorySegment cs;

    ZeroCopyInFlight(Object handle) {
        this.handle = handle;
        Arena arena = Arena.ofAuto(); // referenced by this object alone: freed with it
        this.msg = arena.allocate(Msghdr.SIZE, 8);
        this.control = arena.allocate(CONTROL, 8);
        this.cs = CallState.allocate(arena);
    }

    synchronized int pending() {
        return count;
    }

    synchronized long sends() {
        return sends;
    }

    synchronized long copiedSends() {
        return copiedSends;
    }

    /** Before a send: hold the descriptor, so a close meanwhile cannot release it under the kernel's reads. */
    synchronized void beforeSend() {
        if (!holding) {
            CORE.hold(handle); // throws if closed
            holding = true;
        }
        sending++;
    }

    /** After a send: {@code buffer} is in flight if it moved bytes (non-null), else nothing changed. */
    synchronized void afterSend(ZeroCopy.Buffer buffer) {
        sending--;
        if (buffer != null) {
            buffer.inFlight++;
            push(buffer);
            nextId++;
            sends++;
        } else if (count == 0 && sending == 0) {
            unhold();
        }
    }

    private void push(ZeroCopy.Buffer b) {
        if (count == ring.length) {
            ZeroCopy.Buffer[] bigger = new ZeroCopy.Buffer[ring.length * 2];
            for (int i = 0; i < count; i++) {
                bigger[i] = ring[(head + i) % ring.length];
            }
            ring = bigger;
            head = 0;
        }
        ring[(head + count) % ring.length] = b;
        count++;
    }

    private void unhold() {
        holding = false;
        CORE.unhold(handle); // the last user out of a closed socket releases the descriptor
    }

    /**
     * Reads every completion queued now ({@code recvmsg(MSG_ERRQUEUE | MSG_DONTWAIT)}) into
     * {@code out} (if not null) and releases the buffers of the sends they cover. While sends are in
     * flight the descriptor is read under this object's hold, so this works after the socket's
     * close too; with none it is a call on the open socket.
     *
     * @param strict whether an entry that is not a zero-copy completion throws (the owner's call) or is skipped (the reaper)
     */
    synchronized void read(List<ZeroCopy.Completion> out, boolean strict) throws IOException {
        boolean call = !holding;
        int fd = call ? CORE.acquire(handle) : CORE.fd(handle); // held: the number is ours though the socket may be closed
        try {
            while (true) {
                Msghdr.MSG_CONTROL.setAddress(msg, control);
                Msghdr.MSG_CONTROLLEN.set(msg, CONTROL);
                Msghdr.MSG_FLAGS.set(msg, 0);
                long r = LibC.recvmsg(cs, fd, msg, Constants.MSG_ERRQUEUE | Constants.MSG_DONTWAIT);
                if (r < 0) {
                    int errno = CallState.errno(cs);
                    if (errno == Constants.EINTR) {
                        continue;
                    }
                    if (errno == Constants.EAGAIN || errno == Constants.EWOULDBLOCK) {
                        return;
                    }
                    throw CORE.errnoException("recvmsg(MSG_ERRQUEUE)", errno);
                }
                entry(out, strict);
            }
        } finally {
            if (call) {
                CORE.release(handle);
            } else if (count == 0 && sending == 0) {
                // only now, with the number no longer in use here: the last completion's release of
                // the hold may close it (the socket was closed), and the loop above must not read on;
                // and never under a send in progress (another owner's), which counts on the hold
                unhold();
            }
        }
    }

    /** One error-queue entry: its {@code sock_extended_err}, if any. */
    private void entry(List<ZeroCopy.Completion> out, boolean strict) throws IOException {
        long len = Math.min(CONTROL, Msghdr.MSG_CONTROLLEN.get(msg));
        for (long p = 0; p >= 0 && CORE.cmsgDataLength(control, len, p) >= 0; p = CORE.cmsgNext(control, len, p)) {
            int level = CORE.cmsgLevel(control, p);
            int type = CORE.cmsgType(control, p);
            boolean recverr = (level == Constants.IPPROTO_IP && type == Constants.IP_RECVERR)
                    || (level == Constants.IPPROTO_IPV6 && type == Constants.IPV6_RECVERR);
            if (!recverr || CORE.cmsgDataLength(control, len, p) < SockExtendedErr.SIZE) {
                continue;
            }
            MemorySegment e = control.asSlice(p + CORE.cmsgHeader(), SockExtendedErr.SIZE);
            int origin = (int) SockExtendedErr.EE_ORIGIN.get(e);
            if (origin != Constants.SO_EE_ORIGIN_ZEROCOPY) {
                if (strict) {
                    int errno = SockExtendedErr.EE_ERRNO.getInt(e);
                    throw CORE.errnoException("error queue (origin " + origin + ")", errno != 0 ? errno : Constants.EIO);
                }
                continue;
            }
            boolean copied = (SockExtendedErr.EE_CODE.get(e) & Constants.SO_EE_CODE_ZEROCOPY_COPIED) != 0;
            complete(SockExtendedErr.EE_INFO.getInt(e), SockExtendedErr.EE_DATA.getInt(e), copied, out);
        }
    }

    /** Releases the sends {@code info..data}; the kernel's numbers are 32-bit and wrap. */
    private void complete(int info, int data, boolean copied, List<ZeroCopy.Completion> out) {
        long lo = Integer.toUnsignedLong(info);
        long hi = Integer.toUnsignedLong(data);
        long n = ((hi - lo) & 0xffff_ffffL) + 1;
        long first = -1;
        long last = -1;
        for (long i = 0; i < n && count > 0; i++) {
            long id = nextId - count; // the oldest send not yet completed
            if ((id & 0xffff_ffffL) != ((lo + i) & 0xffff_ffffL)) {
                break; // not ours (a send outside this object): stop rather than release the wrong buffer
            }
            ZeroCopy.Buffer b = ring[head];
            ring[head] = null;
            head = (head + 1) % ring.length;
            count--;
            b.inFlight--;
            if (first < 0) {
                first = id;
            }
            last = id;
        }
        if (first >= 0) {
            if (copied) {
                copiedSends += last - first + 1;
            }
            if (out != null) {
                out.add(new ZeroCopy.Completion(first, last, copied));
            }
        }
    }

    /** For the reaper: reads what has come; true once nothing is in flight (the reaper is done with it). */
    synchronized boolean reap() {
        if (count > 0) {
            try {
                read(null, false);
            } catch (IOException | RuntimeException e) {
                // a socket error is not a completion; the kernel queues those when it frees the pages
            }
        }
        if (count == 0) {
            adopted = false;
            if (owners == 0) {
                CORE.unwatch(handle, registration);
            }
            return true;
        }
        return false;
    }

    /**
     * The object of {@code handle}'s socket: the one its earlier {@code ZeroCopy}s use, or a new one
     * (watching the handle, so the socket's close hands what is in flight to the reaper).
     */
    static ZeroCopyInFlight of(Object handle) {
        synchronized (KEY) { // two enables at once must not make two
            CORE.acquire(handle); // throws if closed; the number stays ours while we watch
            try {
                if (CORE.watcher(handle, KEY) instanceof ZeroCopyInFlight z && z.addOwner()) {
                    return z;
                }
                ZeroCopyInFlight z = new ZeroCopyInFlight(handle);
                z.registration = CORE.watch(handle, z);
                return z;
            } finally {
                CORE.release(handle);
            }
        }
    }

    private synchronized boolean addOwner() {
        if (owners == 0 && count == 0) {
            return false; // left the handle already or about to: a new one takes over
        }
        owners++;
        return true;
    }

    /** A {@code ZeroCopy} became unreachable: the Cleaner's action. */
    Runnable ownerGone() {
        return this::dropOwner;
    }

    private synchronized void dropOwner() {
        owners--;
        if (owners == 0) {
            handOver();
        }
    }

    /** Nobody but the reaper will read the completions: hand over, or, with nothing in flight and no owner, leave. */
    private void handOver() {
        if (count == 0) {
            if (owners == 0) {
                CORE.unwatch(handle, registration);
            }
        } else if (!adopted) {
            adopted = true;
            ZeroCopyReaper.adopt(this);
        }
    }

    /** The key under which the handle keeps this: one per socket. */
    private static final Object KEY = new Object();

    @Override
    public Object watchOwner() {
        return KEY;
    }

    /** The socket was closed: its owners can no longer wait for the completions; the reaper will. */
    @Override
    public synchronized void descriptorReleasing(int fd) {
        handOver();
    }
}
