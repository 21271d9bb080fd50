package io.stowage.transcode.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One running ffmpeg or ffprobe process that never outlives its JVM.
 *
 * <p>The executable runs under a tiny {@code /bin/sh} wrapper (the direct child of this JVM). The wrapper starts
 * the executable, reports its pid on stderr, forwards SIGTERM to it, and forks a watcher that blocks reading the
 * wrapper's stdin: a pipe whose write end only this JVM holds. When the executable exits, the wrapper kills the
 * watcher and exits with the executable's exit code. When the JVM dies first (even by {@code kill -9}) the pipe
 * reaches end-of-file and the watcher kills the executable with SIGKILL (only if that pid still has its start time,
 * so a reused pid is never hit) and deletes the partial output file. ffmpeg alone is not enough: it ignores SIGPIPE
 * and goes on when its progress pipe breaks (seen with 8.0.1).
 *
 * <p>stdout goes to a byte sink (the progress parser, or a capture for ffprobe's JSON); the last stderr lines are
 * kept for error messages.
 *
 * <p>Thread-safe: {@link #stop(Duration)} may be called from any thread while another waits.
 */
public final class FfmpegProcess {
    private static final Logger LOG = LoggerFactory.getLogger(FfmpegProcess.class);
    private static final int STDERR_LINES = 40;
    private static final Path SH = Path.of("/bin/sh");
    static final String PID_MARK = "stowage-ffmpeg-pid=";

    /**
     * $0 = name, $@ = executable and its arguments. Field 22 of /proc/PID/stat (20 after the ") " that ends the
     * command name) is the process start time: it tells our executable from a later process that reuses the pid.
     */
    static final String WATCHDOG = String.join("\n",
            "st() { sed -e 's/.*) //' /proc/$1/stat 2>/dev/null | cut -d' ' -f20; }",
            "exec 3<&0",
            "\"$@\" </dev/null 3<&- &",
            "c=$!",
            "echo \"" + PID_MARK + "$c\" >&2",
            "t=$(st $c)",
            "( if ! read -r l <&3; then",
            "    trap '' TERM",
            "    if [ \"$(st $c)\" = \"$t\" ]; then kill -KILL $c; fi",
            "    if [ -n \"$STOWAGE_PARTIAL_OUTPUT\" ]; then rm -f -- \"$STOWAGE_PARTIAL_OUTPUT\"; fi",
            "  fi ) </dev/null >/dev/null 2>&1 &",
            "w=$!",
            "exec 3<&-",
            "trap 'kill -TERM $c 2>/dev/null' TERM",
            "while :; do wait $c; rc=$?; kill -0 $c 2>/dev/null || break; done",
            "kill $w 2>/dev/null",
            "exit $rc");

    /** Receives stdout bytes on the reader thread. */
    public interface Sink {
        void accept(byte[] bytes, int offset, int length);
    }

    private final Process process;
    private final List<String> commandLine;
    private final Deque<String> stderrTail = new ArrayDeque<>();
    private final Thread outReader;
    private final Thread errReader;
    private volatile boolean killedByUs;
    private final java.util.concurrent.CompletableFuture<Long> childPid = new java.util.concurrent.CompletableFuture<>();

    private FfmpegProcess(Process process, List<String> commandLine, Sink stdoutSink, boolean wrapped) {
        this.process = process;
        if (!wrapped) {
            childPid.complete(process.pid());
        }
        this.commandLine = commandLine;
        long pid = process.pid();
        this.outReader = new Thread(() -> pump(process.getInputStream(), stdoutSink), "stowage-ffmpeg-" + pid + "-out");
        this.errReader = new Thread(this::pumpStderr, "stowage-ffmpeg-" + pid + "-err");
        outReader.setDaemon(true);
        errReader.setDaemon(true);
        outReader.start();
        errReader.start();
    }

    /**
     * Starts {@code command} (executable first).
     *
     * @param partialOutput a file the watcher deletes if the JVM dies during the run, or {@code null}
     */
    public static FfmpegProcess start(FfmpegInstallation installation, List<String> command, Path partialOutput,
            Sink stdoutSink) throws IOException {
        List<String> full = new ArrayList<>();
        boolean wrapped = Files.isExecutable(SH);
        if (wrapped) {
            full.add(SH.toString());
            full.add("-c");
            full.add(WATCHDOG);
            full.add("stowage-ffmpeg");
        } else {
            LOG.warn("{} not found: ffmpeg runs without a watcher and may outlive a killed JVM", SH);
        }
        full.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(full);
        pb.environment().putAll(installation.environment());
        if (partialOutput != null) {
            pb.environment().put("STOWAGE_PARTIAL_OUTPUT", partialOutput.toString());
        } else {
            pb.environment().remove("STOWAGE_PARTIAL_OUTPUT");
        }
        Process p = pb.start();
        LOG.debug("started pid {}: {}", p.pid(), command);
        return new FfmpegProcess(p, List.copyOf(command), stdoutSink, wrapped);
    }

    private static void pump(InputStream in, Sink sink) {
        byte[] buf = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (n > 0) {
                    sink.accept(buf, 0, n);
                }
            }
        } catch (IOException e) {
            LOG.debug("stdout reader ended: {}", e.toString());
        }
    }

    private void pumpStderr() {
        try (InputStream in = process.getErrorStream()) {
            StringBuilder line = new StringBuilder();
            byte[] buf = new byte[4096];
            int n;
            while ((n = in.read(buf)) >= 0) {
                String s = new String(buf, 0, n, StandardCharsets.UTF_8);
                for (int i = 0; i < s.length(); i++) {
                    char c = s.charAt(i);
                    if (c == '\n' || c == '\r') {
                        addStderrLine(line);
                        line.setLength(0);
                    } else if (line.length() < 2000) {
                        line.append(c);
                    }
                }
            }
            addStderrLine(line);
        } catch (IOException e) {
            LOG.debug("stderr reader ended: {}", e.toString());
        } finally {
            childPid.complete(-1L);
        }
    }

    private void addStderrLine(CharSequence line) {
        String s = line.toString().strip();
        if (s.isEmpty()) {
            return;
        }
        if (!childPid.isDone() && s.startsWith(PID_MARK)) {
            try {
                childPid.complete(Long.parseLong(s.substring(PID_MARK.length())));
                return;
            } catch (NumberFormatException e) {
                // not ours: keep the line
            }
        }
        LOG.debug("ffmpeg[{}]: {}", process.pid(), s);
        synchronized (stderrTail) {
            if (stderrTail.size() == STDERR_LINES) {
                stderrTail.removeFirst();
            }
            stderrTail.addLast(s);
        }
    }

    /**
     * The pid of the executable itself (not of the wrapper); waits briefly for the wrapper to report it. -1 when it
     * never started.
     */
    public long pid() {
        try {
            return childPid.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return -1;
        }
    }

    /** The executable's process, if it is still known to the OS (tests use it to check that ffmpeg is gone). */
    public java.util.Optional<ProcessHandle> handle() {
        long pid = pid();
        return pid <= 0 ? java.util.Optional.empty() : ProcessHandle.of(pid);
    }

    /** The command line without the wrapper. */
    public List<String> commandLine() {
        return commandLine;
    }

    /** Waits up to {@code timeout} for the process to exit; true when it did. */
    public boolean waitFor(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * After the process exited: waits for stdout and stderr to be drained, tells the watcher to exit and returns
     * the exit code.
     */
    public int finish() throws InterruptedException {
        int rc = process.waitFor();
        outReader.join(10_000);
        errReader.join(10_000);
        return rc;
    }

    /**
     * Stops the executable: SIGTERM (ffmpeg then closes its output cleanly), and SIGKILL when it has not exited
     * after {@code grace}. Returns once the wrapper exited (the executable is gone then); idempotent.
     */
    public void stop(Duration grace) {
        killedByUs = true;
        if (!process.isAlive()) {
            return;
        }
        process.destroy(); // the wrapper forwards SIGTERM to the executable
        try {
            if (!process.waitFor(grace.toNanos(), TimeUnit.NANOSECONDS)) {
                LOG.debug("pid {} ignored SIGTERM for {}; sending SIGKILL", pid(), grace);
                kill();
            }
        } catch (InterruptedException e) {
            kill();
            Thread.currentThread().interrupt();
        }
    }

    /** Kills the executable at once (SIGKILL) and waits for the wrapper to exit. */
    public void kill() {
        killedByUs = true;
        java.util.Optional<ProcessHandle> h = childPid.isDone() ? handle() : java.util.Optional.empty();
        if (h.isPresent()) {
            h.get().destroyForcibly();
        } else {
            // the wrapper dies; its stdin closes and the watcher kills the executable
            process.destroyForcibly();
        }
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** True when {@link #stop} or {@link #kill} was called. */
    public boolean killedByUs() {
        return killedByUs;
    }

    /** The last lines the process wrote to stderr. */
    public List<String> stderrTail() {
        synchronized (stderrTail) {
            return List.copyOf(stderrTail);
        }
    }
}
