#!/usr/bin/env bash
# Rooms under load: STUDENTS simulated students in one room run real programs through /ws/run on the local backend
# (a mix of compile errors and attached programs fed a workload) and report progress on their student channels,
# while an instructor dashboard watches. Prints the p95 delay from a student's status change to the dashboard
# (goal <= 500 ms) and the server's RSS.
# Usage (as root): bench/rooms-bench.sh [STUDENTS=50] [RUNS_PER_STUDENT=2] [PROGRESS_PER_STUDENT=10] [MAX_LIVE=4]
set -euo pipefail
cd "$(dirname "$0")/.."
students=${1:-50}
runs=${2:-2}
progress=${3:-10}
max_live=${4:-4}
port=18081
data=target/bench-rooms-data
./mvnw -B -q package -DskipTests -Dskip.web=true
rm -rf "$data"
# max-live keeps concurrent sandboxes to what a 2-core box can take; the rest wait in the admission queue.
java -Dquarkus.http.port=$port -Dbpflab.sandbox.backend=local -Dbpflab.sandbox.max-live="$max_live" \
  -Dbpflab.data-dir="$data" -jar server/target/quarkus-app/quarkus-run.jar > target/rooms-bench-server.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://localhost:$port/q/health/ready" >/dev/null && break
  sleep 0.5
done
curl -sf "http://localhost:$port/q/health/ready" >/dev/null || { echo "server did not become ready:"; tail -20 target/rooms-bench-server.log; exit 1; }
echo "kernel: $(uname -r)  cpus: $(nproc)  sandbox.max-live: $max_live"
java bench/RoomsBench.java "http://localhost:$port" "$server" "$students" "$runs" "$progress"
