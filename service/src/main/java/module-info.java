/** Thin HTTP adapters (Javalin): stowage serve transcode and stowage serve des, with JWT/OAuth login, error mapping, Prometheus metrics and health probes. */
module io.stowage.service {
    requires org.slf4j;

    // exports io.stowage...: added with the first public class
}
