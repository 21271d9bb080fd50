package io.stowage.sync;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;

import java.io.IOException;

/**
 * The module's one JSON mapper: the recorded configuration ({@link SyncConfig} through {@link ConfigKey}, no
 * intermediate map) and the trigger body ({@link SessionSummary}). Thread-safe.
 */
final class SyncJson {
    static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new SimpleModule("stowage-sync").addSerializer(SyncConfig.class, new ConfigWriter()));

    private SyncJson() {}

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }

    static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }

    /** Writes every key of {@link ConfigKey} with its recorded value, in documentation order. */
    private static final class ConfigWriter extends StdSerializer<SyncConfig> {
        private static final long serialVersionUID = 1L;

        ConfigWriter() {
            super(SyncConfig.class);
        }

        @Override
        public void serialize(SyncConfig c, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeStartObject();
            for (ConfigKey k : ConfigKey.values()) {
                gen.writeFieldName(k.json());
                provider.defaultSerializeValue(k.recorded(c), gen);
            }
            gen.writeEndObject();
        }
    }
}
