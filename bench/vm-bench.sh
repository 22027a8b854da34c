#!/usr/bin/env bash
# qemu backend figures with real VMs: VM acquire time p50/p95, Run -> first event p50/p95, memory per idle pooled
# VM, and how many VMs stay up at once. Builds the agent and the guest image first if they are stale.
# Usage (as root): bench/vm-bench.sh [ACQUIRES=30] [RUNS=10] [POOLED_FOR_MEMORY=10] [VMS_UP=40]
# Set BPFLAB_QEMU_ACCEL=tcg|kvm|auto (default auto).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p target
# Every module compiled (the agent jar too, for the image); the server module, built last, writes the class path.
./mvnw -B -q process-classes dependency:build-classpath -Dskip.web=true -Dmdep.outputFile="$PWD/target/vm-bench.classpath" >/dev/null
server/src/main/guest/build-image.sh --kernel debian12 /var/cache/bpflab-guest/debian12 agent/target
echo "qemu: $(qemu-system-x86_64 --version | head -n1); host kernel $(uname -r)"
exec java -Xmx512m -Dbpflab.qemu.accel="${BPFLAB_QEMU_ACCEL:-auto}" \
  -cp "server/target/classes:$(cat target/vm-bench.classpath)" bench/VmBench.java "$@"
