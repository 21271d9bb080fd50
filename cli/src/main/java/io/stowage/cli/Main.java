package io.stowage.cli;

/** Entry point of the {@code stowage} command. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        avoidLdconfig();
        if (args.length > 1 && args[0].equals("des") && args[1].equals("pack")) {
            // load JNA and libc (30 ms) on the idle core while picocli builds its model, not later on the walk's path
            Thread t = new Thread(FolderListing::nativeAvailable, "des-pack-preload");
            t.setDaemon(true);
            t.start();
        }
        System.exit(run(args));
    }

    /**
     * JNA (getdents64 for {@code des pack}'s walk, syncfs for downloads) builds its library search path once, and on
     * Linux that spawns {@code /sbin/ldconfig -p}: 30-40 ms of a 0.6 s pack. Given {@code jna.platform.library.path},
     * it skips that. libc needs no search (JNA opens the process's own for "c"); the folders given are the usual
     * library folders, for anything else loaded by a plain name. Programs embedding s3-io pay the ldconfig once.
     */
    static void avoidLdconfig() {
        if (System.getProperty("jna.platform.library.path") == null
                && System.getProperty("os.name", "").equals("Linux")) {
            String multiarch = switch (System.getProperty("os.arch", "")) {
                case "amd64", "x86_64" -> "x86_64-linux-gnu";
                case "aarch64" -> "aarch64-linux-gnu";
                default -> null;
            };
            if (multiarch != null) {
                System.setProperty("jna.platform.library.path", String.join(java.io.File.pathSeparator,
                        "/usr/lib/" + multiarch, "/lib/" + multiarch, "/usr/lib64", "/lib64", "/usr/lib", "/lib"));
            }
        }
    }

    /** Runs the command line and returns its exit code (used by tests, which must not call {@code System.exit}). */
    public static int run(String... args) {
        picocli.CommandLine cl = Cli.commandLine(args);
        cl.setOut(StdoutWriter.wrap(cl.getOut()));
        return cl.execute(args);
    }
}
