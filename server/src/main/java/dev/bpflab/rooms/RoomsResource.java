package dev.bpflab.rooms;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bpflab.api.RequestLimits;
import dev.bpflab.catalog.TemplateCatalog;
import dev.bpflab.lessons.LessonCatalog;
import dev.bpflab.protocol.RunJson;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * Rooms over REST. Instructor calls carry the room's secret as {@code Authorization: Bearer <secret>} (or
 * {@code ?secret=} for a plain link): none → 401, wrong → 403, unknown room → 404.
 * <ul>
 * <li>{@code POST /api/rooms} {"title"} → 201 {roomId, joinCode, instructorSecret, instructorLink, joinLink}</li>
 * <li>{@code POST /api/rooms/join} {"code","name"} → 201 {learnerToken, roomId, studentId, name, title}</li>
 * <li>{@code GET /api/rooms/me} with {@code Authorization: Bearer <learnerToken>} → {roomId, title, studentId, name}</li>
 * <li>{@code GET /api/rooms/{id}} → the dashboard's snapshot</li>
 * <li>{@code GET /api/rooms/{id}/students/{sid}/source} → {studentId, name, source, origin, at}</li>
 * <li>{@code POST /api/rooms/{id}/push} {"lesson","step"} | {"template","params"} → {delivered, push}</li>
 * <li>{@code POST /api/rooms/{id}/broadcast} {"text"} → {delivered, broadcast}</li>
 * <li>{@code GET /api/rooms/{id}/export.csv} → text/csv, one line per student</li>
 * <li>{@code DELETE /api/rooms/{id}} → 204, closes every socket of the room</li>
 * </ul>
 */
@Path("/api/rooms")
@Produces(MediaType.APPLICATION_JSON)
public class RoomsResource {
    static final int MAX_BODY_BYTES = 16 * 1024;

    @Inject
    Rooms rooms;
    @Inject
    RoomViews views;
    @Inject
    RoomChannels channels;
    @Inject
    Instance<TemplateCatalog> templates;
    @Inject
    Instance<LessonCatalog> lessons;
    @Inject
    RequestLimits limits;

    private final ObjectMapper json = RunJson.mapper();

    @POST
    @Consumes(MediaType.WILDCARD)
    public Response create(InputStream body, @Context UriInfo uri, @Context HttpServerRequest client) throws IOException {
        Optional<Response> refused = limits.refuse(RequestLimits.Kind.ROOM, client);
        if (refused.isPresent()) {
            return refused.get();
        }
        try {
            JsonNode request = readBody(body, true);
            Rooms.Created created = rooms.create(request.path("title").asText(""));
            Room room = created.room();
            String base = uri.getBaseUri().toString().replaceAll("/+$", "") + "/";
            ObjectNode answer = json.createObjectNode()
                    .put("roomId", room.id)
                    .put("title", room.title)
                    .put("joinCode", room.joinCode)
                    .put("instructorSecret", created.secret())
                    // In the fragment, the secret never reaches a server log or a Referer header.
                    .put("instructorLink", base + "dashboard.html#room=" + room.id + "&secret=" + created.secret())
                    .put("joinLink", base + "join/" + room.joinCode);
            return Response.status(Response.Status.CREATED).entity(answer).build();
        } catch (RoomException e) {
            return error(e);
        }
    }

    @POST
    @Path("join")
    @Consumes(MediaType.WILDCARD)
    public Response join(InputStream body, @Context HttpServerRequest client) throws IOException {
        Optional<Response> refused = limits.refuse(RequestLimits.Kind.JOIN, client);
        if (refused.isPresent()) {
            return refused.get();
        }
        try {
            JsonNode request = readBody(body, false);
            Rooms.Joined joined = rooms.join(request.path("code").asText(""), request.path("name").asText(""));
            ObjectNode answer = json.createObjectNode()
                    .put("learnerToken", joined.token())
                    .put("roomId", joined.room().id)
                    .put("studentId", joined.student().id)
                    .put("name", joined.student().name)
                    .put("title", joined.room().title);
            return Response.status(Response.Status.CREATED).entity(answer).build();
        } catch (RoomException e) {
            return error(e);
        }
    }

