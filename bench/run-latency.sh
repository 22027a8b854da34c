#!/usr/bin/env bash
# Run → first event latency on the local backend: builds bpflab, starts it on a spare port, runs RUNS runs of the
# unlinkat program (each fires the unlink workload as soon as it is attached) and prints p50/p95.
# Usage (as root): bench/run-latency.sh [RUNS=20] [BACKEND=local]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
backend=${2:-local}
port=18080
./mvnw -B -q package -DskipTests -Dskip.web=true
java -Dquarkus.http.port=$port -Dbpflab.sandbox.backend="$backend" -jar target/quarkus-app/quarkus-run.jar \
  > target/bench-server.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://localhost:$port/q/health/ready" >/dev/null && break
  sleep 0.5
done
curl -sf "http://localhost:$port/q/health/ready" >/dev/null || { echo "server did not become ready:"; tail -20 target/bench-server.log; exit 1; }
echo "backend: $backend  kernel: $(uname -r)  cpus: $(nproc)"
java bench/RunLatency.java "http://localhost:$port" "$runs" src/test/resources/programs/unlink_events.bpf.c unlink-file
