package dev.nativesockets;

import dev.nativesockets.libc.Constants;
import java.net.SocketAddress;

/**
 * A vsock address, {@code struct sockaddr_vm} (Linux {@code AF_VSOCK}): a context id (the VM or the
 * host) and a port, both unsigned 32-bit. VM host/guest channels without a network.
 *
 * <p>Immutable. Needs the kernel's vsock transport ({@code vsock_loopback}, {@code vhost_vsock} or a
 * guest driver) for sockets to be created; the address itself is only bytes.
 */
public final class VsockAddress extends SocketAddress {
    private static final long serialVersionUID = 1L;

    /** {@code VMADDR_CID_ANY}: any context id (binding). */
    public static final int CID_ANY = Constants.VMADDR_CID_ANY;
    /** {@code VMADDR_CID_LOCAL}: this machine, over the loopback transport. */
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
