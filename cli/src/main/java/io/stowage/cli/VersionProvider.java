package io.stowage.cli;

import picocli.CommandLine;

import java.io.InputStream;
import java.util.Properties;

/** Reads the version Maven wrote into {@code stowage-version.properties}. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws Exception {
        Properties p = new Properties();
        try (InputStream in = VersionProvider.class.getResourceAsStream("/stowage-version.properties")) {
            if (in != null) {
                p.load(in);
            }
        }
        return new String[] {
            "stowage " + p.getProperty("version", "unknown"),
            "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"
        };
    }
}
