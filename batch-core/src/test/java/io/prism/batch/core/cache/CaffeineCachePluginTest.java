package io.prism.batch.core.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.Plugins;
import io.prism.batch.api.data.CacheTier;
import io.prism.batch.core.cache.internal.CaffeineCachePlugin;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Checks the {@code caffeine} provider of {@link CacheTier}. */
class CaffeineCachePluginTest {

  @Test
  void shouldBeFoundByNameWithItsMaximumSize() {
    CacheTier tier = Plugins.create(CacheTier.class, "caffeine", Map.of("maximumSize", "42"));

    assertThat(tier).isInstanceOf(CaffeineCacheTier.class);
    assertThat(((CaffeineCacheTier) tier).maximumSize()).isEqualTo(42);
  }

  @Test
  void shouldUseTheDefaultsWithoutSettings() {
    CacheTier tier = new CaffeineCachePlugin().create(Map.of());

    assertThat(((CaffeineCacheTier) tier).maximumSize())
        .isEqualTo(CaffeineCacheTier.DEFAULT_MAXIMUM_SIZE);
  }

  @Test
  void shouldNameABadMaximumSize() {
    assertThatThrownBy(() -> new CaffeineCachePlugin().create(Map.of("maximumSize", "lots")))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("maximumSize"));
  }

  @Test
  void shouldNameAnUnknownSetting() {
    assertThatThrownBy(() -> new CaffeineCachePlugin().create(Map.of("maxSize", "10")))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("maxSize"));
  }
}
