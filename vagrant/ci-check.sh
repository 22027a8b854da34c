#!/usr/bin/env bash
# CI's check of the lab host: the Vagrantfile validates, the provisioning script works on this Debian machine by
# itself, and the service it installs answers /q/health and runs one program end to end.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
port=${BPFLAB_PORT:-8080}

command -v vagrant >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends vagrant; }
(cd "$here" && vagrant validate --ignore-provider)
"$here/provision.sh" "$here/.."
curl -sf "http://localhost:$port/q/health" | grep -q '"status" *: *"UP"'
java "$here/../bench/RunLatency.java" "http://localhost:$port" 1 "$here/../server/src/test/resources/programs/unlink_events.bpf.c" unlink-file
echo "vagrant: lab host check passed"

# Leave the machine as it was found: stop the service the check started.
if [ -d /run/systemd/system ]; then systemctl stop bpflab.service || true; elif [ -f /run/bpflab.pid ]; then kill "$(cat /run/bpflab.pid)" || true; pkill -f /opt/bpflab/app/quarkus-run.jar || true; fi
