package io.stowage.transcode.internal;

import io.stowage.transcode.TranscodeFfmpegUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the ffmpeg and ffprobe executables are and how to start them: the ones bundled in
 * {@code org.bytedeco:ffmpeg} (extracted by JavaCPP's loader into {@code ~/.javacpp/cache}, run with their folder on
 * {@code LD_LIBRARY_PATH}), or a system installation.
 *
 * <p>Immutable, so thread-safe.
 */
public final class FfmpegInstallation {
    private static final Logger LOG = LoggerFactory.getLogger(FfmpegInstallation.class);
    private static final Pattern MISSING_LIB =
            Pattern.compile("error while loading shared libraries: ([^:\\s]+)");
    private static final Pattern MISSING_SO =
            Pattern.compile("(lib[\\w.+-]+\\.so[.\\d]*): cannot open shared object file");
    private static volatile FfmpegInstallation bundled;

    private final Path ffmpeg;
    private final Path ffprobe;
    private final boolean isBundled;
    private final Map<String, String> environment;
    private final String version;

    private FfmpegInstallation(Path ffmpeg, Path ffprobe, boolean isBundled, Map<String, String> environment,
            String version) {
        this.ffmpeg = ffmpeg;
        this.ffprobe = ffprobe;
        this.isBundled = isBundled;
        this.environment = environment;
        this.version = version;
    }

    /**
     * The executables bundled in {@code org.bytedeco:ffmpeg}, extracted once per JVM and checked to start.
     *
     * @throws TranscodeFfmpegUnavailableException when they cannot be extracted or started (names the missing library)
     */
    public static FfmpegInstallation bundled() {
        FfmpegInstallation b = bundled;
        if (b == null) {
            synchronized (FfmpegInstallation.class) {
                b = bundled;
                if (b == null) {
                    b = locateBundled();
                    bundled = b;
                }
            }
        }
        return b;
    }

    private static FfmpegInstallation locateBundled() {
        long t0 = System.nanoTime();
        String ffmpegPath;
        String ffprobePath;
        try {
            ffmpegPath = org.bytedeco.javacpp.Loader.load(org.bytedeco.ffmpeg.ffmpeg.class);
            ffprobePath = org.bytedeco.javacpp.Loader.load(org.bytedeco.ffmpeg.ffprobe.class);
        } catch (RuntimeException | LinkageError e) {
            throw new TranscodeFfmpegUnavailableException(null, "the bundled executables cannot be loaded",
                    explainLoadFailure(e), e);
        }
        if (ffmpegPath == null || ffprobePath == null) {
            throw new TranscodeFfmpegUnavailableException(null, "no bundled executable for this platform",
                    "org.bytedeco:ffmpeg holds no ffmpeg/ffprobe executable for "
                    + "platform " + org.bytedeco.javacpp.Loader.getPlatform()
                    + "; add the classifier for this platform (e.g. linux-x86_64-gpl) or configure a system ffmpeg");
        }
        Path f = Path.of(ffmpegPath);
        Path p = Path.of(ffprobePath);
        Map<String, String> env = new HashMap<>();
        String dir = f.getParent().toString();
        String old = System.getenv("LD_LIBRARY_PATH");
        env.put("LD_LIBRARY_PATH", old == null || old.isEmpty() ? dir : dir + ":" + old);
        FfmpegInstallation inst = new FfmpegInstallation(f, p, true, Map.copyOf(env), null);
        String version = inst.checkStarts(f, "ffmpeg");
        inst.checkStarts(p, "ffprobe");
        LOG.debug("bundled ffmpeg at {} ({}) ready in {} ms", f, version, (System.nanoTime() - t0) / 1_000_000);
        return new FfmpegInstallation(f, p, true, Map.copyOf(env), version);
    }

    /**
     * A system ffmpeg/ffprobe pair (e.g. one built with hardware encoders). A bare name is looked up on the
     * {@code PATH}.
     *
     * @throws TranscodeFfmpegUnavailableException when either cannot be found or started
     */
    public static FfmpegInstallation system(Path ffmpeg, Path ffprobe) {
        Path f = resolve(ffmpeg);
        Path p = resolve(ffprobe);
        FfmpegInstallation inst = new FfmpegInstallation(f, p, false, Map.of(), null);
        String version = inst.checkStarts(f, "ffmpeg");
        inst.checkStarts(p, "ffprobe");
        return new FfmpegInstallation(f, p, false, Map.of(), version);
    }

