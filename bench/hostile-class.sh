#!/usr/bin/env bash
# A class under attack (issue 15): LEARNERS honest learners keep pressing Run for SECONDS, first alone, then with five
# hostile clients (a run flooder, a socket that never reads, a slot hoarder, a socket hog, an echo abuser); prints the
# honest learners' Run -> first event p50/p95/max in both, their ratio, and the server's resident memory and threads.
# Every client plays its own machine through X-Forwarded-For, so the server is started trusting it (as behind a
# reverse proxy); everything else is the server's default configuration.
# Usage (as root): bench/hostile-class.sh [LEARNERS=40] [SECONDS=90] [BACKEND=local]
# BENCH_SERVER_OPTS adds JVM options to the server, e.g. BENCH_SERVER_OPTS=-Dbpflab.qemu.restores-at-once=2.
set -euo pipefail
cd "$(dirname "$0")/.."
learners=${1:-40}
seconds=${2:-90}
backend=${3:-local}
./mvnw -B -q package -DskipTests -Dskip.web=true
mkdir -p target/bench
javac -d target/bench bench/ClassBurst.java bench/HostileClass.java
. bench/server.sh
options=(-Dbpflab.limits.trust-forwarded-for=true)
if [ "$backend" = qemu ]; then options+=(-Dbpflab.qemu.run-dir=/run/bpflab-bench); fi
read -r -a extra <<< "${BENCH_SERVER_OPTS:-}"
options+=("${extra[@]}")
echo "backend: $backend  kernel: $(uname -r)  cpus: $(nproc)  memory: $(free -m | awk '/^Mem:/ {print $2}') MiB"
port=$(spare_port)
start_server "$port" "$backend" "${options[@]}"
java -cp target/bench HostileClass "http://localhost:$port" "$bench_server" "$learners" 02-watch-syscalls "$seconds"
