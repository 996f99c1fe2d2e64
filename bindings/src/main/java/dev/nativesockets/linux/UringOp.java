package dev.nativesockets.linux;

/**
 * The io_uring operations this library submits, with their kernel opcodes
 * ({@code enum io_uring_op}). Which of them the running kernel supports is what
 * {@code io_uring_register(IORING_REGISTER_PROBE)} reports: {@link Uring#supports(UringOp)}.
 */
public enum UringOp {
    NOP(0), POLL_ADD(6), POLL_REMOVE(7), SENDMSG(9), RECVMSG(10), TIMEOUT(11), TIMEOUT_REMOVE(12),
    ACCEPT(13), ASYNC_CANCEL(14), LINK_TIMEOUT(15), CONNECT(16), CLOSE(19), READ(22), WRITE(23),
    SEND(26), RECV(27), SHUTDOWN(34), SEND_ZC(47);

    final int opcode;

    UringOp(int opcode) {
        this.opcode = opcode;
    }

    /** The kernel's opcode ({@code IORING_OP_*}). */
    public int opcode() {
        return opcode;
    }
}
