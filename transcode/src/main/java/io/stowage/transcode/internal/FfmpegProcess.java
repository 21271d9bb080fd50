package io.stowage.transcode.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
 * <p>The executable is started through a tiny {@code /bin/sh} wrapper that forks a watcher and then {@code exec}s
 * the executable (so {@link #pid()} is ffmpeg's own pid, and {@link Process#destroy()} signals ffmpeg). The watcher
 * blocks reading the process's stdin, a pipe held only by this JVM. When this object ends the run it writes
 * {@code done} and the watcher exits quietly; when the JVM dies without that (even by {@code kill -9}) the pipe
 * reaches end-of-file and the watcher kills ffmpeg with SIGKILL (only if that pid still has ffmpeg's start time)
 * and deletes the partial output file. ffmpeg itself is not enough: it ignores SIGPIPE and goes on when its
 * progress pipe breaks (seen with 8.0.1).
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

    /**
     * $0 = name, $@ = executable and its arguments; fd 3 = our stdin pipe for the watcher. Field 22 of
     * /proc/PID/stat (20 after the ") " that ends the command name) is the start time: it tells our ffmpeg from a
     * later process that reuses the pid.
     */
    static final String WATCHDOG = String.join("\n",
            "st() { sed -e 's/.*) //' /proc/$1/stat 2>/dev/null | cut -d' ' -f20; }",
            "t=$(st $$)",
            "exec 3<&0",
            "( read -r l <&3",
            "  if [ \"$l\" != done ]; then",
            "    if [ \"$(st $$)\" = \"$t\" ]; then kill -KILL $$; fi",
            "    if [ -n \"$STOWAGE_PARTIAL_OUTPUT\" ]; then rm -f -- \"$STOWAGE_PARTIAL_OUTPUT\"; fi",
            "  fi ) </dev/null >/dev/null 2>&1 &",
            "exec \"$@\" </dev/null 3<&-");

    /** Receives stdout bytes on the reader thread. */
    public interface Sink {
        void accept(byte[] bytes, int offset, int length);
    }

    private final Process process;
    private final List<String> commandLine;
    private final Deque<String> stderrTail = new ArrayDeque<>();
    private final Thread outReader;
    private final Thread errReader;
    private final OutputStream stdin;
    private volatile boolean killedByUs;

    private FfmpegProcess(Process process, List<String> commandLine, Sink stdoutSink) {
        this.process = process;
        this.commandLine = commandLine;
        this.stdin = process.getOutputStream();
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
        return new FfmpegProcess(p, List.copyOf(command), stdoutSink);
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
        }
    }

    private void addStderrLine(CharSequence line) {
        String s = line.toString().strip();
        if (s.isEmpty()) {
            return;
        }
        LOG.debug("ffmpeg[{}]: {}", process.pid(), s);
        synchronized (stderrTail) {
            if (stderrTail.size() == STDERR_LINES) {
                stderrTail.removeFirst();
            }
            stderrTail.addLast(s);
        }
    }

    /** The pid of the executable (the wrapper {@code exec}s it, so this is ffmpeg's own pid). */
    public long pid() {
        return process.pid();
    }

    /** The process handle (used by tests to check that ffmpeg is gone). */
    public ProcessHandle handle() {
        return process.toHandle();
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
        releaseWatcher();
        return rc;
    }

    private void releaseWatcher() {
        try {
            stdin.write("done\n".getBytes(StandardCharsets.US_ASCII));
            stdin.flush();
        } catch (IOException e) {
            // the watcher is gone already
        }
        try {
            stdin.close();
        } catch (IOException e) {
            // ignore
        }
    }

    /**
     * Stops the process: SIGTERM (ffmpeg then closes its output cleanly), and SIGKILL when it has not exited after
     * {@code grace}. Returns once it exited; idempotent.
     */
    public void stop(Duration grace) {
        killedByUs = true;
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(grace.toNanos(), TimeUnit.NANOSECONDS)) {
                LOG.debug("pid {} ignored SIGTERM for {}; sending SIGKILL", process.pid(), grace);
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Kills the process at once (SIGKILL) and waits for it. */
    public void kill() {
        killedByUs = true;
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
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
