package dev.nativesockets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nativesockets.nativeaccess.NativeAccessChild;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Native access as a user meets it: a fresh JVM runs {@link NativeAccessChild} against the
 * library on the class path and on the module path, with native access denied, granted, or left
 * to the JDK's default (a warning). Denied, every entry point must throw
 * {@link IllegalCallerException} (not an Error, and the same on a second call) whose message names
 * the flag for that case; granted or merely warned about, every call works.
 */
class NativeAccessTest {
    private static final String CHILD = NativeAccessChild.class.getName();
    private static final List<String> CALLS = List.of("open", "open again", "pair", "listen", "lookup", "strerror",
            "readiness", "lookup on a virtual thread");

    /** Turns native access from a warning into a refusal (JDK 24+), or restricts it to java.base (22, 23). */
    private static final String DENY = Runtime.version().feature() >= 24
            ? "--illegal-native-access=deny" : "--enable-native-access=java.base";

    private static String location(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    /** The child on the class path with the library, with {@code flags} before the class path. */
    private static List<String> classPath(String... flags) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(flags));
        cmd.addAll(List.of("-cp", location(Socket.class) + File.pathSeparator + location(NativeAccessChild.class), CHILD));
        return cmd;
    }

    /** The library as the named module dev.nativesockets, the child on the class path reading it. */
    private static List<String> modulePath(String... flags) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(flags));
        cmd.addAll(List.of("-p", location(Socket.class), "--add-modules", "dev.nativesockets",
                "-cp", location(NativeAccessChild.class), CHILD));
        return cmd;
    }

    private static String run(List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child did not exit");
            assertEquals(0, p.exitValue(), out);
            return out;
        } finally {
            p.destroyForcibly();
        }
    }

    private static String line(String out, String call) {
        for (String l : out.split("\n")) {
            if (l.startsWith(call + ": ")) {
                return l.substring(call.length() + 2);
            }
        }
        throw new AssertionError("no line for " + call + " in:\n" + out);
    }

    private static void assertDenied(String out, String flag) {
        for (String call : CALLS) {
            String result = line(out, call);
            assertTrue(result.startsWith(IllegalCallerException.class.getName() + ": "),
                    () -> call + " should throw IllegalCallerException, got " + result + "\n" + out);
            assertTrue(result.contains(flag), () -> call + " should name " + flag + ", got " + result);
        }
    }

    private static void assertWorks(String out) {
        for (String call : CALLS) {
            assertEquals("ok", line(out, call), () -> call + " failed:\n" + out);
        }
    }

    @Test
    void deniedOnTheClassPathNamesAllUnnamed() throws Exception {
        String out = run(classPath(DENY));
        assertTrue(out.contains("library module: unnamed module"), out);
        assertDenied(out, "--enable-native-access=ALL-UNNAMED");
    }

    @Test
    void deniedOnTheModulePathNamesTheModule() throws Exception {
        String out = run(modulePath(DENY));
        assertTrue(out.contains("library module: module dev.nativesockets"), out);
        assertDenied(out, "--enable-native-access=dev.nativesockets");
    }

    @Test
    void grantedOnTheClassPathWorksWithoutAWarning() throws Exception {
        String out = run(classPath(DENY, "--enable-native-access=ALL-UNNAMED"));
        assertWorks(out);
        assertTrue(!out.contains("WARNING"), out);
    }

    @Test
    void grantedOnTheModulePathWorksWithoutAWarning() throws Exception {
        String out = run(modulePath(DENY, "--enable-native-access=dev.nativesockets"));
        assertTrue(out.contains("library module: module dev.nativesockets"), out);
        assertWorks(out);
        assertTrue(!out.contains("WARNING"), out);
    }

    @Test
    void merelyWarnedAboutEverythingWorksAsBefore() throws Exception {
        String out = run(classPath());
        assertWorks(out);
        if (Runtime.version().feature() >= 24) {
            // the JDK's default: one warning naming the flag, then the call goes ahead
            assertTrue(out.contains("--enable-native-access=ALL-UNNAMED"), out);
        }
    }
}
