#!/usr/bin/env bash
# Turns any Debian 12 machine into a bpflab lab host: installs packages, builds bpflab (and its guest VM image),
# installs it under /opt/bpflab and runs it as a service on port 8080 that restarts on failure and starts at boot.
# Usage (as root): vagrant/provision.sh [SOURCE_DIR]   — SOURCE_DIR defaults to the checkout holding this script.
# Where systemd is not running (containers, some CI machines) the service runs under a small restart loop instead.
set -euo pipefail

src=$(cd "${1:-$(dirname "$0")/..}" && pwd)
prefix=${BPFLAB_PREFIX:-/opt/bpflab}
port=${BPFLAB_PORT:-8080}
log=/var/log/bpflab.log

say() { echo "provision: $*"; }

if [ "$(id -u)" -ne 0 ]; then
  echo "provision: run as root (sudo $0): it installs packages and a system service" >&2
  exit 1
fi
if ! grep -q 'VERSION_ID="12"' /etc/os-release 2>/dev/null; then
  say "warning: written for Debian 12; this is $(. /etc/os-release; echo "$PRETTY_NAME")"
fi

say "installing packages"
"$src/bin/install-deps"

say "building bpflab in $src"
(cd "$src" && ./mvnw -B -q package -DskipTests)

say "installing into $prefix"
mkdir -p "$prefix/config" /var/lib/bpflab /var/cache/bpflab
rm -rf "$prefix/app.new"
mkdir -p "$prefix/app.new"
cp -a "$src/server/target/quarkus-app/." "$prefix/app.new/"
mkdir -p "$prefix/app.new/agent"
cp -a "$src/agent/target/bpflab-agent.jar" "$src/agent/target/agent-lib" "$prefix/app.new/agent/"
for dir in bpf-templates workshop-material; do
  [ -d "$src/$dir" ] && cp -a "$src/$dir" "$prefix/app.new/"
done
# The kernels runs may choose (bpflab.qemu.kernels, the default first); each has its image in /var/cache/bpflab-guest/ID.
for kernel in debian12 debian13; do
  say "building the $kernel guest VM image (its Debian kernel + libbpf + the agent, the headers and the toolchain the host compiles with) into /var/cache/bpflab-guest/$kernel"
  "$src/server/src/main/guest/build-image.sh" --kernel "$kernel" "/var/cache/bpflab-guest/$kernel" "$prefix/app.new/agent"
done
rm -rf "$prefix/app.old"
[ -d "$prefix/app" ] && mv "$prefix/app" "$prefix/app.old"
mv "$prefix/app.new" "$prefix/app"

# Settings a class may want to change live here and survive re-provisioning.
if [ ! -f "$prefix/config/application.properties" ]; then
  cat > "$prefix/config/application.properties" <<PROPS
quarkus.http.port=$port
bpflab.agent.jar=$prefix/app/agent/bpflab-agent.jar
bpflab.templates.dir=$prefix/app/bpf-templates
bpflab.lessons.dir=$prefix/app/workshop-material
bpflab.data-dir=/var/lib/bpflab
bpflab.cache-dir=/var/cache/bpflab
bpflab.sandbox.backend=qemu
bpflab.qemu.guest-dir=/var/cache/bpflab-guest
bpflab.qemu.kernels=debian12,debian13
# the images are built by this script; the service uses them as they are
bpflab.qemu.image-builder=none
PROPS
fi

java=$(command -v java)
# The service's JVM options (one per line, no spaces within one), as bin/serve uses them.
jvm_options=$(grep -v '^#' "$src/bin/jvm.options" | grep -v '^$' | tr '\n' ' ')
if [ -d /run/systemd/system ]; then
  say "installing the systemd service bpflab.service"
  cat > /etc/systemd/system/bpflab.service <<UNIT
[Unit]
Description=bpflab, a web-based eBPF lab
After=network-online.target

[Service]
WorkingDirectory=$prefix
ExecStart=$java $jvm_options-jar $prefix/app/quarkus-run.jar
Restart=on-failure
RestartSec=2

