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
. bench/server.sh
start_server $port "$backend"
echo "backend: $backend  kernel: $(uname -r)  cpus: $(nproc)"
java bench/RunLatency.java "http://localhost:$port" "$runs" server/src/test/resources/programs/unlink_events.bpf.c unlink-file
