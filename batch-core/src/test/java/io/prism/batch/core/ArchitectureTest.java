package io.prism.batch.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Keeps the module layering: api depends on nothing, core never on an adapter. */
class ArchitectureTest {
  private static final JavaClasses CLASSES = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("io.prism.batch");

  @Test
  void shouldKeepTheApiFreeOfThirdPartyDependencies() {
    classes().that().resideInAPackage("io.prism.batch.api..")
        .should().onlyDependOnClassesThat().resideInAnyPackage("io.prism.batch.api..", "java..")
        .check(CLASSES);
  }

  @Test
  void shouldNeverLetCoreImportAnAdapter() {
    noClasses().that().resideInAPackage("io.prism.batch.core..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "io.prism.batch.redis..", "io.prism.batch.postgres..", "io.prism.batch.chroma..",
            "io.prism.batch.akshare..", "io.prism.batch.onnx..",
            "io.lettuce..", "org.jdbi..", "org.postgresql..", "ai.onnxruntime..")
        .check(CLASSES);
  }
}
