/**
 * The raw layer: libc as C declares it, in jextract style. {@link dev.nativesockets.libc.LibC}
 * has one downcall per C function (errno captured through {@link dev.nativesockets.libc.CallState}),
 * each struct has a class with its {@link java.lang.foreign.MemoryLayout} and accessors, and
 * {@link dev.nativesockets.libc.Constants} holds the running platform's constant values from
 * {@link dev.nativesockets.libc.PlatformTable}. Nothing here checks arguments, owns a descriptor or
 * retries: a wrong pointer or length is undefined behaviour in C and may crash the JVM here too.
 *
 * <p><b>Stability: weaker than {@link dev.nativesockets}.</b> The package is exported so that code
 * can reach a call, struct or constant the safe layer does not wrap, and its names follow the C
 * headers, not a Java design. Any release, minor ones included, may add, remove or change a
 * member here (a new function, a struct gaining a field, a signature following a header); changes
 * are listed in CHANGELOG.md but not held back for compatibility, and the build's API check leaves
 * this package out. Prefer the safe layer wherever it has the call.
 */
package dev.nativesockets.libc;
