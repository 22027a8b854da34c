package dev.bpflab.catalog;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.nio.file.Path;

/** Makes the template catalog injectable; the directory comes from {@code bpflab.templates.dir}. */
@ApplicationScoped
public class TemplateCatalogProducer {

    @Produces
    @Singleton
    TemplateCatalog templateCatalog(
            @ConfigProperty(name = "bpflab.templates.dir", defaultValue = "bpf-templates") String directory) {
        return TemplateCatalog.load(Path.of(directory));
    }
}
