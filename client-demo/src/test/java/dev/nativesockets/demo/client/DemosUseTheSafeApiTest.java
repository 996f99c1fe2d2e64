package dev.nativesockets.demo.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The demos show the library as a user should use it: through the safe layer
 * ({@code dev.nativesockets}) only. A name they need and the safe layer lacks belongs in the safe
 * layer (issue 24), not behind an import of the raw layer {@code dev.nativesockets.libc}.
 */
class DemosUseTheSafeApiTest {
    @Test
    void noDemoSourceReachesIntoTheRawLayer() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent(); // the tests run in client-demo/
        List<String> offenders = new ArrayList<>();
        int files = 0;
        for (String module : List.of("client-demo", "server-demo", "demo-common")) {
            Path src = root.resolve(module).resolve("src/main/java");
            assertTrue(Files.isDirectory(src), "no sources at " + src);
            try (Stream<Path> s = Files.walk(src)) {
                for (Path p : (Iterable<Path>) s.filter(f -> f.toString().endsWith(".java"))::iterator) {
                    files++;
                    if (Files.readString(p).contains("dev.nativesockets.libc")) {
                        offenders.add(root.relativize(p).toString());
                    }
                }
            }
        }
        assertTrue(files > 10, "found only " + files + " demo sources under " + root);
        assertEquals(List.of(), offenders, "demo sources importing the raw layer");
    }
}
