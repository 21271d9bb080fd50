package io.stowage.transcode;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable, ordered set of {@link Preset}s. The built-in catalogue ships as the JSON resource
 * {@code io/stowage/transcode/presets.json}; users add or replace presets with their own JSON file of the same shape
 * ({@code {"presets": [...]}}).
 *
 * <p>{@code PresetCatalog presets = PresetCatalog.builtIn().with(PresetCatalog.load(Path.of("my-presets.json")));}
 *
 * <p>Immutable, so thread-safe.
 */
public final class PresetCatalog {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    private static final String RESOURCE = "/io/stowage/transcode/presets.json";
    private static volatile PresetCatalog builtIn;

    private final Map<String, Preset> presets;

    private PresetCatalog(Map<String, Preset> presets) {
        this.presets = presets;
    }

    /** The presets that ship with Stowage: h264, h265, web-mp4, copy, audio-aac, thumbnail-jpg, camera-archive. */
    public static PresetCatalog builtIn() {
        PresetCatalog c = builtIn;
        if (c == null) {
            try (InputStream in = PresetCatalog.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new TranscodeInvalidPresetException(null, RESOURCE, "built-in preset catalogue " + RESOURCE
                            + " is missing from the class path; the stowage-transcode jar is damaged");
                }
                c = parse(in.readAllBytes(), "built-in catalogue");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            builtIn = c;
        }
        return c;
    }

    /** A catalogue holding exactly the given presets, in order. */
    public static PresetCatalog of(Collection<Preset> presets) {
        Map<String, Preset> map = new LinkedHashMap<>();
        for (Preset p : presets) {
            if (map.put(p.name(), p) != null) {
                throw new TranscodeInvalidPresetException(p.name(), null,
                        "preset '" + p.name() + "' is defined twice; names must be unique");
            }
        }
        return new PresetCatalog(java.util.Collections.unmodifiableMap(map));
    }

    /**
     * Reads a JSON catalogue file: {@code {"presets": [ {preset}, ... ]}}.
     *
     * @throws TranscodeInvalidPresetException when the file is missing, is not valid JSON or holds an invalid preset
     */
    public static PresetCatalog load(Path file) {
        try {
            return parse(Files.readAllBytes(file), file.toString());
        } catch (NoSuchFileException e) {
            throw new TranscodeInvalidPresetException(null, file.toString(), file + ": preset file does not exist");
        } catch (IOException e) {
            throw new TranscodeInvalidPresetException(null, file.toString(),
                    file + ": cannot read preset file: " + e.getMessage(), e);
        }
    }

    /** Parses a JSON catalogue held in memory (see {@link #load(Path)}). */
    public static PresetCatalog parse(String json) {
        return parse(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), "preset JSON");
    }

    private static PresetCatalog parse(byte[] json, String source) {
        try {
            JsonNode root = JSON.readTree(json);
            JsonNode list = root == null ? null : root.get("presets");
            if (list == null || !list.isArray()) {
                throw new TranscodeInvalidPresetException(null, source,
                        source + ": expected {\"presets\": [ ... ]} at the top level");
            }
            List<Preset> presets = new ArrayList<>();
            for (JsonNode node : list) {
                try {
                    presets.add(JSON.treeToValue(node, Preset.class));
                } catch (JsonProcessingException e) {
                    Throwable cause = e.getCause() instanceof TranscodeInvalidPresetException ip ? ip : e;
                    String name = node.path("name").asText("?");
                    throw new TranscodeInvalidPresetException(name, source, source + ": preset '" + name + "': "
                            + (cause instanceof TranscodeInvalidPresetException ? cause.getMessage()
                                    : e.getOriginalMessage()),
                            e);
                }
            }
            return of(presets);
        } catch (TranscodeInvalidPresetException e) {
            throw e;
        } catch (IOException e) {
            throw new TranscodeInvalidPresetException(null, source,
                    source + ": not valid preset JSON: " + e.getMessage(), e);
        }
    }

    /** This catalogue plus {@code other}'s presets; a preset of {@code other} replaces one of the same name. */
    public PresetCatalog with(PresetCatalog other) {
        Map<String, Preset> map = new LinkedHashMap<>(presets);
        map.putAll(other.presets);
        return new PresetCatalog(java.util.Collections.unmodifiableMap(map));
    }

    /** This catalogue plus one preset (replacing one of the same name). */
    public PresetCatalog with(Preset preset) {
        return with(of(List.of(preset)));
    }

    /**
     * The preset of that name.
     *
     * @throws TranscodeUnknownPresetException naming the presets that exist
     */
    public Preset get(String name) {
        Preset p = presets.get(name);
        if (p == null) {
            throw new TranscodeUnknownPresetException(name, names());
        }
        return p;
    }

    /** The preset of that name, if present. */
    public Optional<Preset> find(String name) {
        return Optional.ofNullable(presets.get(name));
    }

    /** Names in catalogue order. */
    public List<String> names() {
        return List.copyOf(presets.keySet());
    }

    /** Presets in catalogue order. */
    public List<Preset> all() {
        return List.copyOf(presets.values());
    }
}
