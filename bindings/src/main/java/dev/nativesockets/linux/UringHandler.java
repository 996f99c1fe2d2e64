package dev.nativesockets.linux;

/**
 * Receives completions on the thread that reaps them ({@link Uring#complete}, {@link Uring#await}).
 * The {@link UringCompletion} is one reused view: read what you need before returning.
 */
@FunctionalInterface
public interface UringHandler {
    void onCompletion(UringCompletion completion);
}
