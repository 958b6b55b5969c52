package io.prism.batch.chroma.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.rag.VectorEntry;
import io.prism.batch.api.rag.VectorMatch;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PayloadsTest {
  private final ObjectMapper mapper = new ObjectMapper();

  private JsonNode json(String text) throws Exception {
    return mapper.readTree(text.replace('\'', '"'));
  }

  @Test
  void shouldCreateCollectionsWithTheCosineSpace() {
    assertThat(Payloads.createCollection("quotes"))
        .hasToString(
            "{\"name\":\"quotes\",\"configuration\":{\"hnsw\":{\"space\":\"cosine\"}},"
                + "\"get_or_create\":true}");
  }

  @Test
  void shouldReadTheSpaceFromConfigurationOrLegacyMetadata() throws Exception {
    assertThat(Payloads.space(json("{'configuration_json':{'hnsw':{'space':'cosine'}}}")))
        .isEqualTo("cosine");
    assertThat(Payloads.space(json("{'configuration_json':{'hnsw':null,'spann':{'space':'ip'}}}")))
        .isEqualTo("ip");
    assertThat(Payloads.space(json("{'configuration_json':{},'metadata':{'hnsw:space':'cosine'}}")))
        .isEqualTo("cosine");
    assertThat(Payloads.space(json("{'configuration_json':null,'metadata':null}"))).isEqualTo("l2");
  }

  @Test
  void shouldRemoveMetadataKeysTheNewEntryLacks() {
    List<VectorEntry> batch =
        List.of(
            new VectorEntry("a", new float[] {1f, 0.5f}, "text a", Map.of("k", "new")),
            new VectorEntry("b", new float[] {0f, 1f}, "", Map.of()));
    Map<String, Set<String>> current = Map.of("a", Set.of("k"), "b", Set.of("old"));

    JsonNode body = Payloads.upsert(batch, current);

    assertThat(body.get("ids")).hasToString("[\"a\",\"b\"]");
    assertThat(body.get("embeddings")).hasToString("[[1.0,0.5],[0.0,1.0]]");
    assertThat(body.get("documents")).hasToString("[\"text a\",\"\"]");
    assertThat(body.get("metadatas")).hasToString("[{\"k\":\"new\"},{\"old\":null}]");
  }

  @Test
  void shouldSendNullMetadataForAnEntryWithoutAny() {
    JsonNode body =
        Payloads.upsert(List.of(new VectorEntry("a", new float[] {1f}, "t", Map.of())), Map.of());

    assertThat(body.get("metadatas")).hasToString("[null]");
  }

  @Test
  void shouldRejectBadEntriesNamingTheirPosition() {
    List<VectorEntry> entries =
        List.of(
            new VectorEntry("ok", new float[] {1f}, "t", Map.of()),
            new VectorEntry("bad", new float[] {1f, Float.NaN}, "t", Map.of()));

    assertThatThrownBy(() -> Payloads.checkEntries(entries))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("entries[1].vector[1]: NaN is invalid");
    assertThatThrownBy(
            () ->
                Payloads.checkEntries(
                    List.of(new VectorEntry("", new float[] {1f}, "t", Map.of()))))
        .hasMessageStartingWith("entries[0].id");
    assertThatThrownBy(
            () -> Payloads.checkEntries(List.of(new VectorEntry("x", new float[0], "t", Map.of()))))
        .hasMessageStartingWith("entries[0].vector");
    assertThatThrownBy(
            () ->
                Payloads.checkEntries(
                    List.of(new VectorEntry("x", new float[] {1}, null, Map.of()))))
        .hasMessageStartingWith("entries[0].text");
    assertThatThrownBy(
            () ->
                Payloads.checkEntries(
                    List.of(
                        new VectorEntry("x", new float[] {1}, "t", Map.of("when", List.of(1))))))
        .hasMessageStartingWith("entries[0].metadata.when");
  }

  @Test
  void shouldReadEntriesWithTheirMetadataTypes() throws Exception {
    JsonNode answer =
        json(
            "{'ids':['a','b'],'embeddings':[[1.0,0.25],[0.0,1.0]],'documents':['doc',null],"
                + "'metadatas':[{'s':'x','i':7,'l':12345678901234,'d':1.5,'b':true},null]}");

    List<VectorEntry> entries = Payloads.entries(answer);

    assertThat(entries).extracting(VectorEntry::id).containsExactly("a", "b");
    assertThat(entries.get(0).vector()).containsExactly(1.0f, 0.25f);
    assertThat(entries.get(0).text()).isEqualTo("doc");
    assertThat(entries.get(0).metadata())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("s", "x", "i", 7, "l", 12345678901234L, "d", 1.5, "b", true));
    assertThat(entries.get(1).text()).isEmpty();
    assertThat(entries.get(1).metadata()).isEmpty();
  }

  @Test
  void shouldTurnDistancesIntoSimilaritiesMostSimilarFirst() throws Exception {
    JsonNode answer =
        json(
            "{'ids':[['far','near','exact']],'documents':[['f','n','e']],"
                + "'metadatas':[[null,{'k':1},null]],'distances':[[1.5,0.2,-0.0000001]]}");

    List<VectorMatch> matches = Payloads.matches(answer);

    assertThat(matches).extracting(VectorMatch::id).containsExactly("exact", "near", "far");
    assertThat(matches.get(0).similarity()).isEqualTo(1.0);
    assertThat(matches.get(1).similarity()).isCloseTo(0.8, within(1e-9));
    assertThat(matches.get(1).metadata()).containsEntry("k", 1);
    assertThat(matches.get(2).similarity()).isCloseTo(-0.5, within(1e-9));
  }

  @Test
  void shouldPageIdsWithTheFilterAndNothingIncluded() {
    JsonNode body = Payloads.idsPage(WhereFilter.of(Map.of("k", "v")), 100, 200);

    assertThat(body)
        .hasToString("{\"where\":{\"k\":\"v\"},\"limit\":100,\"offset\":200,\"include\":[]}");
  }

  @Test
  void shouldQueryOneVectorWithDistances() {
    JsonNode body = Payloads.query(new float[] {0.5f, 1f}, 3, WhereFilter.of(Map.of()));

    assertThat(body)
        .hasToString(
            "{\"query_embeddings\":[[0.5,1.0]],\"n_results\":3,"
                + "\"include\":[\"documents\",\"metadatas\",\"distances\"]}");
  }

  @Test
  void shouldCollectCurrentMetadataKeysById() throws Exception {
    JsonNode answer = json("{'ids':['a','b'],'metadatas':[{'x':1,'y':2},null]}");

    assertThat(Payloads.metadataKeys(answer)).isEqualTo(Map.of("a", Set.of("x", "y")));
  }
}
