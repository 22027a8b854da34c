#!/bin/sh
# Runs inside the guest's root while build-image.sh makes it (an mmdebstrap hook, chrooted), after build-demo.sh:
#   1. downloads (does not install) the suite's kernel and busybox into /tmp/debs, for build-image.sh to unpack;
#   2. installs the suite's clang, llvm and bpftool: the toolchain the host compiles this guest's programs with
#      (in a jail whose /usr is this root's), and writes /tmp/toolchain-files: every file those packages added,
#      which the guest's squashfs leaves out, so the guest still has no compiler.
set -eu
mkdir -p /tmp/debs
cd /tmp/debs
apt-get download -q linux-image-amd64 busybox-static
# linux-image-amd64 is a metapackage: the kernel itself is the versioned package it depends on
kpkg=$(dpkg-deb -f linux-image-amd64_*.deb Depends | grep -o 'linux-image-[0-9][^ ,]*' | head -n1)
[ -n "$kpkg" ] || { echo "build-toolchain: cannot tell which kernel linux-image-amd64 depends on" >&2; exit 1; }
apt-get download -q "$kpkg"
cd /
dpkg-query -W -f='${Package}\n' | sort > /tmp/guest-packages
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends clang llvm bpftool
dpkg-query -W -f='${Package}\n' | sort > /tmp/all-packages
# Files only: a directory a toolchain package shares with the guest (/usr/bin) must stay. A path through a merged-/usr
# link (/lib/...) is named by where it really is (usr/lib/...), which is what mksquashfs matches.
for package in $(comm -13 /tmp/guest-packages /tmp/all-packages); do
    dpkg-query -L "$package"
done | while read -r path; do
    if [ -e "$path" ] && [ ! -d "$path" ]; then
        dir=$(cd "$(dirname "$path")" && pwd -P)
        echo "${dir#/}/$(basename "$path")"
    fi
done | sed 's|^/||' | sort -u > /tmp/toolchain-files
apt-get clean
rm /tmp/guest-packages /tmp/all-packages
clang --version | head -n 1 > /tmp/toolchain-clang
