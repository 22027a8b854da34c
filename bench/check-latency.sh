#!/usr/bin/env bash
# How long Check takes, as a learner waits for it: every lesson's reference solution (a pass) and start code (a
# failure) are run and checked REPEATS times on the lesson's last checked step; prints each lesson and p50/p95.
# Usage (as root): bench/check-latency.sh [BACKEND=local] [REPEATS=3]
set -euo pipefail
cd "$(dirname "$0")/.."
backend=${1:-local}
repeats=${2:-3}
port=18081
mkdir -p target
# The server module, built last, writes the class path (the bench's WebSocket client comes from it).
./mvnw -B -q package dependency:build-classpath -DskipTests -Dskip.web=true -Dmdep.outputFile="$PWD/target/bench.classpath" >/dev/null
. bench/server.sh
start_server $port "$backend"
echo "backend: $backend  kernel: $(uname -r)  cpus: $(nproc)  repeats: $repeats"
java -cp "$(cat target/bench.classpath)" bench/CheckLatency.java "http://localhost:$port" "$repeats"
