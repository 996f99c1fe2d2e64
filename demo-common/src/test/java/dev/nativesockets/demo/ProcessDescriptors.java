package dev.nativesockets.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Another process's open descriptors, read from {@code /proc/PID/fd}, for tests that check a demo
 * server left nothing behind. Compared by number <em>and</em> identity (the link's text), so a
 * descriptor the JVM closed meanwhile cannot hide a leaked one, as it could in a plain count.
 */
public final class ProcessDescriptors {
    private ProcessDescriptors() {
    }

    /** Number -> what it is (the link's text: socket:[inode], pipe:[inode], anon_inode:[...], a path). */
    public static Map<Integer, String> table(long pid) throws IOException {
        Map<Integer, String> table = new TreeMap<>();
        try (Stream<Path> s = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            for (Path f : (Iterable<Path>) s::iterator) {
                try {
                    table.put(Integer.parseInt(f.getFileName().toString()), Files.readSymbolicLink(f).toString());
                } catch (IOException gone) {
                    // closed while listed
                }
            }
        }
        return table;
    }

    /**
     * Sockets, pipes and anonymous inodes open now that were not open as the same thing in
     * {@code before}: what the process opened and kept. A file the JVM opens on its own does not count.
     */
    public static Map<Integer, String> createdSince(long pid, Map<Integer, String> before) throws IOException {
        Map<Integer, String> now = table(pid);
        now.entrySet().removeIf(e -> e.getValue().equals(before.get(e.getKey()))
                || !(e.getValue().startsWith("socket:") || e.getValue().startsWith("pipe:") || e.getValue().startsWith("anon_inode:")));
        return now;
    }
}
