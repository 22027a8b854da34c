package dev.bpflab.rooms;

import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;

/**
 * Refuses room WebSockets before the upgrade, with a plain HTTP status: dashboard without a secret 401, of an unknown
 * room 404, with a wrong secret 403; student channel without a token 401, with an unknown token 403.
 */
@Singleton
public class RoomUpgradeCheck implements HttpUpgradeCheck {
    private static final Map<String, List<String>> CHALLENGE = Map.of("WWW-Authenticate", List.of("Bearer realm=\"bpflab room\""));

    @Inject
    Rooms rooms;

    @Override
    public boolean appliesTo(String endpointId) {
        return DashboardSocket.ID.equals(endpointId) || StudentSocket.ID.equals(endpointId);
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        if (DashboardSocket.ID.equals(context.endpointId())) {
            try {
                rooms.instructorRoom(roomId(context), context.httpRequest().getParam("secret"));
                return CheckResult.permitUpgrade();
            } catch (RoomException e) {
                return reject(e.status());
            }
        }
        String token = context.httpRequest().getParam("learner");
        if (token == null || token.isEmpty()) {
            return reject(401);
        }
        return rooms.member(token).isPresent() ? CheckResult.permitUpgrade() : reject(403);
    }

    private static Uni<CheckResult> reject(int status) {
        return status == 401 ? CheckResult.rejectUpgrade(status, CHALLENGE) : CheckResult.rejectUpgrade(status);
    }

    private static String roomId(HttpUpgradeContext context) {
        String id = context.pathParam("roomId");
        if (id != null) {
            return id;
        }
        String[] parts = context.httpRequest().path().split("/"); // /ws/rooms/{roomId}/dashboard
        return parts.length > 3 ? parts[3] : null;
    }
}