    private static Path resolve(Path exe) {
        if (exe.getParent() != null || exe.isAbsolute()) {
            if (!Files.isExecutable(exe)) {
                throw new TranscodeFfmpegUnavailableException(exe.toString(), "not an executable file",
                        exe + ": not an executable file; install ffmpeg there or "
                        + "configure the right path");
            }
            return exe;
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                Path candidate = Path.of(dir).resolve(exe);
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        throw new TranscodeFfmpegUnavailableException(exe.toString(), "not on the PATH",
                "'" + exe + "' is not on the PATH (" + path
                + "); install ffmpeg (apt-get install ffmpeg) or configure its full path");
    }

    /** Runs {@code exe -version}; returns the first line, or throws naming the missing library and the fix. */
    private String checkStarts(Path exe, String what) {
        List<String> cmd = List.of(exe.toString(), "-hide_banner", "-version");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(environment);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        String out;
        int rc;
        try {
            Process proc = pb.start();
            byte[] bytes = proc.getInputStream().readNBytes(64 * 1024);
            if (!proc.waitFor(30, TimeUnit.SECONDS)) {
                proc.destroyForcibly();
                throw new TranscodeFfmpegUnavailableException(exe.toString(), "-version did not finish within 30 s",
                        exe + " -version did not finish within 30 s; the " + what
                        + " executable hangs");
            }
            rc = proc.exitValue();
            out = new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new TranscodeFfmpegUnavailableException(exe.toString(), "cannot start: " + e.getMessage(),
                    "cannot start " + what + " at " + exe + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TranscodeFfmpegUnavailableException(exe.toString(), "interrupted",
                    "interrupted while checking " + exe);
        }
        if (rc != 0) {
            throw new TranscodeFfmpegUnavailableException(exe.toString(), "-version exited with " + rc,
                    explainStartFailure(exe, what, rc, out));
        }
        String first = out.lines().findFirst().orElse("");
        return first;
    }

    /**
     * Builds the message for a failure of JavaCPP's loader. Loading the ffmpeg preset also loads its JNI libraries,
     * so a missing system library shows up here first, as the cause of an {@code UnsatisfiedLinkError} (seen:
     * "libjniavdevice.so: libpulse.so.0: cannot open shared object file").
     */
    static String explainLoadFailure(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            String m = String.valueOf(c.getMessage());
            Matcher lib = MISSING_SO.matcher(m);
            if (lib.find()) {
                return "the ffmpeg bundled in org.bytedeco:ffmpeg cannot load: shared library " + lib.group(1)
                        + " is missing; " + fixFor(lib.group(1))
                        + ", or configure a system ffmpeg (TranscoderConfig.withFfmpeg, --ffmpeg)";
            }
        }
        return "cannot extract the ffmpeg bundled in org.bytedeco:ffmpeg (" + e + "); check that the"
                + " linux-x86_64-gpl jar is on the class path and that ~/.javacpp/cache is writable, or configure a"
                + " system ffmpeg (TranscoderConfig.withFfmpeg, --ffmpeg)";
    }

    private static String fixFor(String lib) {
        return lib.startsWith("libpulse")
                ? "install the system package libpulse0 (Debian/Ubuntu: apt-get install -y libpulse0;"
                        + " Fedora/RHEL: dnf install pulseaudio-libs)"
                : "install the system package that provides " + lib;
    }

    /** Builds the message for an executable that does not start, naming a missing shared library and its fix. */
    static String explainStartFailure(Path exe, String what, int rc, String output) {
        Matcher m = MISSING_LIB.matcher(output);
        if (m.find()) {
            String lib = m.group(1);
            String fix = fixFor(lib);
            return "the " + what + " executable at " + exe + " cannot start: shared library " + lib
                    + " is missing; " + fix + ", or configure a system ffmpeg (TranscoderConfig.withFfmpeg)";
        }
        String tail = output.length() > 500 ? output.substring(output.length() - 500) : output;
        return "the " + what + " executable at " + exe + " exited " + rc + " on -version: " + tail.strip();
    }

    /** The ffmpeg executable. */
    public Path ffmpeg() {
        return ffmpeg;
    }

    /** The ffprobe executable. */
    public Path ffprobe() {
        return ffprobe;
    }

    /** True for the executables bundled in {@code org.bytedeco:ffmpeg}. */
    public boolean isBundled() {
        return isBundled;
    }

    /** First line of {@code ffmpeg -version}. */
    public String version() {
        return version;
    }

    /** Environment variables to add when starting either executable. */
    public Map<String, String> environment() {
        return environment;
    }

    /** The full command for ffmpeg with these arguments. */
    public List<String> ffmpegCommand(List<String> args) {
        List<String> cmd = new ArrayList<>(args.size() + 1);
        cmd.add(ffmpeg.toString());
        cmd.addAll(args);
        return cmd;
    }

    /** The full command for ffprobe with these arguments. */
    public List<String> ffprobeCommand(List<String> args) {
        List<String> cmd = new ArrayList<>(args.size() + 1);
        cmd.add(ffprobe.toString());
        cmd.addAll(args);
        return cmd;
    }

    @Override
    public String toString() {
        return (isBundled ? "bundled " : "system ") + ffmpeg + " (" + version + ")";
    }

}
