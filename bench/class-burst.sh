#!/usr/bin/env bash
# The class moment (issue 14): LEARNERS WebSocket clients press Run within one second on lesson 02's start program,
# first all the same program, then one distinct program each, and Run -> attached / Run -> first event are measured as
# each page sees them, with how many runs were live at once; then, with the class gone, a quiet single run on
# BACKEND and on the local backend side by side. Failed runs are figures: it exits non-zero only when a server does
# not start or never completes a run.
# Usage (as root): bench/class-burst.sh [LEARNERS=10] [BACKEND=qemu] [QUIET_RUNS=10]
# BENCH_SERVER_OPTS adds JVM options to the BACKEND server, e.g. BENCH_SERVER_OPTS=-Dbpflab.sandbox.max-live=10.
set -euo pipefail
cd "$(dirname "$0")/.."
learners=${1:-10}
backend=${2:-qemu}
quiet_runs=${3:-10}
lesson=02-watch-syscalls
./mvnw -B -q package -DskipTests -Dskip.web=true
. bench/server.sh
# Each learner is a machine of its own behind the lab's reverse proxy (X-Forwarded-For), as in a classroom.
options=(-Dbpflab.limits.trust-forwarded-for=true)
if [ "$backend" = qemu ]; then options+=(-Dbpflab.qemu.run-dir=/run/bpflab-bench); fi
read -r -a extra <<< "${BENCH_SERVER_OPTS:-}"
options+=("${extra[@]}")
echo "backend: $backend  kernel: $(uname -r)  cpus: $(nproc)  memory: $(free -m | awk '/^Mem:/ {print $2}') MiB" \
  " learners: $learners  load: $(cut -d" " -f1-3 /proc/loadavg)"
port=$(spare_port)
start_server "$port" "$backend" "${options[@]}"
java bench/ClassBurst.java class "http://localhost:$port" "$learners" "$lesson"
if [ "$backend" = local ]; then
  java bench/ClassBurst.java quiet "$quiet_runs" "$lesson" "http://localhost:$port" local
else
  local_port=$(spare_port)
  start_server "$local_port" local
  java bench/ClassBurst.java quiet "$quiet_runs" "$lesson" "http://localhost:$port" "$backend" \
    "http://localhost:$local_port" local
fi
