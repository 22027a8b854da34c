#!/usr/bin/env bash
# The guest kernels side by side on the qemu backend, one run of this script:
#   1. per kernel, the image build: its time from nothing (Debian packages already in apt's cache or not: as this
#      machine has them) and its size (the guest's squashfs, kernel and initramfs, the headers, the host-side toolchain);
#   2. the extra resident memory (PSS: the saved VM's RAM is shared by its clones) of each extra kernel's pool: the
#      server and its VMs with the default kernel only, then with every kernel, once every pool is full;
#   3. per kernel, Run -> attached and Run -> first event p50/p95 (bench/RunLatency.java, same program and workload).
# Usage (as root): bench/kernels.sh [RUNS=10] [KERNELS=debian12,debian13] [GUEST_DIR=/var/cache/bpflab-bench-kernels]
#   GUEST_DIR is emptied first (so the builds are from nothing); set BPFLAB_BENCH_KEEP_IMAGES=1 to reuse its images.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
kernels=${2:-debian12,debian13}
guest=${3:-/var/cache/bpflab-bench-kernels}
default=${kernels%%,*}
mkdir -p target
./mvnw -B -q package -DskipTests -Dskip.web=true
. bench/server.sh

echo "== image builds (host: $(nproc) cpus, kernel $(uname -r))"
[ "${BPFLAB_BENCH_KEEP_IMAGES:-}" = 1 ] || rm -rf --one-file-system "$guest"
printf '%-16s %-22s %10s %10s %10s %10s %10s\n' kernel release "build s" guest-MiB kernel-MiB headers-MiB tools-MiB
for kernel in ${kernels//,/ }; do
  started=$(date +%s)
  server/src/main/guest/build-image.sh --kernel "$kernel" "$guest/$kernel" agent/target > "target/bench-build-$kernel.log" 2>&1 \
    || { tail -n 20 "target/bench-build-$kernel.log"; exit 1; }
  image=$(readlink -f "$guest/$kernel/current")
  mib() { du -smL "$@" | awk '{ s += $1 } END { print s }'; }
  printf '%-16s %-22s %10s %10s %10s %10s %10s\n' "$kernel" "$(cat "$image/release")" "$(( $(date +%s) - started ))" \
    "$(mib "$image/rootfs.squashfs")" "$(mib "$image/vmlinuz" "$image/initrd.img")" "$(mib "$image/include")" \
    "$(du -sm "$(readlink -f "$image/toolchain")" | cut -f1)"
done

# pss_mib PID...: the proportional set size of these processes and their children's QEMUs, MiB
pss_mib() {
  local total=0 pid
  for pid in "$@" $(pgrep -x bpflab-qemu || true); do
    total=$(( total + $(awk '/^Pss:/ { print $2 }' "/proc/$pid/smaps_rollup" 2>/dev/null || echo 0) ))
  done
  echo $(( total / 1024 ))
}
# await_pools PORT POOLED: until the server's health says that many VMs are pooled in all
await_pools() {
  for _ in $(seq 1 1200); do
    curl -s "http://localhost:$1/q/health" | grep -q "\"pooled\" *: *$2\b" && return 0
    sleep 1
  done
  echo "the pools did not fill: $(curl -s "http://localhost:$1/q/health")"; return 1
}
pool=2
extra=1
options=(-Dbpflab.qemu.guest-dir="$guest" -Dbpflab.qemu.image-builder=none -Dbpflab.qemu.pool-size=$pool
  -Dbpflab.qemu.extra-kernel-pool-size=$extra)

echo "== memory: the default kernel's pool of $pool, then every kernel (each extra one a pool of $extra)"
port=$(spare_port)
start_server "$port" qemu "${options[@]}" -Dbpflab.qemu.kernels="$default"
await_pools "$port" $pool
sleep 5
alone=$(pss_mib "$bench_server")
echo "$default only: $alone MiB (server + $(pgrep -cx bpflab-qemu) QEMUs)"
kill "$bench_server"; wait "$bench_server" 2>/dev/null || true
for _ in $(seq 1 30); do pgrep -x bpflab-qemu >/dev/null || break; sleep 1; done # its VMs go with it
count=$(echo "$kernels" | tr ',' '\n' | wc -l)
port=$(spare_port)
start_server "$port" qemu "${options[@]}" -Dbpflab.qemu.kernels="$kernels"
await_pools "$port" $(( pool + extra * (count - 1) ))
sleep 5
all=$(pss_mib "$bench_server")
echo "$kernels: $all MiB (server + $(pgrep -cx bpflab-qemu) QEMUs): $(( (all - alone) / (count > 1 ? count - 1 : 1) )) MiB more per extra kernel"

echo "== Run -> first event per kernel ($runs runs each, after 1 warm-up)"
for kernel in ${kernels//,/ }; do
  java bench/RunLatency.java "http://localhost:$port" "$runs" server/src/test/resources/programs/unlink_events.bpf.c \
    unlink-file "$kernel"
done
