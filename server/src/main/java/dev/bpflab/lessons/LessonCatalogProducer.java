package dev.bpflab.lessons;

import dev.bpflab.catalog.TemplateCatalog;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Makes the lessons injectable; the directory comes from {@code bpflab.lessons.dir}. */
@ApplicationScoped
public class LessonCatalogProducer {

    @Produces
    @Singleton
    LessonCatalog lessonCatalog(TemplateCatalog templates,
            @ConfigProperty(name = "bpflab.lessons.dir", defaultValue = "workshop-material") String directory) {
        return LessonCatalog.load(Path.of(directory), templates);
    }
}
