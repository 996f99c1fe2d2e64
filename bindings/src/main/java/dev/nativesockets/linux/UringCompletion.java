package dev.nativesockets.linux;

import dev.nativesockets.Errno;
import dev.nativesockets.Fd;
import dev.nativesockets.libc.Constants;
import java.lang.foreign.ValueLayout;
import dev.nativesockets.Socket;
import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * One completion ({@code struct io_uring_cqe}) as the handler sees it: one view per ring, reused for
 * every completion, so reaping allocates nothing. Valid only during the handler call.
 */
public final class UringCompletion {
    private final Ring ring;
    long tag;
    long id;
    int result;
    int flags;
    UringOp op;
    BufferRing bufferRing;
    int bufferId = -1;
    /** The accepted descriptor, while nobody took it; the ring closes it after the handler otherwise. */
    int acceptedFd = -1;

    // a recvmsg completion: what the kernel wrote back into the slot's msghdr
    private int messageFlags;
    private int controlLength = -1;
    private int[] rights = new int[8];
    private int rightsCount;

    UringCompletion(Ring ring) {
        this.ring = ring;
    }

    /** The caller's tag given when the operation was submitted. */
    public long tag() {
        return tag;
    }

    /** The operation's id (slot and generation, as returned at submission). */
    public long id() {
        return id;
    }

    public UringOp op() {
        return op;
    }

    /** {@code cqe->res}: a count or descriptor on success, {@code -errno} on failure. */
    public int result() {
        return result;
    }

    public boolean failed() {
        return result < 0;
    }

    /** The errno of a failed operation, 0 otherwise. */
    public int errno() {
        return result < 0 ? -result : 0;
    }

    /** The errno's name ({@code ECANCELED}, {@code ETIME}, …), or null on success. */
    public String errnoName() {
        return result < 0 ? Errno.name(-result) : null;
    }

    /** {@code IORING_CQE_F_MORE}: a multishot operation stays armed, or a zero-copy notification follows. */
    public boolean more() {
        return (flags & UringSys.IORING_CQE_F_MORE) != 0;
    }

    /** {@code IORING_CQE_F_NOTIF}: the zero-copy send's buffer is free again. */
    public boolean notification() {
        return (flags & UringSys.IORING_CQE_F_NOTIF) != 0;
    }

    /** The raw {@code cqe->flags}. */
    public int flags() {
        return flags;
    }

    /** The provided-buffer ring the data landed in, or null. */
    public BufferRing bufferRing() {
        return bufferRing;
    }

    /** The id of the provided buffer holding {@link #result()} bytes, or -1. */
    public int bufferId() {
        return bufferId;
    }

    /** Offset of the data in {@code bufferRing().segment()}, or -1: the allocation-free way to read it. */
    public long bufferOffset() {
        return bufferId < 0 ? -1 : (long) bufferId * bufferRing.bufferSize();
    }

    /** The received bytes as a slice of the provided buffer (a new view object); empty if none. */
    public MemorySegment data() {
        if (bufferId < 0 || result <= 0) {
            return MemorySegment.NULL.reinterpret(0);
        }
        return bufferRing.segment().asSlice(bufferOffset(), result);
    }

    /**
     * Takes the socket an accept completed with; the caller owns it from now on. Not taken during
     * the handler, the ring closes it, so an ignored accept leaks nothing.
     */
    public Socket takeAccepted() throws IOException {
        if (acceptedFd < 0) {
            throw new IllegalStateException("no accepted socket in this completion (or already taken)");
        }
        int fd = acceptedFd;
        acceptedFd = -1;
        try {
            return Socket.adopt(fd);
        } catch (IOException | RuntimeException e) {
            ring.closeQuietly(fd);
            throw e;
        }
    }

    /** The accepted descriptor, without taking it (-1 if none). */
    public int acceptedDescriptor() {
        return acceptedFd;
    }

    /** Reads back a recvmsg's msghdr (in the slot's area) and finds the descriptors SCM_RIGHTS brought. */
    void message(MemorySegment area, long msg, UringBuffer control) {
        messageFlags = area.get(ValueLayout.JAVA_INT, msg + 48);
        controlLength = (int) area.get(ValueLayout.JAVA_LONG, msg + 40);
        rightsCount = 0;
        if (control == null) {
            return;
        }
        MemorySegment cm = control.segment();
        long base = area.get(ValueLayout.JAVA_LONG, msg + 32) - cm.address();
        long off = 0;
        while (off + 16 <= controlLength) { // struct cmsghdr { size_t len; int level; int type; }
            long len = cm.get(ValueLayout.JAVA_LONG, base + off);
            if (len < 16 || off + len > controlLength) {
                break;
            }
            if (cm.get(ValueLayout.JAVA_INT, base + off + 8) == Constants.SOL_SOCKET
                    && cm.get(ValueLayout.JAVA_INT, base + off + 12) == Constants.SCM_RIGHTS) {
                for (long p = 16; p + 4 <= len; p += 4) {
                    if (rightsCount == rights.length) {
                        rights = java.util.Arrays.copyOf(rights, rights.length * 2);
                    }
                    rights[rightsCount++] = cm.get(ValueLayout.JAVA_INT, base + off + p);
                }
            }
            off += (len + 7) & ~7L;
        }
    }

    /** A recvmsg's returned {@code msg_flags} ({@code MSG_TRUNC}, {@code MSG_CTRUNC}, …). */
    public int messageFlags() {
        return messageFlags;
    }

    /** A recvmsg's control bytes written at the start of the control range, or -1 for other operations. */
    public int controlLength() {
        return controlLength;
    }

    /**
     * Takes the descriptors a recvmsg received as {@code SCM_RIGHTS}; the caller owns them from now
     * on. Not taken during the handler, the ring closes them (their numbers stay in the control bytes,
     * but no longer name anything of ours).
     */
    public Fd[] takeReceivedDescriptors() {
        Fd[] out = new Fd[rightsCount];
        for (int i = 0; i < rightsCount; i++) {
            out[i] = Fd.adopt(rights[i]);
        }
        rightsCount = 0;
        return out;
    }

    void closeUntakenRights() {
        for (int i = 0; i < rightsCount; i++) {
            ring.closeQuietly(rights[i]);
        }
        rightsCount = 0;
        controlLength = -1;
        messageFlags = 0;
    }

    @Override
    public String toString() {
        return "UringCompletion[" + op + " tag=" + tag + " res=" + result + (result < 0 ? " " + errnoName() : "")
                + (more() ? " more" : "") + (notification() ? " notif" : "") + "]";
    }
}
