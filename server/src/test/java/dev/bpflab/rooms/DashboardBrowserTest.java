package dev.bpflab.rooms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bpflab.testing.Chromium;
import dev.bpflab.testing.Classroom;
import dev.bpflab.testing.RunClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import dev.bpflab.testing.Prerequisites;
import dev.bpflab.testing.BrowserTest;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;

/**
 * The rooms page in Debian's Chromium, headless: an instructor creates a room on the page, a student joins on the
 * join page, the student's real run (a syntax error) shows on the dashboard with its line, the filters find it, and
 * the instructor opens the code with the failing line marked; a lesson step pushed from the dashboard is pending until
 * the student chooses what to do with their code, and has one number on both pages. Screenshots go to
 * target/screenshots/rooms-*.png.
 */
@QuarkusTest
@BrowserTest
class DashboardBrowserTest {
    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    static final Duration WAIT = Duration.ofSeconds(30);

    @TestHTTPResource("/")
    URI root;

    Chromium chromium;
    ChromeDriver driver;

    void startBrowser() throws IOException {
        chromium = Chromium.startFor(SCREENSHOTS, 1400, 800);
        driver = chromium.driver();
    }

    @AfterEach
    void stopBrowser() {
        if (chromium != null) {
            chromium.close();
        }
    }

