package dev.bpflab.testing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** /q/metrics read the way Prometheus reads it: one {@link Sample} per series line. */
public final class Scrape {
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_]+)=\"([^\"]*)\"");
    /** The Accept header Prometheus scrapes with. */
    public static final String PROMETHEUS_ACCEPT = "application/openmetrics-text;version=1.0.0,"
            + "application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

    private Scrape() {
    }

    /** One line of the exposition format: {@code name{label="value",…} number}. */
    public record Sample(String name, Map<String, String> labels, double value) {
        static Sample parse(String line) {
            int space = line.lastIndexOf(' ');
            String series = line.substring(0, space);
            int brace = series.indexOf('{');
            Map<String, String> labels = new TreeMap<>();
            if (brace >= 0) {
                Matcher m = LABEL.matcher(series.substring(brace));
                while (m.find()) {
                    labels.put(m.group(1), m.group(2));
                }
            }
            return new Sample(brace >= 0 ? series.substring(0, brace) : series, labels,
                    Double.parseDouble(line.substring(space + 1)));
        }
    }

    public static List<Sample> scrape() {
        return scrape(PROMETHEUS_ACCEPT, "text/plain");
    }

    /** GET /q/metrics with {@code accept}; the answer must be of content type {@code format}. */
    public static List<Sample> scrape(String accept, String format) {
        String text = given().accept(accept).get("/q/metrics").then().statusCode(200)
                .contentType(containsString(format)).extract().asString();
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                samples.add(Sample.parse(line));
            }
        }
        return samples;
    }

    /** The value of the one series with this name and these labels (name, value, name, value …); fails if absent. */
    public static double value(List<Sample> samples, String name, String... labels) {
        Map<String, String> wanted = new TreeMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            wanted.put(labels[i], labels[i + 1]);
        }
        return samples.stream().filter(s -> s.name().equals(name) && s.labels().equals(wanted)).findFirst()
                .orElseThrow(() -> new AssertionError("/q/metrics has no " + name + wanted)).value();
    }

    /** How much a series grew between two scrapes. */
    public static double delta(List<Sample> before, List<Sample> after, String name, String... labels) {
        return value(after, name, labels) - value(before, name, labels);
    }
}
