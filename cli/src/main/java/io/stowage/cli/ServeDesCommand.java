package io.stowage.cli;

import io.stowage.des.ingest.IngestDatabase;
import io.stowage.des.s3.IndexCache;
import io.stowage.des.s3.RedisIndexCache;
import io.stowage.s3.S3Settings;
import io.stowage.service.des.DesServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code stowage serve des}: name assignment and file retrieval by DES name, a drop-in for the existing DES HTTP
 * services (DES-INGEST.md section 5), on {@link DesServer}.
 */
@Command(name = "des", mixinStandardHelpOptions = true, defaultValueProvider = ArchiveCommand.EnvDefaults.class,
        description = {"Serve DES names and files: POST /assign, GET|HEAD /files/{name} (ranges), /health,",
            "/health/live, /health/ready, /metrics, as the existing DES services answer them. The node id is leased",
            "in the metadata database: an instance whose node id a live process holds refuses to start. Reads",
            "DES_NODE_ID, DES_WRAP_BITS, DES_SHARD_BITS, DES_DB_URL, DES_ARCHIVE_BUCKET; every flag also reads",
            "STOWAGE_<FLAG> and wins over them. Stops cleanly on Ctrl-C or SIGTERM."},
        footer = {"", "Examples:",
            "  stowage serve des --state jdbc:postgresql://db/des?user=des --endpoint http://minio:9000 \\",
            "      --bucket des-archives --node-id 3 --redis redis://cache:6379",
            "  DES_DB_URL=postgresql://des@db/des DES_NODE_ID=4 stowage serve des --port 8000 --files-port 8001"})
final class ServeDesCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--port", paramLabel = "P", defaultValue = "8000", description = "Port of every endpoint "
            + "(default 8000; 0 any).")
    int port;

    @Option(names = "--files-port", paramLabel = "P", description = "A second port that serves /files too (the "
            + "existing retriever's 8001).")
    Integer filesPort;

    @Option(names = "--host", paramLabel = "ADDR", defaultValue = "127.0.0.1",
            description = "Address to bind (default 127.0.0.1; 0.0.0.0 for every interface).")
    String host;

    @CommandLine.Mixin
    DesStateOption state;

    @Option(names = "--bucket", paramLabel = "B", description = "Archive bucket (default: $DES_ARCHIVE_BUCKET, else "
            + "des-archives).")
    String bucket;

    @CommandLine.Mixin
    S3Cli.EndpointOption endpoint;

    @Option(names = "--redis", paramLabel = "URL", description = "Redis shared by the instances for container "
            + "indexes (recommended: one S3 request per file once warm); none: in-process cache only.")
    String redis;

    @Option(names = "--node-id", paramLabel = "N", description = "Snowflake node id 0..255 (default: $DES_NODE_ID, "
            + "else 0).")
    Integer nodeId;

    @Option(names = "--wrap-bits", paramLabel = "N", description = "Default: $DES_WRAP_BITS, else 32.")
    Integer wrapBits;

    @Option(names = "--shard-bits", paramLabel = "N", description = "Bits of /assign's shard_id (default: "
            + "$DES_SHARD_BITS, else 8).")
    Integer shardBits;

    @Option(names = "--json", description = "Print the addresses as one JSON object.")
    boolean json;

    /** {@code --json}: where to go. */
    record Serving(String url, String filesUrl, int nodeId, String bucket, String state) {
    }

    private static int env(String key, Integer flag, int dflt) {
        if (flag != null) {
            return flag;
        }
        String v = System.getenv(key);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw CliException.usage(key + "=" + v + " is not a whole number");
        }
    }

    private static String env(String key, String flag, String dflt) {
        if (flag != null && !flag.isBlank()) {
            return flag;
        }
        String v = System.getenv(key);
        return v == null || v.isBlank() ? dflt : v.strip();
    }

    @Override
    public Integer call() throws InterruptedException {
        int node = env("DES_NODE_ID", nodeId, 0);
        int wrap = env("DES_WRAP_BITS", wrapBits, 32);
        int shard = env("DES_SHARD_BITS", shardBits, 8);
        String archive = env("DES_ARCHIVE_BUCKET", bucket, "des-archives");
        String url = state.url();
        if (node < 0 || node > 255) {
            throw CliException.usage("--node-id " + node + " is outside 0..255");
        }
        IngestDatabase db = IngestDatabase.open(url);
        S3Client s3 = null;
        IndexCache cache = null;
        DesServer server;
        try {
            db.migrate();
            S3Settings settings = endpoint.settings()
                    .withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(10)).withSdkMaxAttempts(2);
            s3 = settings.newClient();
            cache = redis == null || redis.isBlank() ? IndexCache.caffeine(64L << 20)
                    : IndexCache.layered(IndexCache.caffeine(64L << 20), RedisIndexCache.builder(redis).build());
            DesServer.Builder b = DesServer.builder(db, s3, archive).host(host).port(port).nodeId(node)
                    .wrapBits(wrap).shardBits(shard).indexCache(cache);
            if (filesPort != null) {
                b.filesPort(filesPort);
            }
            server = b.start();
        } catch (RuntimeException e) {
            if (cache != null) {
                cache.close();
            }
            if (s3 != null) {
                s3.close();
            }
            db.close();
            throw e;
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Output.printJson(out, new Serving(server.url(), server.filesUrl(), server.nodeId(), archive, db.where()));
        } else {
            out.println("serving des on " + server.url() + (server.filesUrl() == null ? ""
                    : " (files also on " + server.filesUrl() + ")") + ", node id " + server.nodeId()
                    + ", bucket " + archive + ", state " + db.where());
            out.flush();
        }
        spec.commandLine().getErr().println("serving; Ctrl-C or SIGTERM stops");
        spec.commandLine().getErr().flush();
        CountDownLatch stopped = new CountDownLatch(1);
        S3Client client = s3;
        IndexCache c = cache;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();   // frees the node id
            } finally {
                c.close();
                client.close();
                db.close();
                stopped.countDown();
            }
        }, "stowage-serve-des-stop"));
        stopped.await();
        return ExitCodes.OK;
    }
}
