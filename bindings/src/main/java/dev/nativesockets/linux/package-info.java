/**
 * Linux-only API: the io_uring completion ring ({@link dev.nativesockets.linux.Uring}), the
 * JDK's {@code jdk.net} being the model. Everything here fails with a clear exception elsewhere.
 */
package dev.nativesockets.linux;
