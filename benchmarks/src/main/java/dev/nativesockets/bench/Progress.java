package dev.nativesockets.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where a long {@link Compare} run is: the step it is on (workload and implementation), how many
 * are done, and an estimate of the time left. The plan is known before the first step, each step
 * with a rough expected duration in seconds; the estimate scales the expected time of what is
 * left by how fast the steps done so far went against their expectation, so it corrects itself
 * for a slower or busier machine as the run goes.
 *
 * <p>On a terminal one line is rewritten in place ({@code \r}); in a log every step is a plain
 * line of its own.
 */
final class Progress {
    /** One planned step and its expected seconds. */
    record Step(String label, double expected) {}

    private final List<Step> plan = new ArrayList<>();
    private final PrintStream out;
    private final boolean terminal;
    private final long t0 = System.nanoTime();
    private int next;
    private double expectedDone;
    private long stepStart;
    private boolean lineOpen;

    Progress(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    void plan(String label, double expectedSeconds) {
        plan.add(new Step(label, expectedSeconds));
    }

    int planned() {
        return plan.size();
    }

    /** Starts the next planned step; its label must be the one planned, so plan and run cannot drift apart. */
    synchronized void start(String label) {
        if (next >= plan.size() || !plan.get(next).label().equals(label)) {
            // a step the plan did not foresee: show it, estimate without it
            plan.add(next, new Step(label, 0));
        }
        stepStart = System.nanoTime();
        show(String.format(Locale.ROOT, "%d/%d %s", next + 1, plan.size(), label));
    }

    synchronized void done() {
        if (next < plan.size()) {
            expectedDone += plan.get(next).expected();
            next++;
        }
        if (!terminal) {
            out.printf(Locale.ROOT, "[compare] done %d/%d %s in %.0f s; %s%n", next, plan.size(), plan.get(next - 1).label(),
                    (System.nanoTime() - stepStart) / 1e9, times());
        }
    }

    /** Ends the display: the terminal line gets its newline. */
    synchronized void finish() {
        show(String.format(Locale.ROOT, "all %d steps done", next));
        if (terminal && lineOpen) {
            out.println();
            lineOpen = false;
        }
    }

    String times() {
        double elapsed = (System.nanoTime() - t0) / 1e9;
        return String.format(Locale.ROOT, "%s elapsed, %s", clock(elapsed), left(elapsed));
    }

    /** The estimate: expected time left, scaled by actual over expected for the steps done so far. */
    String left(double elapsed) {
        double remaining = 0;
        for (int i = next; i < plan.size(); i++) {
            remaining += plan.get(i).expected();
        }
        if (remaining == 0) {
            return "nothing left";
        }
        double pace = expectedDone > 0 ? elapsed / expectedDone : 1;
        return "about " + clock(remaining * pace) + " left";
    }

    private void show(String what) {
        String line = "[compare] " + what + " — " + times();
        if (terminal) {
            out.print("\r\033[K" + line);
            out.flush();
            lineOpen = true;
        } else {
            out.println(line);
        }
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
