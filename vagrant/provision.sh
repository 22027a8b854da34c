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
say "building the guest VM image (Debian kernel + libbpf + the agent, and the headers the host compiles against) into /var/cache/bpflab-guest"
"$src/server/src/main/guest/build-image.sh" /var/cache/bpflab-guest "$prefix/app.new/agent"
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
# the image is built by this script; the service uses it as it is
bpflab.qemu.image-builder=none
PROPS
fi

java=$(command -v java)
if [ -d /run/systemd/system ]; then
  say "installing the systemd service bpflab.service"
  cat > /etc/systemd/system/bpflab.service <<UNIT
[Unit]
Description=bpflab, a web-based eBPF lab
After=network-online.target

[Service]
WorkingDirectory=$prefix
ExecStart=$java -jar $prefix/app/quarkus-run.jar
Restart=on-failure
RestartSec=2

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
      $java -jar $prefix/app/quarkus-run.jar & child=\$!; wait \$child; sleep 2; done" >> "$log" 2>&1 &
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
