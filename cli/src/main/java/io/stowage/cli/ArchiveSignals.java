package io.stowage.cli;

import io.stowage.archiver.CameraArchiver;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * SIGINT, SIGTERM, SIGHUP: the first cancels the archiver (running ffmpeg stopped, partial output removed, the
 * summary printed, exit 128 + signal); a second halts at once. The previous handlers come back on close.
 */
final class ArchiveSignals implements AutoCloseable {
    private static final String[] NAMES = {"INT", "TERM", "HUP"};
    private final AtomicInteger received = new AtomicInteger();
    private final Map<String, sun.misc.SignalHandler> previous = new java.util.HashMap<>();

    static ArchiveSignals install(CameraArchiver archiver) {
        ArchiveSignals s = new ArchiveSignals();
        for (String name : NAMES) {
            try {
                sun.misc.Signal sig = new sun.misc.Signal(name);
                s.previous.put(name, sun.misc.Signal.handle(sig, x -> s.on(x, archiver)));
            } catch (IllegalArgumentException e) {
                // not on this platform
            }
        }
        return s;
    }

    private void on(sun.misc.Signal sig, CameraArchiver archiver) {
        int code = 128 + sig.getNumber();
        if (received.compareAndSet(0, code)) {
            LoggerFactory.getLogger(ArchiveCommand.class).warn("SIG{} received: stopping (a second signal"
                    + " exits at once)", sig.getName());
            archiver.cancel();
        } else {
            Runtime.getRuntime().halt(code);
        }
    }

    int received() {
        return received.get();
    }

    int exitCode() {
        return received.get();
    }

    @Override
    public void close() {
        previous.forEach((name, h) -> sun.misc.Signal.handle(new sun.misc.Signal(name), h));
    }
}
