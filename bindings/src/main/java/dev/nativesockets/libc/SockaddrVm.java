package dev.nativesockets.libc;

import java.lang.foreign.GroupLayout;

/**
 * {@code struct sockaddr_vm}: vsock address: context id and port. Linux ({@code <linux/vm_sockets.h>})
 * and Darwin ({@code <sys/vsock.h>}, 12 bytes, led by a BSD length byte and a one-byte family).
 */
public final class SockaddrVm {
    private SockaddrVm() {}

    /** The layout on the running platform, or {@code null} where the platform has no such struct. */
    public static final GroupLayout LAYOUT = Platform.current().table().struct("sockaddr_vm");
    /** {@code sizeof(struct sockaddr_vm)}, or 0 where absent. */
    public static final long SIZE = LAYOUT == null ? 0 : LAYOUT.byteSize();

    /** {@code svm_len}: Darwin only (absent on Linux, where writes do nothing). */
    public static final Field SVM_LEN = Field.of(LAYOUT, "svm_len");
    public static final Field SVM_FAMILY = Field.of(LAYOUT, "svm_family");
    public static final Field SVM_PORT = Field.of(LAYOUT, "svm_port");
    public static final Field SVM_CID = Field.of(LAYOUT, "svm_cid");
    /** {@code svm_flags}: Linux only. */
    public static final Field SVM_FLAGS = Field.of(LAYOUT, "svm_flags");
}
