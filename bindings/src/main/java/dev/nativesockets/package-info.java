/**
 * The safe layer: {@link dev.nativesockets.Socket} and the types around it (addresses, options,
 * messages and control messages, {@link dev.nativesockets.Select}, {@link dev.nativesockets.Poller},
 * {@link dev.nativesockets.AddressInfo}, errors), each naming the system call it wraps.
 *
 * <p><b>Stability.</b> This package is the library's API. Within a major version (from 1.0) a
 * release neither removes nor changes the signature of a public member; while the version is 0.x a
 * minor release may, and CHANGELOG.md lists every such change. The API compatibility check of the
 * build (japicmp) compares this package against the previous release.
 *
 * <p><b>Errors.</b> Every failed call throws an {@link java.io.IOException} that implements
 * {@link dev.nativesockets.ErrnoException}; bad arguments throw {@link IllegalArgumentException} or
 * {@link IllegalStateException} before any native call.
 *
 * <p><b>Native access.</b> The library calls restricted methods of {@code java.lang.foreign}. Grant
 * it native access with {@code --enable-native-access=ALL-UNNAMED} when it is on the class path, or
 * {@code --enable-native-access=dev.nativesockets} when it is on the module path (an application
 * jar run with {@code java -jar} may instead carry {@code Enable-Native-Access: ALL-UNNAMED} in its
 * manifest). Without the grant the JDK prints a warning on first use; where native access is denied
 * ({@code --illegal-native-access=deny}, or a named module without the grant) the first call into
 * the library, and every call after it, throws {@link IllegalCallerException} whose message names
 * the flag to add.
 */
package dev.nativesockets;
