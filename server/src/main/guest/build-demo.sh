#!/bin/sh
# Runs inside the guest's root while build-image.sh makes it (an mmdebstrap hook, chrooted): builds
# /usr/local/bin/bpflab-demo from /tmp/bpflab-demo.c with Debian's gcc and sys/sdt.h (systemtap-sdt-dev), symbols
# kept, then purges every package it installed for that, so the guest still has no compiler.
set -eu
dpkg-query -W -f='${Package}\n' | sort > /tmp/packages-before
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends gcc systemtap-sdt-dev
gcc -O2 -Wall -o /usr/local/bin/bpflab-demo /tmp/bpflab-demo.c
dpkg-query -W -f='${Package}\n' | sort > /tmp/packages-after
# shellcheck disable=SC2046 # one package name per word
DEBIAN_FRONTEND=noninteractive apt-get purge -y -q $(comm -13 /tmp/packages-before /tmp/packages-after)
apt-get clean
rm /tmp/packages-before /tmp/packages-after /tmp/bpflab-demo.c
/usr/local/bin/bpflab-demo 1 >/dev/null