    @Test
    void twoStudentsSharingOneBrowserKeepTheirOwnTabs() throws Exception {
        int status = HttpClient.newHttpClient().send(HttpRequest.newBuilder(root.resolve("/dashboard.html")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
        Prerequisites.require(status == 200, "the rooms page is not built (-Dskip.web=true)");
        startBrowser();
        try (Classroom room = Classroom.open("Shared PC")) {
            // A tab of the lab is open, in no room; Ana joins in another tab of the lab PC's browser; then Bob, at
            // the same PC, joins in a third tab of the same profile.
            driver.get(root.toString());
            String soloTab = driver.getWindowHandle();
            driver.switchTo().newWindow(WindowType.TAB);
            driver.get(root.resolve("/join/" + room.joinCode).toString());
            driver.findElement(By.id("join-name")).sendKeys("Ana", Keys.ENTER);
            waitFor("Ana's lab page", () -> driver.getCurrentUrl().endsWith(":" + root.getPort() + "/") ? true : null);
            String anasTab = driver.getWindowHandle();
            driver.switchTo().newWindow(WindowType.TAB);
            driver.get(root.resolve("/join/" + room.joinCode).toString());
            String already = waitFor("the note that this browser is in a room", () -> driver.findElements(By.id("already"))
                    .stream().filter(WebElement::isDisplayed).map(WebElement::getText).findFirst().orElse(null));
            assertTrue(already.contains("Ana") && already.contains("Someone else on this computer?"), already);
            driver.findElement(By.id("join-name")).sendKeys("Bob", Keys.ENTER);
            waitFor("Bob's lab page", () -> driver.getCurrentUrl().endsWith(":" + root.getPort() + "/") ? true : null);
            waitFor("Bob's room bar", () -> roomBar().contains("Bob") ? true : null);

            // Ana's tab, even reloaded, is still Ana's, and her Run counts for her, not for Bob.
            driver.switchTo().window(anasTab);
            driver.navigate().refresh();
            waitFor("Ana's room bar", () -> roomBar().contains("Ana") ? true : null);
            waitFor("the Run button", () -> driver.findElements(By.id("run")).stream().filter(WebElement::isEnabled)
                    .findFirst().orElse(null)).click();
            waitFor("Ana's run on the dashboard", () -> runsOf(room, "Ana") >= 1 ? true : null);
            assertEquals(0, runsOf(room, "Bob"), "Bob ran nothing");
            screenshot("rooms-shared-browser-ana");

            // The tab that was open before anyone joined is still nobody's: its Run counts for neither.
            driver.switchTo().window(soloTab);
            int anas = runsOf(room, "Ana");
            waitFor("the solo tab's Run button", () -> driver.findElements(By.id("run")).stream()
                    .filter(WebElement::isEnabled).findFirst().orElse(null)).click();
            waitFor("the solo tab's run attached", () -> "attached".equals(
                    driver.findElement(By.id("phase")).getAttribute("data-phase")) ? true : null);
            assertEquals("", roomBar(), "no room bar in the solo tab");
            assertEquals(anas, runsOf(room, "Ana"), "the solo tab's run is not Ana's");
            assertEquals(0, runsOf(room, "Bob"), "nor Bob's");
        }
    }

    private String roomBar() {
        return driver.findElements(By.cssSelector(".bpflab-room-bar")).stream().map(WebElement::getText).findFirst().orElse("");
    }

    private static int runsOf(Classroom room, String name) {
        return room.snapshot().getInt("students.find { it.name == '" + name + "' }.runs");
    }

    @Test
    void anInstructorWatchesAStudentsCompileErrorOnTheDashboard() throws Exception {
        int status = HttpClient.newHttpClient().send(HttpRequest.newBuilder(root.resolve("/dashboard.html")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
        Prerequisites.require(status == 200, "the rooms page is not built (-Dskip.web=true)");
        startBrowser();

        // The instructor creates a room on the page and opens its dashboard.
        driver.get(root.resolve("/dashboard.html").toString());
        driver.findElement(By.id("create-title")).sendKeys("Browser room");
        driver.findElement(By.cssSelector("#create-form button[type=submit]")).click();
        WebElement open = waitFor("the dashboard link", () -> driver.findElements(By.linkText("Open the dashboard")).stream()
                .findFirst().orElse(null));
        screenshot("rooms-01-created");
        String instructorLink = open.getAttribute("href");
        assertTrue(instructorLink.contains("/dashboard.html#room="), instructorLink);
        open.click();
        String code = waitFor("the join code", () -> emptyToNull(driver.findElement(By.id("join-code-big")).getText()));
        assertEquals("Browser room", driver.findElement(By.id("room-title")).getText());
        String dashboardTab = driver.getWindowHandle();

        // A student joins in another tab with the link on the projector.
        driver.switchTo().newWindow(WindowType.TAB);
        driver.get(root.resolve("/join/" + code).toString());
        assertEquals(code, driver.findElement(By.id("join-code")).getAttribute("value"));
        driver.findElement(By.id("join-name")).sendKeys("Ada");
        driver.findElement(By.cssSelector("#join-form button[type=submit]")).click();
        waitFor("the lab page", () -> driver.getCurrentUrl().endsWith(":" + root.getPort() + "/") ? true : null);
        String stored = (String) driver.executeScript("return localStorage.getItem('bpflab.room')");
        JsonNode member = JsonSocket.JSON.readTree(stored);
        String token = member.path("learnerToken").asText();
        assertEquals(43, token.length(), stored);
        String fragment = instructorLink.substring(instructorLink.indexOf('#') + 1);
        java.util.Map<String, String> link = new java.util.HashMap<>();
        for (String pair : fragment.split("&")) {
            link.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
        }
        // The lab page reports its editor's text a few seconds after it opens, and the latest code is what the
        // dashboard shows: wait for that report, so that the run below is the latest.
        waitFor("the editor's code on the server", () -> "editor".equals(io.restassured.RestAssured.given()
                .header("Authorization", "Bearer " + link.get("secret")).when()
                .get("/api/rooms/" + link.get("room") + "/students/" + member.path("studentId").asText() + "/source")
                .then().extract().path("origin")) ? true : null);

        // The student's real run fails to compile.
        try (JsonSocket run = JsonSocket.open(root, "/ws/run?learner=" + token)) {
            run.send(Map.of("type", "run", "source", RunClient.program("syntax_error.bpf.c")));
            run.await("failed", m -> RunClient.isPhase(m, "failed"), Duration.ofSeconds(60));
        }

        driver.switchTo().window(dashboardTab);
        // Rows are rebuilt every second ("… s ago"), so the row's text is read once, where it is found.
        String row = waitFor("Ada's row with the compile error", () -> driver.findElements(By.cssSelector("#students tbody tr"))
                .stream().map(WebElement::getText).filter(t -> t.contains("Ada") && t.contains("L9:11")).findFirst().orElse(null));
        assertTrue(row.contains("compile"), row);
        assertTrue(row.contains("failed"), row);
        screenshot("rooms-02-compile-error");

        Select filter = new Select(driver.findElement(By.id("filter")));
        filter.selectByValue("verify");
        waitFor("an empty verifier filter", () -> driver.findElement(By.id("empty")).isDisplayed() ? true : null);
        filter.selectByValue("compile");
        waitFor("Ada under compile errors", () -> driver.findElements(By.cssSelector("#students tbody tr")).size() == 1 ? true : null);

        waitFor("the Code button clicked", () -> {
            driver.findElements(By.cssSelector("#students tbody tr")).get(0).findElement(By.xpath(".//button[text()='Code']")).click();
            return true;
        });
        WebElement hit = waitFor("the failing line marked", () -> driver.findElements(By.cssSelector("#code-body .line.hit"))
                .stream().findFirst().orElse(null));
        assertTrue(hit.getText().contains("int x = 1"), hit.getText());
        assertEquals(8, driver.findElements(By.cssSelector("#code-body .line")).indexOf(hit), "the 9th line is marked");
        screenshot("rooms-03-code");
        driver.findElement(By.id("code-close")).click();

        driver.findElement(By.id("broadcast-text")).sendKeys("Look at line 9");
        driver.findElement(By.cssSelector("#broadcast-form button[type=submit]")).click();
        waitFor("the broadcast's answer", () -> driver.findElement(By.id("action-result")).getText().contains("Message sent: delivered to") ? true : null);
        waitFor("the broadcast among the announcements",
                () -> driver.findElement(By.id("announcements")).getText().contains("Look at line 9") ? true : null);
        screenshot("rooms-04-broadcast");

        io.restassured.RestAssured.given().header("Authorization", "Bearer " + link.get("secret"))
                .when().delete("/api/rooms/" + link.get("room")).then().statusCode(204);
    }

    /**
     * Needs the lab page wired to student-room.js (web/src/dashboard/README.md, "The lab page"); skipped until then.
     */
    @Test
    void aStudentOnTheLabPageGetsPushesAndBroadcastsAndRunsForTheRoom() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String page = http.send(HttpRequest.newBuilder(root.resolve("/")).build(), HttpResponse.BodyHandlers.ofString()).body();
        java.util.regex.Matcher bundle = java.util.regex.Pattern.compile("src=\"/(app-[A-Z0-9]+\\.js)\"").matcher(page);
        Prerequisites.require(bundle.find(), "the lab page is not built (-Dskip.web=true)");
        String script = http.send(HttpRequest.newBuilder(root.resolve("/" + bundle.group(1))).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Prerequisites.require(script.contains("bpflab-room-bar"), "the lab page does not load student-room.js yet");
        startBrowser();

        RoomsResourceTest.Instructor room = RoomsResourceTest.createRoom("Lab page room");
        driver.get(root.resolve("/join/" + room.joinCode()).toString());
        driver.findElement(By.id("join-name")).sendKeys("Grace");
        driver.findElement(By.cssSelector("#join-form button[type=submit]")).click();
        waitFor("the room bar naming Grace", () -> driver.findElements(By.cssSelector(".bpflab-room-bar .who")).stream()
                .filter(e -> e.getText().contains("Lab page room · Grace")).findFirst().orElse(null));
        String studentId = JsonSocket.JSON.readTree((String) driver.executeScript("return localStorage.getItem('bpflab.room')"))
                .path("studentId").asText();
        waitFor("the template list", () -> driver.findElements(By.cssSelector("#template-select option")).size() > 1 ? true : null);

        // The instructor pushes a template: it lands in the student's editor.
        String template = waitFor("a template id", () -> driver.findElements(By.cssSelector("#template-select option")).stream()
                .map(o -> o.getAttribute("value")).filter(v -> v != null && !v.isEmpty()).findFirst().orElse(null));
        room.as().contentType(io.restassured.http.ContentType.JSON).body(Map.of("template", template, "params", Map.of()))
                .when().post("/api/rooms/" + room.roomId() + "/push").then().statusCode(200)
                .body("delivered", org.hamcrest.Matchers.equalTo(1));
        waitFor("the pushed template selected", () -> template.equals(new Select(driver.findElement(By.id("template-select")))
                .getFirstSelectedOption().getAttribute("value")) ? true : null);
        // Its toast names it by its title (the option's text), not by its id.
        String templateTitle = new Select(driver.findElement(By.id("template-select"))).getFirstSelectedOption().getText();
        waitFor("the template push toast with its title", () -> driver.findElements(By.cssSelector(".bpflab-room-bar .toast"))
                .stream().filter(e -> e.getText().contains("sent the template “" + templateTitle + "”")).findFirst()
                .orElse(null));

        // A broadcast shows as a toast.
        room.as().contentType(io.restassured.http.ContentType.JSON).body(Map.of("text", "Step 2 now, please"))
                .when().post("/api/rooms/" + room.roomId() + "/broadcast").then().statusCode(200);
        waitFor("the broadcast toast", () -> driver.findElements(By.cssSelector(".bpflab-room-bar .toast")).stream()
                .filter(e -> e.getText().contains("Step 2 now, please")).findFirst().orElse(null));
        screenshot("rooms-05-student-lab-page");

        // The editor's text reaches the instructor, and a Run on the page counts for the room.
        waitFor("the editor's code on the server", () -> "editor".equals(room.as().when()
                .get("/api/rooms/" + room.roomId() + "/students/" + studentId + "/source").then().extract().path("origin")) ? true : null);
        driver.findElement(By.id("run")).click();
        waitFor("Grace's run on the dashboard", () -> {
            Integer runs = room.as().when().get("/api/rooms/" + room.roomId()).then().extract()
                    .path("students.find { it.id == '" + studentId + "' }.runs");
            return runs != null && runs >= 1 ? true : null;
        });
        driver.findElement(By.id("stop")).click();
        String studentTab = driver.getWindowHandle();
        waitFor("the template push taken", () -> "taken".equals(room.as().when().get("/api/rooms/" + room.roomId()).then()
                .extract().path("students.find { it.id == '" + studentId + "' }.pushState")) ? true : null);

        // Grace writes code of her own; the instructor pushes Step 2 of a lesson, chosen from the server's lessons.
        driver.findElement(By.cssSelector(".cm-content")).sendKeys(Keys.chord(Keys.CONTROL, Keys.END), "\n// mine\n");
        driver.switchTo().newWindow(WindowType.TAB);
        driver.get(root.resolve("/dashboard.html#room=" + room.roomId() + "&secret=" + room.secret()).toString());
        waitFor("the lesson list", () -> driver.findElements(By.cssSelector("#push-lesson option[value='02-watch-syscalls']"))
                .stream().findFirst().orElse(null));
        new Select(driver.findElement(By.id("push-lesson"))).selectByValue("02-watch-syscalls");
        Select steps = new Select(driver.findElement(By.id("push-step")));
        assertEquals("Step 2 of 3", steps.getOptions().get(1).getText());
        steps.selectByVisibleText("Step 2 of 3");
        driver.findElement(By.cssSelector("#push-lesson-form button[type=submit]")).click();
        waitFor("the push among the announcements", () -> driver.findElement(By.id("announcements")).getText()
                .contains("lesson 02-watch-syscalls, Step 2") ? true : null);
        // Until Grace chooses "Replace / Keep my code", her row says the push is pending.
        waitFor("Grace's push pending", () -> driver.findElements(By.cssSelector("#students tbody tr")).stream()
                .map(WebElement::getText).filter(t -> t.contains("Grace") && t.contains("push pending")).findFirst().orElse(null));
        screenshot("rooms-06-push-pending");
        String dashboardTab = driver.getWindowHandle();

        driver.switchTo().window(studentTab);
        // The toast names the lesson by its title, in the page's language (English in this browser).
        waitFor("the push toast with the lesson's title and Step 2", () -> driver.findElements(By.cssSelector(".bpflab-room-bar .toast"))
                .stream().filter(e -> e.getText().contains("“open, read, write, unlink, chmod, chown: watch them happen”, Step 2 of 3"))
                .findFirst().orElse(null));
        waitFor("the question about her code", () -> driver.findElement(By.id("lesson-confirm-no")).isDisplayed() ? true : null);
        driver.findElement(By.id("lesson-confirm-no")).click();
        assertEquals("Step 2 of 3", waitFor("the step counter", () -> emptyToNull(
                driver.findElement(By.id("lesson-step-counter")).getText())));

        driver.switchTo().window(dashboardTab);
        String row = waitFor("Grace's row at Step 2, push taken", () -> driver.findElements(By.cssSelector("#students tbody tr"))
                .stream().map(WebElement::getText).filter(t -> t.contains("Grace") && t.contains("02-watch-syscalls · Step 2")
                        && !t.contains("push pending")).findFirst().orElse(null));
        screenshot("rooms-07-push-taken");
        assertTrue(row.contains("Step 2"), row);
        assertEquals(1, (int) room.as().when().get("/api/rooms/" + room.roomId()).then().extract()
                .path("students.find { it.id == '" + studentId + "' }.step"), "the API keeps the step's index");

        // Grace runs her code; then other code replaces it in the editor: the page says the running program is not it.
        driver.switchTo().window(studentTab);
        driver.findElement(By.id("run")).click();
        waitFor("Grace's program attached", () -> "attached".equals(driver.findElement(By.id("phase")).getAttribute("data-phase")) ? true : null);
        assertFalse(driver.findElement(By.id("run-stale")).isDisplayed(), "the editor shows what runs");
        Select picker = new Select(driver.findElement(By.id("template-select")));
        String other = picker.getOptions().stream().map(o -> o.getAttribute("value"))
                .filter(v -> v != null && !v.isEmpty() && !v.equals(template)).findFirst().orElseThrow();
        picker.selectByValue(other); // replaces her edited code: a notice with Undo, and the template's parameters
        waitFor("the Undo notice", () -> driver.findElement(By.id("editor-undo")).isDisplayed() ? true : null);
        String stale = waitFor("the running-code status", () -> driver.findElement(By.id("run-stale")).isDisplayed()
                ? driver.findElement(By.id("run-stale")).getText() : null);
        assertTrue(stale.contains("press Run"), stale);
        // The lesson's start code replaces the template's (unedited) rendering: the notice and the parameters, which
        // spoke of the code replaced, go with it.
        driver.findElement(By.id("lesson-load-start")).click();
        waitFor("the notice gone", () -> driver.findElement(By.id("editor-notice")).isDisplayed() ? null : true);
        assertFalse(driver.findElement(By.id("params-form")).isDisplayed(), "the old template's parameters are gone");
        assertTrue(driver.findElement(By.id("run-stale")).isDisplayed(), "still not what runs");
        screenshot("rooms-07b-running-code-differs");
        driver.findElement(By.id("run")).click();
        waitFor("the status gone once Run runs the editor's code", () -> driver.findElement(By.id("run-stale")).isDisplayed() ? null : true);
        driver.findElement(By.id("stop")).click();

        // Her runs named no kernel: they ran on the lab's default, which her row names.
        driver.switchTo().window(dashboardTab);
        waitFor("Grace's row naming the kernel of her last Run", () -> driver.findElements(By.cssSelector("#students tbody tr"))
                .stream().map(WebElement::getText).filter(t -> t.contains("Grace") && t.contains("on host")).findFirst()
                .orElse(null));
    }

    /** The join page says what is wrong with a name before sending it, and never cuts it silently. */
    @Test
    void theJoinPageSaysWhatIsWrongWithAName() throws Exception {
        int status = HttpClient.newHttpClient().send(HttpRequest.newBuilder(root.resolve("/dashboard.html")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
        Prerequisites.require(status == 200, "the rooms page is not built (-Dskip.web=true)");
        startBrowser();
        RoomsResourceTest.Instructor room = RoomsResourceTest.createRoom("Names");
        driver.get(root.resolve("/join/" + room.joinCode()).toString());
        WebElement name = waitFor("the name field", () -> driver.findElement(By.id("join-name")));
        WebElement join = driver.findElement(By.cssSelector("#join-form button[type=submit]"));
        name.sendKeys("N".repeat(45));
        assertEquals(45, name.getAttribute("value").length(), "the name is not cut while typed");
        assertTrue(waitFor("the length message", () -> emptyToNull(driver.findElement(By.id("join-error")).getText()))
                .contains("at most 40 characters; this one has 45"));
        name.clear();
        name.sendKeys("12345");
        join.click();
        assertTrue(waitFor("the letter message", () -> emptyToNull(driver.findElement(By.id("join-error")).getText()))
                .contains("at least one letter"));
        driver.executeScript("const f = document.getElementById('join-name'); f.value = 'Ada\u202Egnp.exe';"
                + "f.dispatchEvent(new Event('input'));");
        join.click();
        assertTrue(waitFor("the invisible-character message", () -> emptyToNull(driver.findElement(By.id("join-error")).getText()))
                .contains("U+202E"));
        assertEquals(null, driver.executeScript("return localStorage.getItem('bpflab.room')"), "nobody joined");
        assertEquals(0, ((java.util.List<?>) room.as().when().get("/api/rooms/" + room.roomId()).then().extract()
                .path("students")).size());
        name.clear();
        name.sendKeys("  Ada   Lovelace ");
        join.click();
        waitFor("the lab page in the room", () -> driver.getCurrentUrl().equals(root.resolve("/").toString()) ? true : null);
        assertEquals("Ada Lovelace", room.as().when().get("/api/rooms/" + room.roomId()).then().extract()
                .path("students[0].name"));
    }

    /**
     * Rooms from the lab page alone: its Rooms button leads an instructor to create a room and a student to join it; in
     * the room the button names it, and leaving from its panel shows on the dashboard and in the CSV as "left".
     */
    @Test
    void roomsAreReachableFromTheLabPageAndAStudentCanLeave() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String page = http.send(HttpRequest.newBuilder(root.resolve("/")).build(), HttpResponse.BodyHandlers.ofString()).body();
        Prerequisites.require(page.contains("id=\"room-menu\"") && page.contains("/app-"), "the lab page is not built (-Dskip.web=true)");
        startBrowser();

        // An instructor on the lab page finds where to create a room.
        driver.get(root.resolve("/").toString());
        WebElement rooms = waitFor("the Rooms button", () -> driver.findElements(By.id("room-menu-button")).stream()
                .filter(b -> b.getText().equals("Rooms")).findFirst().orElse(null));
        rooms.click();
        WebElement create = waitFor("the create link", () -> driver.findElements(By.id("room-create-link")).stream()
                .filter(WebElement::isDisplayed).findFirst().orElse(null));
        screenshot("rooms-08-lab-page-rooms-menu");
        create.click();
        waitFor("the create form", () -> driver.findElement(By.id("create-title")).isDisplayed() ? true : null);
        driver.findElement(By.id("create-title")).sendKeys("Found from the lab");
        driver.findElement(By.cssSelector("#create-form button[type=submit]")).click();
        WebElement open = waitFor("the dashboard link", () -> driver.findElements(By.linkText("Open the dashboard")).stream()
                .findFirst().orElse(null));
        String instructorLink = open.getAttribute("href");
        open.click();
        String code = waitFor("the join code", () -> emptyToNull(driver.findElement(By.id("join-code-big")).getText()));
        String dashboardTab = driver.getWindowHandle();

        // A student on the lab page (another tab) finds where to join, joins, and is back on the lab page in the room.
        driver.switchTo().newWindow(WindowType.TAB);
        driver.get(root.resolve("/").toString());
        waitFor("the Rooms button", () -> driver.findElements(By.id("room-menu-button")).stream()
                .filter(b -> b.getText().equals("Rooms")).findFirst().orElse(null)).click();
        waitFor("the join link", () -> driver.findElements(By.id("room-join-link")).stream()
                .filter(WebElement::isDisplayed).findFirst().orElse(null)).click();
        waitFor("the join form", () -> driver.findElement(By.id("join-code")).isDisplayed() ? true : null);
        driver.findElement(By.id("join-code")).sendKeys(code);
        driver.findElement(By.id("join-name")).sendKeys("Lin");
        driver.findElement(By.cssSelector("#join-form button[type=submit]")).click();
        WebElement inRoom = waitFor("the button naming the room", () -> driver.findElements(By.id("room-menu-button")).stream()
                .filter(b -> b.getText().equals("Room: Found from the lab")).findFirst().orElse(null));
        String studentId = JsonSocket.JSON.readTree((String) driver.executeScript("return localStorage.getItem('bpflab.room')"))
                .path("studentId").asText();
        String fragment = instructorLink.substring(instructorLink.indexOf('#') + 1);
        String roomId = fragment.replaceAll(".*room=([^&]+).*", "$1");
        String secret = fragment.replaceAll(".*secret=([^&]+).*", "$1");
        Supplier<io.restassured.response.ValidatableResponse> snapshot = () -> io.restassured.RestAssured.given()
                .header("Authorization", "Bearer " + secret).when().get("/api/rooms/" + roomId).then().statusCode(200);
        waitFor("Lin online on the dashboard", () -> Boolean.TRUE.equals(snapshot.get().extract()
                .path("students.find { it.id == '" + studentId + "' }.online")) ? true : null);

        // Her program is attached when she leaves: the dashboard must not go on counting it as live.
        String linTab = driver.getWindowHandle();
        driver.findElement(By.id("run")).click();
        waitFor("Lin's run attached", () -> "attached".equals(driver.findElement(By.id("phase")).getAttribute("data-phase"))
                ? true : null);
        driver.switchTo().window(dashboardTab);
        waitFor("Lin attached on the dashboard", () -> attachedCounter().equals("1") ? true : null);
        driver.switchTo().window(linTab);

        // She leaves from the panel: the page is out of the room, and the dashboard shows her as left.
        inRoom.click();
        WebElement leave = waitFor("the leave button", () -> driver.findElements(By.id("room-leave")).stream()
                .filter(WebElement::isDisplayed).findFirst().orElse(null));
        String panel = driver.findElement(By.id("room-panel")).getText();
        assertTrue(panel.contains("You are Lin in Found from the lab") && !panel.contains("null"), panel);
        screenshot("rooms-09-lab-page-in-room");
        leave.click();
        waitFor("the note that she left", () -> driver.findElement(By.id("room-panel")).getText()
                .contains("You left Found from the lab") ? true : null);
        assertEquals("Rooms", driver.findElement(By.id("room-menu-button")).getText());
        assertEquals(null, driver.executeScript("return localStorage.getItem('bpflab.room')"));
        waitFor("the room bar gone", () -> driver.findElements(By.cssSelector(".bpflab-room-bar")).isEmpty() ? true : null);
        screenshot("rooms-10-lab-page-left");

        driver.switchTo().window(dashboardTab);
        String row = waitFor("Lin's row marked as left", () -> driver.findElements(By.cssSelector("#students tbody tr")).stream()
                .map(WebElement::getText).filter(t -> t.contains("Lin") && t.contains("left ")).findFirst().orElse(null));
        // Leaving stopped her run (its socket closed with the membership), and her row says so, as what was last known.
        assertTrue(row.contains("was stopped"), "her row says her run stopped when she left: " + row);
        assertEquals("0", attachedCounter(), "a student who left is not counted as attached");
        screenshot("rooms-11-dashboard-left");
        String csv = io.restassured.RestAssured.given().header("Authorization", "Bearer " + secret).when()
                .get("/api/rooms/" + roomId + "/export.csv").then().statusCode(200).extract().asString();
        String line = csv.lines().filter(l -> l.startsWith(studentId + ",")).findFirst().orElseThrow();
        assertTrue(line.matches(".*,\\d{4}-\\d\\d-\\d\\dT[^,]*Z$"), "the CSV's left_at is set: " + line);
        assertTrue(line.contains(",stopped,") && !line.contains(",attached,"), "the CSV does not say she runs: " + line);
        io.restassured.RestAssured.given().header("Authorization", "Bearer " + secret)
                .when().delete("/api/rooms/" + roomId).then().statusCode(204);
    }

    <T> T waitFor(String what, Supplier<T> probe) {
        return chromium.waitFor(what, WAIT, probe, SCREENSHOTS.resolve("rooms-failed.png"));
    }

    static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    void screenshot(String name) {
        chromium.screenshot(SCREENSHOTS.resolve(name + ".png"));
    }

    /** The dashboard's "attached" counter, as shown; read in one script, as the counters are redrawn every second. */
    private String attachedCounter() {
        return String.valueOf(driver.executeScript("""
                const counter = [...document.querySelectorAll('#counters > div')]
                  .find(d => d.querySelector('dt')?.textContent === 'attached');
                return counter ? counter.querySelector('dd').textContent : ''"""));
    }
}
