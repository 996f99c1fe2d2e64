package dev.nativesockets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Makes the directory Jazzer keeps a fuzz test's generated corpus in. On a fresh clone it does not
 * exist (it is git-ignored), and libFuzzer then ends the fuzzing JVM with "No such file or
 * directory … exiting" instead of a result; fuzz test classes call this from their static
 * initializer, which runs before Jazzer starts fuzzing in that JVM.
 */
final class FuzzCorpus {
    private FuzzCorpus() {}

    static void ensure(Class<?> testClass, String method) {
        Path dir = Path.of(System.getProperty("user.dir"), ".cifuzz-corpus", testClass.getName(), method);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the fuzz corpus directory " + dir, e);
        }
    }
}