    /** A student's own membership, for a page holding a learner token: {roomId, title, studentId, name}. */
    @GET
    @Path("me")
    public Response me(@Context HttpHeaders headers) {
        String authorization = headers.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return error(new RoomException(401, "Send the learner token as Authorization: Bearer <learnerToken>."));
        }
        return rooms.member(authorization.substring(7).strip())
                .map(m -> Response.ok(json.createObjectNode().put("roomId", m.room().id).put("title", m.room().title)
                        .put("studentId", m.student().id).put("name", m.student().name)).build())
                .orElseGet(() -> error(new RoomException(403,
                        "This learner token belongs to no open room; join again with the room's code.")));
    }

    @GET
    @Path("{id}")
    public Response get(@PathParam("id") String id, @Context HttpHeaders headers, @QueryParam("secret") String secret) {
        try {
            return Response.ok(views.snapshot(instructor(id, headers, secret))).build();
        } catch (RoomException e) {
            return error(e);
        }
    }

    @GET
    @Path("{id}/students/{sid}/source")
    public Response source(@PathParam("id") String id, @PathParam("sid") String studentId, @Context HttpHeaders headers,
            @QueryParam("secret") String secret) {
        try {
            return Response.ok(views.source(instructor(id, headers, secret), studentId)).build();
        } catch (RoomException e) {
            return error(e);
        }
    }

    @POST
    @Path("{id}/push")
    @Consumes(MediaType.WILDCARD)
    public Response push(@PathParam("id") String id, InputStream body, @Context HttpHeaders headers,
            @QueryParam("secret") String secret) throws IOException {
        try {
            Room room = instructor(id, headers, secret);
            JsonNode request = readBody(body, false);
            if (!request.hasNonNull("lesson") && request.hasNonNull("template") && request.get("template").isTextual()
                    && templates.isResolvable()
                    && templates.get().find(request.get("template").asText()).isEmpty()) {
                throw new RoomException(400, "There is no template '" + RoomText.clean(request.get("template").asText(), 100)
                        + "'; GET /api/templates lists them.");
            }
            if (!request.hasNonNull("template") && request.hasNonNull("lesson") && request.get("lesson").isTextual()
                    && request.get("lesson").asText().matches("[A-Za-z0-9._-]{1,100}") && lessons.isResolvable()) {
                var lesson = lessons.get().find(request.get("lesson").asText());
                if (lesson.isEmpty()) {
                    throw new RoomException(400, "There is no lesson '" + RoomText.clean(request.get("lesson").asText(), 100)
                            + "'; GET /api/lessons lists them.");
                }
                JsonNode step = request.get("step");
                if (step != null && step.canConvertToInt() && step.asInt() >= lesson.get().steps().size()) {
                    throw new RoomException(400, "Lesson '" + lesson.get().id() + "' has steps 0 to "
                            + (lesson.get().steps().size() - 1) + "; there is no step " + step.asInt() + ".");
                }
            }
            ObjectNode push = rooms.push(room, request);
            return Response.ok(json.createObjectNode().put("delivered", channels.listeningStudents(room)).set("push", push))
                    .build();
        } catch (RoomException e) {
            return error(e);
        }
    }

    @POST
    @Path("{id}/broadcast")
    @Consumes(MediaType.WILDCARD)
    public Response broadcast(@PathParam("id") String id, InputStream body, @Context HttpHeaders headers,
            @QueryParam("secret") String secret) throws IOException {
        try {
            Room room = instructor(id, headers, secret);
            JsonNode request = readBody(body, false);
            if (!request.path("text").isTextual()) {
                throw new RoomException(400, "Send {\"text\":\"<message>\"}.");
            }
            ObjectNode broadcast = rooms.broadcast(room, request.get("text").asText());
            return Response.ok(json.createObjectNode().put("delivered", channels.listeningStudents(room))
                    .set("broadcast", broadcast)).build();
        } catch (RoomException e) {
            return error(e);
        }
    }

    @GET
    @Path("{id}/export.csv")
    @Produces("text/csv")
    public Response export(@PathParam("id") String id, @Context HttpHeaders headers, @QueryParam("secret") String secret) {
        try {
            Room room = instructor(id, headers, secret);
            String filename = "bpflab-room-" + room.joinCode + ".csv";
            return Response.ok(Csv.export(room).getBytes(StandardCharsets.UTF_8), "text/csv; charset=utf-8")
                    .header("Content-Disposition", "attachment; filename=\"" + filename + "\"")
                    .header("Cache-Control", "no-store")
                    .build();
        } catch (RoomException e) {
            return error(e);
        }
    }

    @DELETE
    @Path("{id}")
    public Response delete(@PathParam("id") String id, @Context HttpHeaders headers, @QueryParam("secret") String secret) {
        try {
            rooms.delete(instructor(id, headers, secret));
            return Response.noContent().build();
        } catch (RoomException e) {
            return error(e);
        }
    }

    private Room instructor(String id, HttpHeaders headers, String querySecret) throws RoomException {
        String authorization = headers.getHeaderString(HttpHeaders.AUTHORIZATION);
        String secret = querySecret;
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            secret = authorization.substring(7).strip();
        }
        return rooms.instructorRoom(id, secret);
    }

    private JsonNode readBody(InputStream body, boolean optional) throws IOException, RoomException {
        byte[] bytes = body == null ? new byte[0] : body.readNBytes(MAX_BODY_BYTES + 1);
        if (bytes.length > MAX_BODY_BYTES) {
            throw new RoomException(413, "The request body is larger than " + MAX_BODY_BYTES / 1024 + " KiB.");
        }
        if (bytes.length == 0 || new String(bytes, StandardCharsets.UTF_8).isBlank()) {
            if (optional) {
                return json.createObjectNode();
            }
            throw new RoomException(400, "Send a JSON object as the request body.");
        }
        try {
            JsonNode node = json.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new RoomException(400, "Send a JSON object as the request body.");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new RoomException(400, "The body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static Response error(RoomException e) {
        Response.ResponseBuilder answer = Response.status(e.status()).type(MediaType.APPLICATION_JSON)
                .entity(Map.of("message", e.getMessage()));
        if (e.status() == 401) {
            answer.header("WWW-Authenticate", "Bearer realm=\"bpflab room\"");
        }
        return answer.build();
    }
}
