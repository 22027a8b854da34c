package dev.bpflab.rooms;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bpflab.api.ApiErrorMapper;
import dev.bpflab.api.ApiException;
import dev.bpflab.api.RequestLimits;
import io.vertx.core.http.HttpServerRequest;
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
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Rooms over REST. Instructor calls carry the room's secret as {@code Authorization: Bearer <secret>} (or
 * {@code ?secret=} for a plain link): none → 401 (with {@code WWW-Authenticate}), wrong → 403, unknown room → 404.
 * Every error is {@code {"message": …}}, answered by {@link ApiErrorMapper}: a body over 16 KiB → 413, a body that is
 * not a JSON object → 400, too many rooms or joins from one address → 429 with {@code Retry-After}, more open rooms
 * than one address may hold ({@code bpflab.limits.rooms-per-address}) → 429.
 * <ul>
 * <li>{@code POST /api/rooms} {"title"} → 201 {roomId, joinCode, instructorSecret, instructorLink, joinLink}</li>
 * <li>{@code POST /api/rooms/join} {"code","name"} → 201 {learnerToken, roomId, studentId, name, title}; a locked
 * room → 403</li>
 * <li>{@code GET /api/rooms/me} with {@code Authorization: Bearer <learnerToken>} → {roomId, title, studentId, name}</li>
 * <li>{@code DELETE /api/rooms/me} with the learner token → {roomId, title, studentId, name, leftAt}: the student leaves;
 * their row stays, marked as left</li>
 * <li>{@code GET /api/rooms/{id}} → the dashboard's snapshot</li>
 * <li>{@code GET /api/rooms/{id}/students/{sid}/source} → {studentId, name, source, origin, at}</li>
 * <li>{@code POST /api/rooms/{id}/push} {"lesson","step"} | {"template","params"} → {delivered, push}</li>
 * <li>{@code POST /api/rooms/{id}/broadcast} {"text"} → {delivered, broadcast}</li>
 * <li>{@code GET /api/rooms/{id}/export.csv} → text/csv, one line per student</li>
 * <li>{@code DELETE /api/rooms/{id}/students/{sid}} → {studentId, name}: the student is removed (404 if unknown)</li>
 * <li>{@code POST /api/rooms/{id}/lock} {"locked":true|false} → {locked}: joining refused (or allowed again)</li>
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
    RoomCatalogs catalogs;
    @Inject
    RequestLimits limits;
    @Inject
    ObjectMapper json;

    @POST
    @Consumes(MediaType.WILDCARD)
    public Response create(InputStream body, @Context UriInfo uri, @Context HttpServerRequest client)
            throws IOException, RoomException {
        limits.check(RequestLimits.Kind.ROOM, client);
        JsonNode request = readBody(body, true);
        String address = client == null || client.remoteAddress() == null ? null : client.remoteAddress().hostAddress();
        Rooms.Created created = rooms.create(request.path("title").asText(""), address);
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
    }

    @POST
    @Path("join")
    @Consumes(MediaType.WILDCARD)
    public Response join(InputStream body, @Context HttpServerRequest client) throws IOException, RoomException {
        limits.check(RequestLimits.Kind.JOIN, client);
        JsonNode request = readBody(body, false);
        Rooms.Joined joined = rooms.join(request.path("code").asText(""), request.path("name").asText(""));
        ObjectNode answer = json.createObjectNode()
                .put("learnerToken", joined.token())
                .put("roomId", joined.room().id)
                .put("studentId", joined.student().id)
                .put("name", joined.student().name)
                .put("title", joined.room().title);
        return Response.status(Response.Status.CREATED).entity(answer).build();
    }

    /** A student's own membership, for a page holding a learner token: {roomId, title, studentId, name}. */
    @GET
    @Path("me")
    public ObjectNode me(@Context HttpHeaders headers) throws RoomException {
        return membership(learner(headers));
    }

    /**
     * The student leaves the room: {roomId, title, studentId, name, leftAt}. Their token stops working, their other
     * pages are closed, and their row stays on the dashboard and in the CSV, marked as left. 401 without a token, 403
     * for a token of no open room (left already, removed, or the room closed).
     */
    @DELETE
    @Path("me")
    public ObjectNode leave(@Context HttpHeaders headers) throws RoomException {
        Rooms.Membership m = learner(headers);
        Student left = rooms.attendance().leave(m);
        return membership(m).put("leftAt", left.leftAt);
    }

    /** The membership of the learner token in {@code Authorization: Bearer}; 401 without one, 403 for no member's. */
    private Rooms.Membership learner(HttpHeaders headers) throws RoomException {
        String authorization = headers.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new RoomException(401, "Send the learner token as Authorization: Bearer <learnerToken>.");
        }
        return rooms.member(authorization.substring(7).strip()).orElseThrow(() -> new RoomException(403,
                "This learner token belongs to no open room; join again with the room's code."));
    }

    private ObjectNode membership(Rooms.Membership m) {
        return json.createObjectNode().put("roomId", m.room().id).put("title", m.room().title)
                .put("studentId", m.student().id).put("name", m.student().name);
    }

    @GET
    @Path("{id}")
    public ObjectNode get(@PathParam("id") String id, @Context HttpHeaders headers, @QueryParam("secret") String secret)
            throws RoomException {
        return views.snapshot(instructor(id, headers, secret));
    }

    @GET
    @Path("{id}/students/{sid}/source")
    public ObjectNode source(@PathParam("id") String id, @PathParam("sid") String studentId, @Context HttpHeaders headers,
            @QueryParam("secret") String secret) throws RoomException {
        return views.source(instructor(id, headers, secret), studentId);
    }

    @POST
    @Path("{id}/push")
    @Consumes(MediaType.WILDCARD)
    public ObjectNode push(@PathParam("id") String id, InputStream body, @Context HttpHeaders headers,
            @QueryParam("secret") String secret) throws IOException, RoomException {
        Room room = instructor(id, headers, secret);
        JsonNode request = readBody(body, false);
        checkPushedThingExists(request);
        ObjectNode push = rooms.push(room, request);
        return json.createObjectNode().put("delivered", channels.listeningStudents(room)).set("push", push);
    }

    @POST
    @Path("{id}/broadcast")
    @Consumes(MediaType.WILDCARD)
    public ObjectNode broadcast(@PathParam("id") String id, InputStream body, @Context HttpHeaders headers,
            @QueryParam("secret") String secret) throws IOException, RoomException {
        Room room = instructor(id, headers, secret);
        JsonNode request = readBody(body, false);
        if (!request.path("text").isTextual()) {
            throw ApiException.badRequest("Send {\"text\":\"<message>\"}.");
        }
        ObjectNode broadcast = rooms.broadcast(room, request.get("text").asText());
        return json.createObjectNode().put("delivered", channels.listeningStudents(room)).set("broadcast", broadcast);
    }

    @GET
    @Path("{id}/export.csv")
    @Produces("text/csv")
    public Response export(@PathParam("id") String id, @Context HttpHeaders headers, @QueryParam("secret") String secret)
            throws RoomException {
        Room room = instructor(id, headers, secret);
        String filename = "bpflab-room-" + room.joinCode + ".csv";
        return Response.ok(Csv.export(room).getBytes(StandardCharsets.UTF_8), "text/csv; charset=utf-8")
                .header("Content-Disposition", "attachment; filename=\"" + filename + "\"")
                .header("Cache-Control", "no-store")
                .build();
    }

    /** Removes a student: their pages are closed with a reason, their row leaves the dashboard and the CSV. */
    @DELETE
    @Path("{id}/students/{sid}")
    public ObjectNode removeStudent(@PathParam("id") String id, @PathParam("sid") String studentId,
            @Context HttpHeaders headers, @QueryParam("secret") String secret) throws RoomException {
        Student removed = rooms.attendance().remove(instructor(id, headers, secret), studentId);
        return json.createObjectNode().put("studentId", removed.id).put("name", removed.name);
    }

    /** Locks joining ({"locked":true}) or opens it again ({"locked":false}); students already in stay. */
    @POST
    @Path("{id}/lock")
    @Consumes(MediaType.WILDCARD)
    public ObjectNode lock(@PathParam("id") String id, InputStream body, @Context HttpHeaders headers,
            @QueryParam("secret") String secret) throws IOException, RoomException {
        Room room = instructor(id, headers, secret);
        JsonNode request = readBody(body, false);
        if (!request.path("locked").isBoolean()) {
            throw ApiException.badRequest("Send {\"locked\":true} to lock joining, or {\"locked\":false} to open it again.");
        }
        boolean locked = rooms.attendance().lock(room, request.get("locked").asBoolean()).path("locked").asBoolean();
        return json.createObjectNode().put("locked", locked);
    }

    @DELETE
    @Path("{id}")
    public Response delete(@PathParam("id") String id, @Context HttpHeaders headers, @QueryParam("secret") String secret)
            throws RoomException {
        rooms.delete(instructor(id, headers, secret));
        return Response.noContent().build();
    }

    /** The one place this resource's {@link RoomException}s become REST errors, answered by {@link ApiErrorMapper}. */
    @ServerExceptionMapper
    public Response roomError(RoomException e) {
        return ApiErrorMapper.response(e.toApi());
    }

    /** 400 when the request is malformed, or names a lesson, lesson step or template the catalogs lack. */
    private void checkPushedThingExists(JsonNode request) throws RoomException {
        Room.Push push = RoomRequests.push(request, 0);
        if ("lesson".equals(push.kind())) {
            catalogs.requireLessonStep(push.lesson(), push.step());
        } else {
            catalogs.requireTemplate(push.template(), push.params());
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

    /** The body as a JSON object of at most 16 KiB; blank is {} when {@code optional}, else 400. */
    private JsonNode readBody(InputStream body, boolean optional) throws IOException {
        byte[] bytes = body == null ? new byte[0] : body.readNBytes(MAX_BODY_BYTES + 1);
        if (bytes.length > MAX_BODY_BYTES) {
            throw new ApiException(413, "The request body is larger than " + MAX_BODY_BYTES / 1024 + " KiB.");
        }
        if (bytes.length == 0 || new String(bytes, StandardCharsets.UTF_8).isBlank()) {
            if (optional) {
                return json.createObjectNode();
            }
            throw ApiException.badRequest("Send a JSON object as the request body.");
        }
        JsonNode node;
        try {
            node = json.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw ApiException.notJson(e);
        }
        if (node == null || !node.isObject()) {
            throw ApiException.badRequest("Send a JSON object as the request body.");
        }
        return node;
    }
}
