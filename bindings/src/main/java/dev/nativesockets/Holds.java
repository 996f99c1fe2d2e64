package dev.nativesockets;

import java.util.Arrays;
import java.util.List;

/**
 * The descriptors one send carries as {@code SCM_RIGHTS}, held open for the call (see
 * {@link FdHandle#hold}) and released exactly as they were held.
 *
 * <p>The record is the point: the release step must not look at the message again, because a
 * message or batch misused from another thread may have other control messages by then —
 * releasing what is there now would drop a hold never taken and keep one forever (a descriptor
 * that outlives its {@code close()}). What this object took, it gives back, once.
 *
 * <p>Rights made from {@link Socket}s or {@link Fd}s hold those; received rights hold the
 * {@link Fd}s they own, so forwarding them after they were closed (or moved into a socket) fails
 * before the call instead of sending whatever now has their numbers. Rights of bare numbers
 * ({@link ControlMessage#rights(int...)}, {@link ControlMessage#parse parsed} bytes) name
 * descriptors the caller keeps open, as with {@link Socket#adopt(int)}.
 *
 * <p>One per {@link MessageStaging.Buffers} (a platform thread's, or a virtual thread's lease for
 * one call); no allocation once grown.
 */
final class Holds {
    private Object[] held = new Object[8];
    private int count;

    /** Holds every descriptor the rights in {@code control} carry; on failure the caller still calls {@link #release}. */
    void hold(List<ControlMessage> control) {
        for (int i = 0, n = control.size(); i < n; i++) {
            if (control.get(i) instanceof ControlMessage.Rights r) {
                hold(r);
            }
        }
    }

    private void hold(ControlMessage.Rights r) {
        if (r.sockets() != null) {
            for (Socket s : r.sockets()) {
                try {
                    s.hold();
                } catch (IllegalStateException e) {
                    throw new IllegalStateException("SCM_RIGHTS carries a closed socket: " + s, e);
                }
                add(s);
            }
            return;
        }
        Fd[] fds = r.sources();
        List<Fd> received = r.descriptors();
        for (int i = 0, n = fds != null ? fds.length : received.size(); i < n; i++) {
            Fd f = fds != null ? fds[i] : received.get(i);
            try {
                f.hold();
            } catch (IllegalStateException e) {
                throw new IllegalStateException("SCM_RIGHTS carries descriptor " + r.rawNumbers()[i]
                        + ", which is closed or was moved (Fd.toSocket, Fd.detach): forward what owns it now", e);
            }
            add(f);
        }
    }

    private void add(Object owner) {
        if (count == held.length) {
            held = Arrays.copyOf(held, held.length * 2);
        }
        held[count++] = owner;
    }

    /** Releases every hold taken since the last release; idempotent. */
    void release() {
        for (int i = 0; i < count; i++) {
            if (held[i] instanceof Socket s) {
                s.unhold();
            } else {
                ((Fd) held[i]).unhold();
            }
            held[i] = null;
        }
        count = 0;
    }
}
