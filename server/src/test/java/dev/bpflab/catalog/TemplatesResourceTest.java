package dev.bpflab.catalog;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

/** GET /api/templates and POST /api/templates/{id}/render as the browser calls them. */
@QuarkusTest
class TemplatesResourceTest {

    @Test
    void listsEveryTemplateWithTitlesParamsAndDefaults() {
        given().when().get("/api/templates").then().statusCode(200).contentType(ContentType.JSON)
                .body("size()", equalTo(TemplateCatalogTest.EXPECTED_IDS.size()))
                .body("id", hasItems("hello", "openat", "xdp-firewall", "lsm-deny-unlink", "fentry-unlink"))
                .body("find { it.id == 'xdp-firewall' }.title.es", equalTo("Firewall eBPF con XDP"))
                .body("find { it.id == 'xdp-firewall' }.category", equalTo("network"))
                .body("find { it.id == 'xdp-firewall' }.workload", equalTo("veth-traffic"))
                .body("find { it.id == 'xdp-firewall' }.params", hasSize(3))
                .body("find { it.id == 'xdp-firewall' }.params[0].type", equalTo("enum"))
                .body("find { it.id == 'xdp-firewall' }.params[0].values", hasItems("none", "icmp", "tcp", "udp"))
                .body("find { it.id == 'xdp-firewall' }.params[1].default", equalTo(7777))
                .body("find { it.id == 'openat' }.params[0].default", equalTo("touch"))
                .body("find { it.id == 'openat' }.params[0].description.en", startsWith("Only events from this command"))
                .body("find { it.id == 'fentry-unlink' }.needs", hasItems("fentry", "ringbuf"))
                .body("find { it.id == 'hello' }.needs", hasSize(0))
                .body("find { it.id == 'hello' }", org.hamcrest.Matchers.hasKey("kernel"));
    }

    @Test
    void rendersWithDefaultsAndWithParams() {
        given().contentType(ContentType.JSON).body("{}").when().post("/api/templates/hello/render").then()
                .statusCode(200).body("source", containsString("#define GREETING \"Hola desde eBPF\""));
        given().contentType(ContentType.JSON).body("{\"params\": {\"comm\": \"rm\", \"path_prefix\": \"/tmp/\"}}")
                .when().post("/api/templates/unlinkat/render").then().statusCode(200)
                .body("source", containsString("static const char target_comm[16] = \"rm\";"))
                .body("source", containsString("static const char path_prefix[] = \"/tmp/\";"));
    }

    @Test
    void aBadParameterIs400WithTheParameterNamed() {
        given().contentType(ContentType.JSON).body("{\"params\": {\"drop_port\": 99999}}")
                .when().post("/api/templates/xdp-firewall/render").then().statusCode(400).contentType(ContentType.JSON)
                .body("message", equalTo("parameter 'drop_port' must be a whole number from 0 to 65535; got 99999"));
        given().contentType(ContentType.JSON).body("{\"params\": {\"colour\": \"red\"}}")
                .when().post("/api/templates/hello/render").then().statusCode(400)
                .body("message", equalTo("parameter 'colour' does not exist; template 'hello' takes greeting"));
        given().contentType(ContentType.JSON).body("{\"params\": [1, 2]}")
                .when().post("/api/templates/hello/render").then().statusCode(400)
                .body("message", containsString("send {\"params\""));
    }

    @Test
    void theInjectionAttemptIs400() {
        given().contentType(ContentType.JSON)
                .body("{\"params\": {\"comm\": \"\\\"); bpf_override_return(ctx, 0); //\"}}")
                .when().post("/api/templates/openat/render").then().statusCode(400)
                .body("message", startsWith("parameter 'comm' does not accept \"\\\"); bpf_override_return(ctx, 0); //\""));
    }

    @Test
    void anUnknownTemplateIs404() {
        given().contentType(ContentType.JSON).body("{}").when().post("/api/templates/nope/render").then()
                .statusCode(404).body("message", startsWith("no template named 'nope'; known templates: "));
    }
}
