#!/usr/bin/env bash
# Errors as you type: request -> answer of a compile-only request ({"type":"compile"} on /ws/run) for a lesson-sized
# program with small edits, cold (texts never compiled before) and from the compile cache; prints p50/p95. Builds
# bpflab and starts it on a spare port. BACKEND qemu compiles for the guest kernel (its headers; no VM is used).
# Usage (as root): bench/compile-as-you-type.sh [EDITS=20] [BACKEND=local]
set -euo pipefail
cd "$(dirname "$0")/.."
edits=${1:-20}
backend=${2:-local}
./mvnw -B -q package -DskipTests -Dskip.web=true
. bench/server.sh
port=$(spare_port)
start_server "$port" "$backend"
echo "backend: $backend  kernel: $(uname -r)  cpus: $(nproc)  load: $(cut -d' ' -f1-3 /proc/loadavg)"
java bench/CompileAsYouType.java "http://localhost:$port" "$edits" workshop-material/08-final-challenge/solution.bpf.c
