package dev.bpflab.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The one place REST errors become responses: every failure of a REST call, whether a resource threw
 * {@link ApiException} or Quarkus refused the request (a body that is not JSON, no such route, a method the route
 * does not take), is answered with its status and an {@link ErrorBody}. Never a stack trace: an unexpected failure
 * is logged here and answered with a 500 that says so.
 */
public class ApiErrorMapper {
    private static final Logger LOG = Logger.getLogger(ApiErrorMapper.class);

    /** The response for {@code e}; also for code that must return a Response rather than throw. */
    public static Response response(ApiException e) {
        Response.ResponseBuilder answer = body(e.status(), e.getMessage());
        e.headers().forEach(answer::header);
        return answer.build();
    }

    @ServerExceptionMapper
    public Response apiError(ApiException e) {
        return response(e);
    }

    /** A body Jackson could not read (when a resource takes it as a parameter). */
    @ServerExceptionMapper
    public Response unreadableJson(JsonProcessingException e) {
        return response(ApiException.notJson(e));
    }

    /** What Quarkus itself refuses: no route (404), wrong method (405), media types (406, 415), unreadable body (400). */
    @ServerExceptionMapper
    public Response refused(WebApplicationException e, HttpServerRequest request) {
        int status = e.getResponse().getStatus();
        if (status == 400) {
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                if (cause instanceof JsonProcessingException json) {
                    return response(ApiException.notJson(json));
                }
            }
        }
        String method = request.method().name();
        String path = ApiException.echo(request.path());
        String message = switch (status) {
            case 404 -> path.startsWith("/api/") ? "There is no " + method + " " + path + ". The API is /api/templates, "
                    + "/api/lessons, /api/rooms, /api/shares, /api/workloads and /api/sandbox." : "There is no page at " + path
                    + ". The lab is at /.";
            case 405 -> path + " does not take " + method + ".";
            case 406 -> method + " " + path + " answers in JSON: send Accept: application/json.";
            case 415 -> method + " " + path + " takes a JSON body: send Content-Type: application/json.";
            default -> reason(status) + ".";
        };
        Response.ResponseBuilder answer = body(status, message);
        String allow = e.getResponse().getHeaderString(HttpHeaders.ALLOW);
        if (allow != null) {
            answer.header(HttpHeaders.ALLOW, allow);
        }
        return answer.build();
    }

    /** A fault in bpflab: the details go to the log, the caller learns only that it happened. */
    @ServerExceptionMapper
    public Response unexpected(Exception e, HttpServerRequest request) {
        LOG.errorf(e, "%s %s failed", request.method().name(), ApiException.echo(request.path()));
        return body(500, "The server failed to answer this request; its log says why.").build();
    }

    private static String reason(int status) {
        Response.Status known = Response.Status.fromStatusCode(status);
        return known != null ? known.getReasonPhrase() : "HTTP " + status;
    }

    private static Response.ResponseBuilder body(int status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(new ErrorBody(message));
    }
}
