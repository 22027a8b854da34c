package dev.bpflab.security;

import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every WebSocket of the lab ({@code /ws/run}, the student's and the dashboard's) is opened only from the lab's own
 * page or a listed origin, to a host this server answers to ({@link OriginPolicy}); anything else gets 403 before
 * the upgrade. A refused upgrade has no body, so the reason goes in the {@value #REASON_HEADER} header (and the log).
 * It applies to every endpoint, so a socket added later is covered without a line here.
 */
@Singleton
@Priority(1000) // before the room checks: a foreign page learns nothing about which rooms or tokens exist
public class OriginUpgradeCheck implements HttpUpgradeCheck {
    static final String REASON_HEADER = "X-Bpflab-Refused";

    @Inject
    OriginPolicy policy;

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        Optional<String> refusal = policy.refusal(context.httpRequest());
        if (refusal.isEmpty()) {
            return CheckResult.permitUpgrade();
        }
        return CheckResult.rejectUpgrade(403, Map.of(REASON_HEADER, List.of(refusal.get())));
    }
}
