package io.stowage.service;

/**
 * A service that cannot start because of its configuration: a bad flag value, an unreadable key file or OAuth
 * configuration, a port already taken, a Redis that does not answer. The message names the setting and the fix.
 * The command line exits with 2 (usage) for it.
 *
 * <p>{@code throw new ServiceConfigException("--port 70000: must be 0..65535");}
 *
 * <p>Immutable, so thread-safe.
 */
public class ServiceConfigException extends ServiceException {
    private static final long serialVersionUID = 1L;

    /** A configuration failure; the message names the setting and how to fix it. */
    public ServiceConfigException(String message) {
        super(500, message);
    }

    /** The same with its cause. */
    public ServiceConfigException(String message, Throwable cause) {
        super(500, message, cause);
    }
}
