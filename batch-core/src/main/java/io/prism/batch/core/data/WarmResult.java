package io.prism.batch.core.data;

import io.prism.batch.api.data.DataKey;
import java.util.List;
import java.util.Map;

/**
 * What a warm of a set of keys did.
 *
 * @param requested keys asked for
 * @param freshInL2 keys whose L2 record was fresh and was copied to L1
 * @param fetched keys fetched from the source
 * @param changed keys whose content changed (new ones included)
 * @param notFound keys the source has no data for
 * @param failed keys whose fetch failed, with the error message
 */
public record WarmResult(
    int requested,
    int freshInL2,
    int fetched,
    List<DataKey> changed,
    List<DataKey> notFound,
    Map<DataKey, String> failed) {

  /** Copies the collections. */
  public WarmResult {
    changed = List.copyOf(changed);
    notFound = List.copyOf(notFound);
    failed = Map.copyOf(failed);
  }
}
