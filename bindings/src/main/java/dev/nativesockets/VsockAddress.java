package dev.nativesockets;

import dev.nativesockets.libc.Constants;
import java.net.SocketAddress;

/**
 * A vsock address, {@code struct sockaddr_vm} ({@code AF_VSOCK}, Linux and macOS): a context id (the VM or
 * the host) and a port, both unsigned 32-bit. VM host/guest channels without a network. On macOS the
 * struct carries a BSD length byte, which encoding fills in; that layout is taken from xnu's
 * {@code <sys/vsock.h>} and checked by the probe, but no vsock socket has been opened on a Mac yet.
 *
 * <p>Immutable. Needs the kernel's vsock transport ({@code vsock_loopback}, {@code vhost_vsock} or a
 * guest driver) for sockets to be created; the address itself is only bytes.
 */
public final class VsockAddress extends SocketAddress {
    private static final long serialVersionUID = 1L;

    /** {@code VMADDR_CID_ANY}: any context id (binding). */
    public static final int CID_ANY = Constants.VMADDR_CID_ANY;
    /**
     * {@code VMADDR_CID_LOCAL}: this machine, over the loopback transport (Linux). Darwin has no such
     * name (it calls CID 1 {@code VMADDR_CID_RESERVED}), so there this is {@link Constants#UNSUPPORTED}.
     */
    public static final int CID_LOCAL = Constants.VMADDR_CID_LOCAL;
    /** {@code VMADDR_CID_HOST}: the host, seen from a guest. */
    public static final int CID_HOST = Constants.VMADDR_CID_HOST;
    /** {@code VMADDR_PORT_ANY}: any port (binding picks one). */
    public static final int PORT_ANY = Constants.VMADDR_PORT_ANY;

    private final int cid;
    private final int port;

    private VsockAddress(int cid, int port) {
        this.cid = cid;
        this.port = port;
    }

    /** {@code svm_cid} and {@code svm_port}, each unsigned 32-bit. */
    public static VsockAddress of(int cid, int port) {
        return new VsockAddress(cid, port);
    }

    /** {@code svm_cid}, unsigned. */
    public int cid() {
        return cid;
    }

    /** {@code svm_port}, unsigned. */
    public int port() {
        return port;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VsockAddress v && v.cid == cid && v.port == port;
    }

    @Override
    public int hashCode() {
        return 31 * cid + port;
    }

    @Override
    public String toString() {
        return "vsock(cid=" + Integer.toUnsignedString(cid) + ", port=" + Integer.toUnsignedString(port) + ")";
    }
}
