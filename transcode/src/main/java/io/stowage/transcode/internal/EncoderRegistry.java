package io.stowage.transcode.internal;

import io.stowage.transcode.Preset;
import io.stowage.transcode.TranscodeCancelledException;
import io.stowage.transcode.TranscodeFfmpegUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which encoders this ffmpeg can really use: listed by {@code ffmpeg -encoders}, and a tiny trial encode succeeds
 * (a hardware encoder is listed whether or not there is a GPU). Each answer is computed once and cached.
 *
 * <p>Thread-safe.
 */
public final class EncoderRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(EncoderRegistry.class);
    private static final Pattern LINE =
            Pattern.compile("^\\s*([VAS])[.A-Z]{5}\\s+(\\S+)\\s+(.*?)\\s*$");
    private static final Pattern CODEC = Pattern.compile("\\(codec ([^)]+)\\)\\s*$");
    private static final Duration TRIAL_TIMEOUT = Duration.ofSeconds(20);

    /** An encoder as {@code ffmpeg -encoders} lists it. */
    public record Listed(String name, char type, String codec, String description) {
    }

    /** Whether an encoder (with the options its preset entry needs) works here, and why not. */
    public record Usability(String encoder, boolean usable, String reason) {
    }

    private final FfmpegInstallation installation;
    private volatile Map<String, Listed> listed;
    private final Map<String, Usability> trials = new ConcurrentHashMap<>();

    public EncoderRegistry(FfmpegInstallation installation) {
        this.installation = installation;
    }

    /** Every encoder {@code ffmpeg -encoders} lists, by name (runs ffmpeg once). */
    public Map<String, Listed> listed() {
        Map<String, Listed> l = listed;
        if (l == null) {
            synchronized (this) {
                l = listed;
                if (l == null) {
                    l = loadListed();
                    listed = l;
                }
            }
        }
        return l;
    }

    private Map<String, Listed> loadListed() {
        Exec.Completion r;
        try {
            r = Exec.run(installation, installation.ffmpegCommand(List.of("-hide_banner", "-encoders")),
                    TRIAL_TIMEOUT);
        } catch (IOException e) {
            throw new TranscodeFfmpegUnavailableException(installation.ffmpeg().toString(), "cannot be started",
                    "cannot run " + installation.ffmpeg() + " -encoders: " + e.getMessage()
                            + "; check the ffmpeg installation (TranscoderConfig.ffmpeg, --ffmpeg)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TranscodeCancelledException(null, "interrupted while listing encoders");
        }
        if (r.exitCode() != 0) {
            throw new TranscodeFfmpegUnavailableException(installation.ffmpeg().toString(),
                    "-encoders exited " + r.exitCode(), installation.ffmpeg() + " -encoders exited " + r.exitCode()
                            + ": " + r.stderrText() + "; check the ffmpeg installation (run it by hand)");
        }
        return parseListing(r.stdout());
    }

    /** Parses the output of {@code ffmpeg -encoders}. */
    public static Map<String, Listed> parseListing(String text) {
        Map<String, Listed> map = new java.util.LinkedHashMap<>();
        boolean started = false;
        for (String line : text.split("\n")) {
            if (line.strip().startsWith("------")) {
                started = true;
                continue;
            }
            if (!started) {
                continue;
            }
            Matcher m = LINE.matcher(line);
            if (m.matches()) {
                String desc = m.group(3);
                Matcher c = CODEC.matcher(desc);
                String codec = c.find() ? c.group(1).strip() : m.group(2);
                map.put(m.group(2), new Listed(m.group(2), m.group(1).charAt(0), codec, desc));
            }
        }
        return java.util.Collections.unmodifiableMap(map);
    }

    /**
     * Whether this encoder entry works here: listed, and a trial encode of a tiny generated picture (or sound)
     * with the entry's input options and filter succeeds. Cached per entry.
     */
    public Usability usability(Preset.EncoderOption option) {
        String key = option.name() + "|" + option.inputArgs() + "|" + option.filter();
        return trials.computeIfAbsent(key, k -> trial(option));
    }

    private Usability trial(Preset.EncoderOption option) {
        Listed l = listed().get(option.name());
        if (l == null) {
            return new Usability(option.name(), false, "not in this ffmpeg's encoder list (ffmpeg -encoders)");
        }
        List<String> args = new ArrayList<>(List.of("-hide_banner", "-nostdin", "-loglevel", "error"));
        args.addAll(option.inputArgs());
        if (l.type() == 'A') {
            args.addAll(List.of("-f", "lavfi", "-i", "anullsrc=r=48000:cl=stereo", "-t", "0.1",
                    "-c:a", option.name()));
            if (option.filter() != null) {
                args.addAll(List.of("-af", option.filter()));
            }
        } else if (l.type() == 'V') {
            args.addAll(List.of("-f", "lavfi", "-i", "color=c=black:s=256x256:r=25:d=0.2", "-frames:v", "3",
                    "-c:v", option.name()));
            if (option.filter() != null) {
                args.addAll(List.of("-vf", option.filter()));
            }
        } else {
            return new Usability(option.name(), false, "a subtitle encoder; not usable for audio or video");
        }
        args.addAll(List.of("-f", "null", "-"));
        long t0 = System.nanoTime();
        try {
            Exec.Completion r = Exec.run(installation, installation.ffmpegCommand(args), TRIAL_TIMEOUT);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            if (r.timedOut()) {
                LOG.info("encoder {} unusable: trial encode did not finish within {} s", option.name(),
                        TRIAL_TIMEOUT.toSeconds());
                return new Usability(option.name(), false, "trial encode did not finish within "
                        + TRIAL_TIMEOUT.toSeconds() + " s");
            }
            if (r.exitCode() != 0) {
                // the first line names the cause ("Cannot load libcuda.so.1"); later ones are consequences
                String why = r.stderrTail().isEmpty() ? "exit code " + r.exitCode()
                        : r.stderrTail().get(0).replaceFirst("^\\[[^\\]]*@ 0x[0-9a-f]+\\]\\s*", "");
                LOG.debug("encoder {} unusable ({} ms): {}", option.name(), ms, r.stderrText());
                return new Usability(option.name(), false, "trial encode failed: " + why);
            }
            LOG.debug("encoder {} usable ({} ms trial)", option.name(), ms);
            return new Usability(option.name(), true, "");
        } catch (IOException e) {
            return new Usability(option.name(), false, "cannot start ffmpeg for the trial: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TranscodeCancelledException(null, "interrupted while trying encoder " + option.name());
        }
    }
}
