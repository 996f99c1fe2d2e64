package dev.nativesockets.libc;

import java.lang.foreign.GroupLayout;

/** {@code struct sockaddr_vm}: vsock address: context id and port (Linux). */
public final class SockaddrVm {
    private SockaddrVm() {}

    /** The layout on the running platform, or {@code null} where the platform has no such struct. */
    public static final GroupLayout LAYOUT = Platform.current().table().struct("sockaddr_vm");
    /** {@code sizeof(struct sockaddr_vm)}, or 0 where absent. */
    public static final long SIZE = LAYOUT == null ? 0 : LAYOUT.byteSize();

    public static final Field SVM_FAMILY = Field.of(LAYOUT, "svm_family");
    public static final Field SVM_PORT = Field.of(LAYOUT, "svm_port");
    public static final Field SVM_CID = Field.of(LAYOUT, "svm_cid");
    public static final Field SVM_FLAGS = Field.of(LAYOUT, "svm_flags");
}
