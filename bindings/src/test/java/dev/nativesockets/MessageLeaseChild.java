package dev.nativesockets;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The child JVM of {@link MessageLeaseTest} (one carrier): {@code PAIRS} Unix datagram pairs, a
 * virtual thread per pair parked in {@code recvMsg} while another sends {@code ROUNDS} messages,
 * each with a payload naming its pair and round and an SCM_RIGHTS descriptor of the pair's own tag
 * socket (told apart by its SO_SNDBUF). Every thread parks holding a leased
 * {@link MessageStaging.Buffers}; a lease shared by two threads on the carrier would land one's
 * data or descriptor in the other's message. Prints {@code OK} or the first mismatch.
 */
public final class MessageLeaseChild {
    static final int PAIRS = 64;
    static final int ROUNDS = 40;
    static final int SIZE = 24;

    public static void main(String[] args) throws Exception {
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        List<SocketPair> pairs = new ArrayList<>();
        List<SocketPair> tags = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < PAIRS; i++) {
            pairs.add(Socket.pair(Domain.UNIX, Type.DGRAM));
            SocketPair tag = Socket.pair(Domain.UNIX, Type.DGRAM);
            tag.second().setOption(NativeOptions.SO_SNDBUF, 8192 + 1024 * i);
            tags.add(tag);
        }
        for (int i = 0; i < PAIRS; i++) {
            int pair = i;
            SocketPair p = pairs.get(i);
            int tagBuf = tags.get(i).second().getOption(NativeOptions.SO_SNDBUF);
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    for (int r = 0; r < ROUNDS; r++) {
                        Message in = Message.allocate(SIZE, ControlMessage.space(4));
                        long n = p.second().recvMsg(in); // parks: the sender yields between rounds
                        byte[] got = in.toByteArray();
                        for (int k = 0; k < SIZE; k++) {
                            if (n != SIZE || got[k] != (byte) (pair * 31 + r * 7 + k)) {
                                errors.add("pair " + pair + " round " + r + " byte " + k + ": " + (k < got.length ? got[k] : -1) + " of " + n);
                                return;
                            }
                        }
                        List<Fd> fds = in.receivedDescriptors();
                        if (fds.size() != 1) {
                            errors.add("pair " + pair + " round " + r + ": " + fds.size() + " descriptors");
                            return;
                        }
                        try (Socket s = fds.get(0).toSocket()) {
                            int buf = s.getOption(NativeOptions.SO_SNDBUF);
                            if (buf != tagBuf) {
                                errors.add("pair " + pair + " round " + r + ": another pair's descriptor (SO_SNDBUF " + buf + ", not " + tagBuf + ")");
                                return;
                            }
                        }
                    }
                } catch (Throwable e) {
                    errors.add("pair " + pair + " receiver: " + e);
                }
            }));
            threads.add(Thread.ofVirtual().start(() -> {
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment data = arena.allocate(SIZE);
                    for (int r = 0; r < ROUNDS; r++) {
                        for (int k = 0; k < SIZE; k++) {
                            data.set(ValueLayout.JAVA_BYTE, k, (byte) (pair * 31 + r * 7 + k));
                        }
                        p.first().sendMsg(Message.of(data).control(ControlMessage.rights(tags.get(pair).second())));
                        Thread.yield(); // let the other pairs' threads stage and park in between
                    }
                } catch (Throwable e) {
                    errors.add("pair " + pair + " sender: " + e);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        System.out.println(errors.isEmpty() ? "OK " + PAIRS * ROUNDS : "FAIL " + errors.size() + " " + errors.peek());
        System.exit(0);
    }
}
