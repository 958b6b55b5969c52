package io.prism.batch.postgres.internal;

import io.prism.batch.api.BatchException;
import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One versioned SQL migration found on the class path: {@code V<version>__<description>.sql}.
 *
 * @param version the version, from 1
 * @param description the description, from the file name
 * @param fileName the file name
 * @param sql the script; {@code ${schema}} stands for the quoted schema
 * @param checksum SHA-256 (hex) of the script
 */
public record MigrationScript(
    int version, String description, String fileName, String sql, String checksum) {

  private static final Pattern NAME = Pattern.compile("V([0-9]{1,9})__([A-Za-z0-9_]+)\\.sql");

  /**
   * Finds the scripts in a class-path folder, in version order, checking that the versions
   * run 1, 2, 3… without gaps or duplicates.
   *
   * @param loader the class loader
   * @param location the folder, e.g. {@code io/prism/batch/postgres/migration}
   * @param anchor a class whose jar or folder holds the scripts, searched when the class
   *     loader lists no folder (jars without directory entries)
   * @return the scripts
   * @throws BatchException if none are found or the versions are not consecutive
   */
  public static List<MigrationScript> discover(ClassLoader loader, String location,
      Class<?> anchor) {
    TreeSet<String> names = new TreeSet<>();
    try {
      Enumeration<URL> urls = loader.getResources(location);
      while (urls.hasMoreElements()) {
        names.addAll(list(urls.nextElement(), location));
      }
      if (names.isEmpty()) {
        CodeSource cs = anchor.getProtectionDomain().getCodeSource();
        if (cs != null && cs.getLocation() != null) {
          names.addAll(listCodeSource(cs.getLocation(), location));
        }
      }
    } catch (IOException | URISyntaxException e) {
      throw new BatchException("cannot list migrations in " + location + ": " + e, e);
    }
    Map<Integer, MigrationScript> byVersion = new TreeMap<>();
    for (String name : names) {
      Matcher m = NAME.matcher(name);
      if (!m.matches()) {
        continue;
      }
      int version = Integer.parseInt(m.group(1));
      MigrationScript s = new MigrationScript(version, m.group(2).replace('_', ' '), name,
          read(loader, location + "/" + name), null);
      MigrationScript prior = byVersion.putIfAbsent(version, s.withChecksum());
      if (prior != null) {
        throw new BatchException("two migrations have version " + version + ": "
            + prior.fileName() + " and " + name);
      }
    }
    if (byVersion.isEmpty()) {
      throw new BatchException("no migrations found in class-path folder " + location);
    }
    List<MigrationScript> ordered = new ArrayList<>(byVersion.values());
    for (int i = 0; i < ordered.size(); i++) {
      if (ordered.get(i).version() != i + 1) {
        throw new BatchException("migration versions must run 1, 2, 3... without gaps; found "
            + byVersion.keySet());
      }
    }
    return List.copyOf(ordered);
  }

  /**
   * Returns the script with the schema filled in.
   *
   * @param quotedSchema the quoted schema
   * @return the SQL to run
   */
  public String render(String quotedSchema) {
    return Sql.render(sql, quotedSchema);
  }

  private MigrationScript withChecksum() {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(sql.getBytes(StandardCharsets.UTF_8));
      return new MigrationScript(version, description, fileName, sql,
          HexFormat.of().formatHex(digest));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }

  private static List<String> list(URL url, String location)
      throws IOException, URISyntaxException {
    if ("file".equals(url.getProtocol())) {
      return listDirectory(Path.of(url.toURI()));
    }
    URLConnection c = url.openConnection();
    if (c instanceof JarURLConnection jar) {
      jar.setUseCaches(false);
      try (JarFile jf = jar.getJarFile()) {
        return listJar(jf, location);
      }
    }
    throw new BatchException("cannot list migrations at " + url + " (protocol "
        + url.getProtocol() + ")");
  }

  private static List<String> listCodeSource(URL url, String location)
      throws IOException, URISyntaxException {
    if (!"file".equals(url.getProtocol())) {
      return List.of();
    }
    Path p = Path.of(url.toURI());
    if (Files.isDirectory(p)) {
      Path dir = p.resolve(location);
      return Files.isDirectory(dir) ? listDirectory(dir) : List.of();
    }
    try (JarFile jf = new JarFile(p.toFile())) {
      return listJar(jf, location);
    }
  }

  private static List<String> listDirectory(Path dir) throws IOException {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.sql")) {
      for (Path f : ds) {
        names.add(f.getFileName().toString());
      }
    }
    return names;
  }

  private static List<String> listJar(JarFile jf, String location) {
    String prefix = location + "/";
    List<String> names = new ArrayList<>();
    Enumeration<JarEntry> entries = jf.entries();
    while (entries.hasMoreElements()) {
      String n = entries.nextElement().getName();
      if (n.startsWith(prefix) && n.endsWith(".sql") && n.indexOf('/', prefix.length()) < 0) {
        names.add(n.substring(prefix.length()));
      }
    }
    return names;
  }

  private static String read(ClassLoader loader, String resource) {
    try (InputStream in = loader.getResourceAsStream(resource)) {
      if (in == null) {
        throw new BatchException("migration " + resource + " is listed but cannot be read");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new BatchException("cannot read migration " + resource + ": " + e, e);
    }
  }
}