# Hardening (SECURITY.md has the threat model). The server runs as root because it starts each VM's QEMU as a uid of
# its own and hands sockets and compile directories to those uids; everything else root could do is taken away here.
# Neither the server nor anything it starts may gain privileges (setuid binaries, file capabilities): setpriv and
# bubblewrap only drop them, and the compile jail's bubblewrap runs unprivileged in a user namespace, which this allows.
NoNewPrivileges=yes
# The file system is read-only, but for the directories below, which systemd creates and makes writable.
ProtectSystem=strict
# /var/lib/bpflab: rooms and shares (bpflab.data-dir).
StateDirectory=bpflab
# /var/cache/bpflab: compile cache and kernel headers (bpflab.cache-dir); /var/cache/bpflab-guest: the guest image
# and the saved VMs (bpflab.qemu.guest-dir).
CacheDirectory=bpflab bpflab-guest
# /run/bpflab-qemu: the VMs' sockets, pidfiles and logs (bpflab.qemu.run-dir); /run/bpflab-vm-users: the locks that
# keep two VMs from sharing a uid.
RuntimeDirectory=bpflab-qemu bpflab-vm-users
# No home directories, and a /tmp of its own (the JVM's files; the compile jail mounts its own /tmp).
ProtectHome=yes
PrivateTmp=yes
# Devices: the standard pseudo devices (/dev/null, /dev/urandom...) and /dev/kvm for QEMU; nothing else.
DevicePolicy=closed
DeviceAllow=/dev/kvm rw
# /proc/sys and /sys read-only (systemd leaves /sys/fs/cgroup writable: the VMs' cgroups are made there); no kernel
# modules, clock, hostname or personality changes, no realtime scheduling, no new setuid files, native system calls.
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectClock=yes
ProtectHostname=yes
LockPersonality=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
SystemCallArchitectures=native
# HTTP (inet, inet6), the VMs' sockets (unix), and netlink: bubblewrap brings up the loopback of the compile jail's
# network namespace through it, and the JVM lists network interfaces through it.
RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK
# The service's cgroup is the server's to divide: each VM gets a cgroup of its own with memory and CPU caps
# (bpflab.qemu.cgroup=auto).
Delegate=yes
# Each VM's QEMU has about 5 threads (more while it does disk I/O); a class of 40 VMs and the JVM fit well below this.
TasksMax=16384
# Capabilities, and what each is for:
#   CAP_SETUID CAP_SETGID  setpriv: QEMU as the VM's uid (with /dev/kvm's group), clang as the compile jail's uid
#   CAP_CHOWN              giving each VM its socket directory and the compile jail its work directory
#   CAP_DAC_OVERRIDE       reaching into those directories (owned by those uids, mode 0700) and removing them
#   CAP_KILL               killing VMs and compiles, which run as other uids
#   CAP_SYS_NICE           renicing VMs: the pool restores at nice 10, a VM handed to a run goes back to 0
#   CAP_SYS_PTRACE         reading the environment of processes of other uids, which marks a process tree to kill
#   CAP_SYSLOG             reading the kernel's TSC calibration from its log (dmesg), which a TCG guest is told
# Not here: CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN, CAP_SYS_ADMIN, which the local backend's agent needs to load programs
# into this host's kernel (dev and tests only: see SECURITY.md); CAP_SYS_ADMIN, CAP_SYS_CHROOT, CAP_MKNOD, which
# building the guest image needs (this script builds it, bpflab.qemu.image-builder=none); CAP_NET_BIND_SERVICE (add it
# to listen below 1024).
CapabilityBoundingSet=CAP_SETUID CAP_SETGID CAP_CHOWN CAP_DAC_OVERRIDE CAP_KILL CAP_SYS_NICE CAP_SYS_PTRACE CAP_SYSLOG
# System call families nothing here uses, refused with EPERM: clock setting, CPU emulation, debugging other processes,
# kernel modules, obsolete calls, raw I/O ports, reboot, swap. (QEMU adds its own seccomp filter per VM.)
SystemCallFilter=~@clock @cpu-emulation @debug @module @obsolete @raw-io @reboot @swap
SystemCallErrorNumber=EPERM
# Deliberately not set: MemoryDenyWriteExecute (the JVM compiles code at run time), RestrictNamespaces (the compile
# jail unshares every namespace), ProtectControlGroups (the VMs' cgroups), ProtectKernelLogs (dmesg above),
# PrivateDevices (/dev/kvm), PrivateNetwork (learners connect), PrivateUsers (VMs need real uids), a stricter
# SystemCallFilter (the jail mounts, unshares and changes uid; prlimit and renice set resources), UMask=0027 (the
# jail's and the VMs' uids read the headers and the guest image as others).

[Install]
WantedBy=multi-user.target
UNIT
  systemctl daemon-reload
  systemctl enable bpflab.service
  systemctl restart bpflab.service
else
  say "systemd is not running here: starting bpflab under a restart loop (log: $log)."
  say "  stop it with: kill \$(cat /run/bpflab.pid)"
  if [ -f /run/bpflab.pid ] && kill -0 "$(cat /run/bpflab.pid)" 2>/dev/null; then
    kill "$(cat /run/bpflab.pid)" && sleep 1
  fi
  pkill -f "$prefix/app/quarkus-run.jar" 2>/dev/null || true
  cd "$prefix"
  nohup bash -c "trap 'kill \$child 2>/dev/null; exit 0' TERM; while true; do \
      $java $jvm_options-jar $prefix/app/quarkus-run.jar & child=\$!; wait \$child; sleep 2; done" >> "$log" 2>&1 &
  echo $! > /run/bpflab.pid
fi

say "waiting for http://localhost:$port/q/health/ready"
for _ in $(seq 1 180); do
  if curl -sf "http://localhost:$port/q/health/ready" > /dev/null; then
    say "bpflab is up: http://localhost:$port"
    exit 0
  fi
  sleep 1
done
say "bpflab did not become ready in 180 s; see 'journalctl -u bpflab' or $log" >&2
exit 1
