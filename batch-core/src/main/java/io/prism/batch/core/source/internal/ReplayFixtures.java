package io.prism.batch.core.source.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.prism.batch.api.BatchException;
import io.prism.batch.core.internal.CanonicalJson;
import java.io.IOException;
import java.io.InputStream;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The replay data under {@value #ROOT} on the class path: {@code index.json} and the
 * AKTools-shaped responses it lists (see the folder's README). Immutable once loaded; thread-safe.
 */
public final class ReplayFixtures {

  /** The class-path folder of the replay data. */
  public static final String ROOT = "prism/akshare/";

  private final LocalDate asOf;
  private final Map<String, Stock> stocks;
  private final Map<String, ArrayNode> files;

  private ReplayFixtures(LocalDate asOf, Map<String, Stock> stocks, Map<String, ArrayNode> files) {
    this.asOf = asOf;
    this.stocks = stocks;
    this.files = files;
  }

  /**
   * Loads the data with a class loader.
   *
   * @param loader where to find {@value #ROOT}
   * @return the data
   * @throws BatchException if a file is missing or is not JSON
   */
  public static ReplayFixtures load(ClassLoader loader) {
    JsonNode index = read(loader, "index.json");
    Map<String, Stock> stocks = new LinkedHashMap<>();
    for (JsonNode s : index.path("stocks")) {
      String code = s.path("code").asText();
      stocks.put(code, new Stock(code, s.path("name").asText(), s.path("exchange").asText(),
          s.path("adjust").asText()));
    }
    Map<String, ArrayNode> files = new LinkedHashMap<>();
    for (JsonNode f : index.path("files")) {
      JsonNode body = read(loader, f.asText());
      if (!body.isArray()) {
        throw new BatchException("replay data " + ROOT + f.asText() + " is not a JSON array");
      }
      files.put(f.asText(), (ArrayNode) body);
    }
    return new ReplayFixtures(LocalDate.parse(index.path("asOf").asText()),
        Collections.unmodifiableMap(stocks), Collections.unmodifiableMap(files));
  }

  private static JsonNode read(ClassLoader loader, String path) {
    try (InputStream in = loader.getResourceAsStream(ROOT + path)) {
      if (in == null) {
        throw new BatchException("replay data " + ROOT + path + " is not on the class path");
      }
      return CanonicalJson.MAPPER.readTree(in);
    } catch (IOException e) {
      throw new BatchException("cannot read replay data " + ROOT + path, e);
    }
  }

  /**
   * Returns the date the data is as of.
   *
   * @return e.g. 2025-05-23
   */
  public LocalDate asOf() {
    return asOf;
  }

  /**
   * Returns the stocks, in index order.
   *
   * @return code → stock
   */
  public Map<String, Stock> stocks() {
    return stocks;
  }

  /**
   * Returns one response.
   *
   * @param path e.g. {@code stock_zh_a_hist/600519.json}
   * @return the records, or empty when there is no such file
   */
  public Optional<ArrayNode> file(String path) {
    return Optional.ofNullable(files.get(path));
  }

  /**
   * Returns the paths that start with a prefix, sorted.
   *
   * @param prefix e.g. {@code stock_gdfx_top_10_em/sh600519_}
   * @return the paths
   */
  public List<String> paths(String prefix) {
    List<String> out = new ArrayList<>();
    for (String p : files.keySet()) {
      if (p.startsWith(prefix)) {
        out.add(p);
      }
    }
    Collections.sort(out);
    return out;
  }

  /**
   * A stock of the replay data.
   *
   * @param code six digits
   * @param name its short name, e.g. 贵州茅台
   * @param exchange SH, SZ or BJ
   * @param adjust the price adjustment of its daily file: qfq, hfq or empty
   */
  public record Stock(String code, String name, String exchange, String adjust) {}
}
