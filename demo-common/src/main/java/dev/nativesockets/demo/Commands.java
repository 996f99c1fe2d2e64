package dev.nativesockets.demo;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The command-word dispatch both demo programs share: {@code program [command] [--option value]...},
 * {@code --help}/{@code -h}/{@code help} print the usage, a usage error prints it to stderr with
 * exit status 2.
 */
public final class Commands {
    private Commands() {}

    /** What a command runs on its parsed options; returns the exit status. */
    public interface Body {
        int run(Args args);
    }

    /** A command: the option names it accepts and what it runs. */
    public record Command(Set<String> options, Body body) {}

    /**
     * Parses {@code argv} and runs the named command ({@code fallback} when the first argument is
     * an option or there is none). Returns the process exit status.
     */
    public static int run(String program, String usage, String fallback, Map<String, Command> commands, String[] argv) {
        List<String> args = Arrays.asList(argv);
        String name = fallback;
        if (!args.isEmpty() && !args.get(0).startsWith("--")) {
            name = args.get(0);
            args = args.subList(1, args.size());
        }
        if (args.contains("--help") || args.contains("-h") || name.equals("help")) {
            Console.OUT.println(usage);
            return 0;
        }
        try {
            Command command = commands.get(name);
            if (command == null) {
                throw new Args.UsageException("unknown command: " + name);
            }
            return command.body().run(new Args(args, command.options()));
        } catch (Args.UsageException e) {
            Console.ERR.println(program + ": " + e.getMessage());
            Console.ERR.println(usage);
            return 2;
        }
    }
}
