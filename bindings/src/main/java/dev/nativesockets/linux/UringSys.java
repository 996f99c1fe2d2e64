package dev.nativesockets.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.nativesockets.libc.CallState;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The three io_uring system calls (no liburing: the jar stays pure Java), {@code mmap(2)} and
 * {@code munmap(2)} for the rings, and the kernel ABI's numbers ({@code <linux/io_uring.h>}).
 */
final class UringSys {
    private UringSys() {}

    // the same numbers on every architecture: they came after the syscall table was unified
    static final long SYS_io_uring_setup = 425;
    static final long SYS_io_uring_enter = 426;
    static final long SYS_io_uring_register = 427;

    // setup flags
    static final int IORING_SETUP_CQSIZE = 1 << 3;
    static final int IORING_SETUP_CLAMP = 1 << 4;
    static final int IORING_SETUP_SUBMIT_ALL = 1 << 7;
    // features
    static final int IORING_FEAT_SINGLE_MMAP = 1;
    static final int IORING_FEAT_NODROP = 1 << 1;
    static final int IORING_FEAT_EXT_ARG = 1 << 8;
    // enter flags
    static final int IORING_ENTER_GETEVENTS = 1;
    static final int IORING_ENTER_EXT_ARG = 1 << 3;
    // sq ring flags
    static final int IORING_SQ_CQ_OVERFLOW = 1 << 1;
    // sqe flags
    static final int IOSQE_IO_LINK = 1 << 2;
    static final int IOSQE_BUFFER_SELECT = 1 << 5;
    // cqe flags
    static final int IORING_CQE_F_BUFFER = 1;
    static final int IORING_CQE_F_MORE = 1 << 1;
    static final int IORING_CQE_F_NOTIF = 1 << 3;
    static final int IORING_CQE_BUFFER_SHIFT = 16;
    // op-specific flags
    static final int IORING_POLL_ADD_MULTI = 1;
    static final int IORING_ACCEPT_MULTISHOT = 1;
    static final int IORING_RECV_MULTISHOT = 1 << 1;
    static final int IORING_ASYNC_CANCEL_ALL = 1;
    static final int IORING_ASYNC_CANCEL_FD = 1 << 1;
    // register opcodes
    static final int IORING_REGISTER_PROBE = 8;
    static final int IORING_REGISTER_PBUF_RING = 22;
    static final int IORING_UNREGISTER_PBUF_RING = 23;
    // mmap offsets
    static final long IORING_OFF_SQ_RING = 0;
    static final long IORING_OFF_SQES = 0x10000000L;

    // struct io_uring_params (120 bytes) and its sq_off / cq_off members
    static final int PARAMS_SIZE = 120;
    static final int P_SQ_ENTRIES = 0, P_CQ_ENTRIES = 4, P_FLAGS = 8, P_FEATURES = 20;
    static final int P_SQ_OFF = 40, P_CQ_OFF = 80;
    static final int SQ_HEAD = 0, SQ_TAIL = 4, SQ_MASK = 8, SQ_FLAGS = 16, SQ_ARRAY = 24;
    static final int CQ_HEAD = 0, CQ_TAIL = 4, CQ_MASK = 8, CQ_OVERFLOW = 16, CQ_CQES = 20;

    // struct io_uring_sqe (64 bytes)
    static final int SQE_SIZE = 64;
    static final int SQE_OPCODE = 0, SQE_FLAGS = 1, SQE_IOPRIO = 2, SQE_FD = 4, SQE_OFF = 8, SQE_ADDR = 16,
            SQE_LEN = 24, SQE_OP_FLAGS = 28, SQE_USER_DATA = 32, SQE_BUF_GROUP = 40;
    // struct io_uring_cqe (16 bytes)
    static final int CQE_SIZE = 16;
    static final int CQE_USER_DATA = 0, CQE_RES = 8, CQE_FLAGS = 12;

    static final int PROT_READ = 1, PROT_WRITE = 2, MAP_SHARED = 1, MAP_POPULATE = 0x8000;
    static final long MAP_FAILED = -1L;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");

    private static MethodHandle link(String name, FunctionDescriptor fd, Linker.Option... options) {
        MemorySegment symbol = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsupportedOperationException(name + " is not in the C library"));
        return LINKER.downcallHandle(symbol, fd, options);
    }

    private static final class syscall {
        // syscall(2) is variadic after the number; blocking (io_uring_enter waits), so not critical
        static final MethodHandle H = link("syscall", FunctionDescriptor.of(JAVA_LONG,
                JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
                ERRNO, Linker.Option.firstVariadicArg(1));
    }

    private static final class mmap {
        static final MethodHandle H = link("mmap", FunctionDescriptor.of(ADDRESS,
                ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG), ERRNO);
    }

    private static final class munmap {
        static final MethodHandle H = link("munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG), ERRNO);
    }

    private static RuntimeException unexpected(Throwable t) {
        if (t instanceof RuntimeException e) {
            return e;
        }
        throw new AssertionError("downcall failed unexpectedly", t);
    }

    static long syscall(MemorySegment cs, long nr, long a1, long a2, long a3, long a4, long a5, long a6) {
        try {
            return (long) syscall.H.invokeExact(cs, nr, a1, a2, a3, a4, a5, a6);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static long setup(MemorySegment cs, int entries, MemorySegment params) {
        return syscall(cs, SYS_io_uring_setup, entries, params.address(), 0, 0, 0, 0);
    }

    static long enter(MemorySegment cs, int fd, int toSubmit, int minComplete, int flags, long arg, long argSize) {
        return syscall(cs, SYS_io_uring_enter, fd, toSubmit, minComplete, flags, arg, argSize);
    }

    static long register(MemorySegment cs, int fd, int opcode, long arg, int nrArgs) {
        return syscall(cs, SYS_io_uring_register, fd, opcode, arg, nrArgs, 0, 0);
    }

    /** mmap(2) of the ring descriptor; the raw address, or {@link #MAP_FAILED}. */
    static long mmap(MemorySegment cs, long length, int fd, long offset) {
        try {
            MemorySegment p = (MemorySegment) mmap.H.invokeExact(cs, MemorySegment.NULL, length,
                    PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, offset);
            return p.address();
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int munmap(MemorySegment cs, long address, long length) {
        try {
            return (int) munmap.H.invokeExact(cs, MemorySegment.ofAddress(address), length);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int errno(MemorySegment cs) {
        return CallState.errno(cs);
    }
}
