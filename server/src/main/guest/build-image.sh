#!/bin/bash
# Builds a bpflab guest image for one kernel from Debian packages, the same way for every kernel:
#   vmlinuz          Debian's linux-image-amd64 kernel of the kernel's suite
#   rootfs.squashfs  a Debian root filesystem of that suite with libbpf, bpftool, iproute2 and a headless JRE (17 or
#                    newer), shared read-only by every VM (writes go to guest RAM through an overlay); no compiler: the
#                    server compiles on the host and the agent only loads. /usr/local/bin/bpflab-demo (from
#                    bpflab-demo.c) is the user-space program uprobe, uretprobe and usdt sections attach to
#   toolchain/       the same root with the suite's clang, llvm and bpftool installed (build-toolchain.sh): the host
#                    compiles this guest's programs with them, in a jail whose /usr is this root's, so that each kernel
#                    gets its own distribution's compiler and libbpf headers (a link into the base, below)
#   include/         what the host compiles programs for this guest against: vmlinux.h, generated from the guest
#                    kernel's own BTF, that BTF raw (vmlinux.btf), and the guest's libbpf (bpf/) and UAPI (linux/,
#                    asm/, asm-generic/) headers
#   initrd.img       busybox + the modules needed to mount the root, followed by a second archive holding
#                    /opt/bpflab: the guest init, the host control daemon and the agent jars
#   release, name, toolchain.txt
#                    the kernel release, the distribution's name ("Debian GNU/Linux 13 (trixie)") and the toolchain's
#                    ("clang 19.1.7, libbpf 1.5.0"), for GET /api/kernels
#
# Usage: build-image.sh [--kernel ID] OUT_DIR [AGENT_DIR]
#   ID is debian12 (bookworm, Linux 6.1; the default), debian13 (trixie, 6.12) or debian-testing (Debian testing's
#   kernel; not buildable yet: its 7.x kernel package ships the image in another package than linux-image-amd64's
#   first dependency); OUT_DIR holds that one kernel's images. BPFLAB_ALLOW_EXPIRED_RELEASE=1 lets apt take a
#   snapshot mirror's Release whose Valid-Until has passed (testing's, on some closed networks).
#   AGENT_DIR holds bpflab-agent.jar and agent-lib/ (default: the repository's agent/target/).
# The result is OUT_DIR/current (a symlink to image-<hash>). Idempotent: inputs are hashed, and an image whose
# hash matches is reused. The Debian part (about a minute) is rebuilt only when the marked block below, the
# initramfs init, the demo program (bpflab-demo.c, build-demo.sh) or build-toolchain.sh change; a new agent only
# rebuilds the small second archive.
# Needs root, apt access to a Debian mirror (the one this machine's apt uses, any suite), and: mmdebstrap
# squashfs-tools cpio gzip llvm (llvm-objcopy).
# A build that is killed leaves nothing that is trusted later: everything is made in *.tmp directories, renamed when
# complete, and the next run removes what a killed one left. It runs in a mount namespace of its own (below).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
all_args=("$@")
kernel=debian12
if [ "${1:-}" = "--kernel" ]; then
    kernel=${2:?usage: build-image.sh [--kernel ID] OUT_DIR [AGENT_DIR]}
    shift 2
fi
out=${1:?usage: build-image.sh [--kernel ID] OUT_DIR [AGENT_DIR]}
agent_dir=${2:-$here/../../../../agent/target}
# >>> base: this block, initramfs-init, bpflab-demo.c and build-demo.sh define the Debian base; editing one
# rebuilds it.
case $kernel in
    debian12) suite=bookworm ;;
    debian13) suite=trixie ;;
    debian-testing) suite=testing ;;
    *) echo "build-image: no kernel '$kernel': choose debian12, debian13 or debian-testing" >&2; exit 2 ;;
esac
# default-jre-headless: each suite's own JRE (17 in bookworm, 21 in trixie), all of which run the agent (Java 17)
packages=libbpf1,libbpf-dev,bpftool,iproute2,default-jre-headless,linux-libc-dev,kmod,procps,xz-utils
initramfs_modules="virtio_mmio virtio_blk virtio_console squashfs overlay"
build_base() { # $1: the directory to create
    local base=$1 work=$1.tmp
    echo "build-image: building the Debian base $base_id of $kernel ($suite: kernel, root filesystem, toolchain," \
        "initramfs)"
    stage image-kernel
    rm -rf "$base" "$base.tmp"
    mkdir -p "$work"

    stage image-packages
    # Root filesystem, from the mirror this machine's apt uses, in the kernel's suite. Man pages, docs and locales
    # are left out; openjdk's postinst needs the man1 directory.
    # The hooks build bpflab-demo (what uprobe, uretprobe and usdt sections attach to) inside the root with its
    # Debian gcc (build-demo.sh), which is removed again; then build-toolchain.sh fetches the suite's kernel and
    # installs its clang, listing the files the guest leaves out.
    local mirror_lines expired_ok=()
    readarray -t mirror_lines < <(mirrors "$suite")
    # A mirror that is a snapshot (as in some closed networks) serves a testing Release whose Valid-Until has passed;
    # apt refuses it unless told, which only BPFLAB_ALLOW_EXPIRED_RELEASE=1 does (it gives up replay protection).
    if [ "${BPFLAB_ALLOW_EXPIRED_RELEASE:-}" = 1 ]; then
        expired_ok=(--aptopt='Acquire::Check-Valid-Until "false"')
    fi
    # mmdebstrap empties /tmp when it ends: what build-toolchain.sh leaves there is moved out by the last hook.
    BPFLAB_GUEST_SRC=$here BPFLAB_WORK=$work \
    mmdebstrap --mode=root --variant=minbase --format=directory --include="$packages" "${expired_ok[@]}" \
        --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
        --dpkgopt='path-exclude=/usr/share/locale/*' --essential-hook='mkdir -p "$1/usr/share/man/man1"' \
        --customize-hook='cp "$BPFLAB_GUEST_SRC/bpflab-demo.c" "$BPFLAB_GUEST_SRC/build-demo.sh" "$1/tmp/"' \
        --customize-hook='chroot "$1" sh /tmp/build-demo.sh && rm "$1/tmp/build-demo.sh"' \
        --customize-hook='cp "$BPFLAB_GUEST_SRC/build-toolchain.sh" "$1/tmp/"' \
        --customize-hook='chroot "$1" sh /tmp/build-toolchain.sh && rm "$1/tmp/build-toolchain.sh"' \
        --customize-hook='mv "$1/tmp/debs" "$1/tmp/toolchain-files" "$1/tmp/toolchain-clang" "$BPFLAB_WORK/"' \
        "$suite" "$work/rootfs" "${mirror_lines[@]}" > "$work/mmdebstrap.log" 2>&1 \
        || { tail -n 30 "$work/mmdebstrap.log" >&2; die "mmdebstrap failed (log: $work/mmdebstrap.log)"; }
    sed 's/ *(.*//; s/ version / /; s/^Debian //' "$work/toolchain-clang" > "$work/toolchain.txt"
    rm "$work/toolchain-clang"
    libbpf_version=$(awk '/LIBBPF_(MAJOR|MINOR)_VERSION/ { v = v (v == "" ? "" : ".") $3 } END { print v }' \
        "$work/rootfs/usr/include/bpf/libbpf_version.h")
    sed -i "s/\$/, libbpf $libbpf_version/" "$work/toolchain.txt"
    (. "$work/rootfs/etc/os-release" && echo "$PRETTY_NAME") > "$work/name"

    # Kernel: the version linux-image-amd64 points at, unpacked without running its maintainer scripts.
    dpkg-deb -x "$(ls "$work"/debs/linux-image-[0-9]*.deb | head -n1)" "$work/kernel"
    # bookworm's kernel package ships its modules in /lib/modules, trixie's in /usr/lib/modules (merged /usr)
    moddir=$work/kernel/lib/modules
    [ -d "$moddir" ] || moddir=$work/kernel/usr/lib/modules
    release=$(ls "$moddir")
    cp "$work/kernel/boot/vmlinuz-$release" "$work/vmlinuz"
    echo "$release" > "$work/release"

    stage image-pack
    # The headers the host compiles against. vmlinux.h comes from the BTF inside the kernel image: the bzImage holds
    # vmlinux compressed (Debian: xz); it is found by its compression magic and unpacked, then the guest's bpftool
    # dumps its .BTF section as C.
    vmlinux_from_bzimage "$work/vmlinuz" > "$work/rootfs/tmp/vmlinux" \
        || die "cannot unpack vmlinux from the $release kernel image to read its BTF"
    mkdir -p "$work/include/asm"
    chroot "$work/rootfs" bpftool btf dump file /tmp/vmlinux format c > "$work/include/vmlinux.h" \
        || die "bpftool could not dump the BTF of the $release kernel"
    # Its BTF, raw (what /sys/kernel/btf/vmlinux holds in the running guest): the host cuts it down to the types each
    # program's CO-RE relocations use (bpftool gen min_core_btf), so the agent need not parse all of it per run.
    llvm-objcopy --dump-section .BTF="$work/include/vmlinux.btf" "$work/rootfs/tmp/vmlinux" "$work/vmlinux.stripped" \
        || die "llvm-objcopy could not extract the BTF of the $release kernel"
    rm -f "$work/rootfs/tmp/vmlinux" "$work/vmlinux.stripped"
    # Followed, not copied as links: trixie's linux-libc-dev links its headers into /usr/lib/linux/uapi.
    cp -rL "$work/rootfs/usr/include/bpf" "$work/rootfs/usr/include/linux" "$work/rootfs/usr/include/asm-generic" \
        "$work/include/"
    cp -rL "$work/rootfs/usr/include/x86_64-linux-gnu/asm/." "$work/include/asm/"
    chmod -R a+rX "$work/include"

    # Kernel modules a lesson may need (networking for XDP/tc on veth, filesystems, crypto); no hardware drivers.
    kmods=$moddir/$release
    dest=$work/rootfs/lib/modules/$release
    mkdir -p "$dest/kernel/drivers"
    cp -a "$kmods"/modules.order "$kmods"/modules.builtin* "$dest/"
    for dir in arch block crypto fs lib mm net virt; do cp -a "$kmods/kernel/$dir" "$dest/kernel/"; done
    for dir in virtio block char net/veth.ko net/dummy.ko net/ifb.ko net/macvlan.ko net/ipvlan net/vxlan \
        net/geneve.ko net/tun.ko net/vrf.ko net/net_failover.ko net/virtio_net.ko; do
        mkdir -p "$(dirname "$dest/kernel/drivers/$dir")"
        found=
        for src in "$kmods/kernel/drivers/$dir" "$kmods/kernel/drivers/$dir.xz" "$kmods/kernel/drivers/$dir.zst"; do
            [ -e "$src" ] && cp -a "$src" "$(dirname "$dest/kernel/drivers/$dir")/" && found=1
        done
        [ -n "$found" ] || die "no $dir among the $release kernel's drivers"
    done
    chroot "$work/rootfs" /sbin/depmod "$release"

    # The guest is no place for apt's caches or the host's identity.
    rm -rf "$work/rootfs/var/cache/apt"/*.bin "$work/rootfs/var/lib/apt/lists"/* "$work/rootfs/etc/machine-id"
    echo bpflab-guest > "$work/rootfs/etc/hostname"
    mkdir -p "$work/rootfs/opt/bpflab" "$work/rootfs/var/cache/bpflab" "$work/rootfs/sys/kernel/tracing"
    # The guest gets the root without the toolchain's files; the host's jail gets all of it.
    mksquashfs "$work/rootfs" "$work/rootfs.squashfs" -comp lz4 -noappend -quiet -no-progress \
        -ef "$work/toolchain-files" >/dev/null

    # Initramfs: busybox, the modules that mount the root (with their dependencies, in order) and the init.
    ird=$work/initramfs
    mkdir -p "$ird"/{bin,dev,proc,sys,lower,upper,newroot,lib/modules}
    # /bin/busybox in bookworm's package, /usr/bin/busybox in trixie's
    dpkg-deb -x "$(ls "$work"/debs/busybox-static_*.deb | head -n1)" "$work/busybox"
    cp "$(find "$work/busybox" -path '*bin/busybox' -type f | head -n1)" "$ird/bin/busybox"
    [ "$(stat -c %s "$ird/bin/busybox")" -gt 100000 ] || die "no static busybox in $(ls "$work"/debs/busybox-static_*.deb)"
    : > "$ird/lib/modules/load-order"
    # Modules are .ko in bookworm, .ko.xz in trixie; busybox's insmod loads them uncompressed.
    resolve() { # prints the module paths needed for $1, dependencies first
        local line deps dep
        if ! line=$(grep -E "(^|/)$1\.ko(\.xz|\.zst)?:" "$dest/modules.dep"); then
            # built into the kernel (trixie's has virtio_console built in): nothing to load
            grep -qE "(^|/)$1\.ko\$" "$dest/modules.builtin" && return 0
            die "module $1 not in $release"
        fi
        deps=${line#*:}
        for dep in $deps; do dep=$(basename "$dep"); resolve "${dep%%.ko*}"; done
        echo "${line%%:*}"
    }
    for module in $initramfs_modules; do
        paths=$(resolve "$module") || exit 1
        for path in $paths; do
            plain=${path%.xz}
            plain=${plain%.zst}
            grep -qx "$plain" "$ird/lib/modules/load-order" && continue
            case $path in
                *.xz) xz -dc "$dest/$path" > "$ird/lib/modules/$(basename "$plain")" ;;
                *.zst) zstd -qdc "$dest/$path" > "$ird/lib/modules/$(basename "$plain")" ;;
                *) cp "$dest/$path" "$ird/lib/modules/" ;;
            esac
            echo "$plain" >> "$ird/lib/modules/load-order"
        done
    done
    cp "$here/initramfs-init" "$ird/init"
    chmod 755 "$ird/init"
    (cd "$ird" && find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -6) > "$work/initrd-base.img"

    # The toolchain needs no kernel modules, nor the guest's caches.
    rm -rf "$work/rootfs/lib/modules" "$work/rootfs/usr/lib/modules"
    mv "$work/rootfs" "$work/toolchain"
    rm -rf "$work/kernel" "$work/initramfs" "$work/busybox" "$work/debs" "$work/toolchain-files"
    touch "$work/done"
    mv "$work" "$base"
}
# <<< base

die() { echo "build-image: $*" >&2; exit 1; }
mirrors() { # $1: a suite; prints mmdebstrap's mirror arguments: this machine's Debian mirrors, for that suite
    local suite=$1 main security
    main=$(grep -hoE '(URIs: *|^deb +(\[[^]]*\] +)?)https?://[^ ]+' /etc/apt/sources.list.d/*.sources \
        /etc/apt/sources.list 2>/dev/null | grep -oE 'https?://[^ ]+' | grep -v security | head -n1)
    security=$(grep -hoE 'https?://[^ ]*security[^ ]*' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list \
        2>/dev/null | head -n1)
    main=${main:-http://deb.debian.org/debian}
    echo "deb $main $suite main"
    # testing has no -updates, and its security suite is not always there: only the stable suites get them
    if [ "$suite" != testing ]; then
        echo "deb $main $suite-updates main"
        echo "deb ${security:-http://deb.debian.org/debian-security} $suite-security main"
    fi
}
# A progress line the server reads (BuildProgress.java): the build entered stage $1 (PreparationStage, e.g.
# image-packages). These lines say nothing about what is built, so the base's hash leaves them out.
stage() { echo "build-image: stage $1"; }
vmlinux_from_bzimage() ( # $1: a bzImage; prints the ELF vmlinux it carries
    set +o pipefail # the probe below stops reading early; the decompressor's SIGPIPE is expected
    local image=$1 magic offset tool
    for magic in 'xz:\xfd7zXZ\x00' 'gzip:\x1f\x8b\x08' 'zstd:\x28\xb5\x2f\xfd'; do
        tool=${magic%%:*}
        for offset in $(LC_ALL=C grep -aboP "${magic#*:}" "$image" | cut -d: -f1); do
            # data after the stream makes the tools complain; the ELF they wrote is what counts
            if tail -c +"$((offset + 1))" "$image" | "$tool" -dc 2>/dev/null | head -c 4 | grep -q 'ELF'; then
                tail -c +"$((offset + 1))" "$image" | "$tool" -dc 2>/dev/null
                exit 0
            fi
        done
    done
    exit 1
)
[ "$(id -u)" = 0 ] || die "must run as root (mmdebstrap, chroot, device nodes)"
# mmdebstrap mounts /proc, /sys, a devpts and the host's /dev/shm inside the root it builds, and unmounts them when it
# ends normally. In a mount namespace of the build's own they end with the build however it ends; left behind, they
# would make removing the half-built root reach into the host's /dev/shm.
if [ -z "${BPFLAB_IMAGE_NS:-}" ] && unshare --mount --propagation private true 2>/dev/null; then
    exec env BPFLAB_IMAGE_NS=1 unshare --mount --propagation private bash "$0" "${all_args[@]}"
fi
remove_partial() { # $1: a directory an unfinished build left; never crosses into another filesystem (a mount)
    [ -e "$1" ] || return 0
    echo "build-image: removing $1, left by a build that did not finish"
    rm -rf --one-file-system "$1" || die "cannot remove $1; a killed build may have left a mount under it" \
        "(grep '$1' /proc/self/mountinfo, then umount it)"
}
for tool in mmdebstrap mksquashfs cpio gzip xz zstd llvm-objcopy apt-get sha256sum; do
    command -v "$tool" >/dev/null || die "$tool is missing: apt-get install mmdebstrap squashfs-tools cpio xz-utils zstd llvm"
done
[ -f "$agent_dir/bpflab-agent.jar" ] || die "no agent at $agent_dir/bpflab-agent.jar: build it with ./mvnw -DskipTests package"

mkdir -p "$out"
out=$(cd "$out" && pwd)
exec 9>"$out/.lock"
flock 9


base_id=$( (echo "$kernel"; sed -n '/^# >>> base/,/^# <<< base/p' "$here/build-image.sh" \
    | grep -v '^ *stage image-[a-z]*$'; cat "$here/initramfs-init" "$here/bpflab-demo.c" "$here/build-demo.sh" \
    "$here/build-toolchain.sh") | sha256sum | cut -c1-16)
layer_id=$( (cd "$agent_dir" && sha256sum bpflab-agent.jar agent-lib/*.jar) | cat - "$here/guest-init" "$here/guest-control" \
    | sha256sum | cut -c1-16)
image_id=$base_id-$layer_id
image=$out/image-$image_id
if [ -f "$image/image.id" ]; then
    ln -sfn "image-$image_id" "$out/current"
    echo "build-image: up to date: $image"
    exit 0
fi

started=$(date +%s)
base=$out/base-$base_id
[ -f "$base/done" ] || { remove_partial "$base.tmp"; build_base "$base"; }

# The agent layer: a second (uncompressed) cpio appended to the initramfs; the kernel unpacks both.
stage image-agent
tmp=$image.tmp
remove_partial "$tmp"
mkdir -p "$tmp/layer/opt/bpflab/agent-lib"
cp "$agent_dir/bpflab-agent.jar" "$tmp/layer/opt/bpflab/"
cp "$agent_dir"/agent-lib/*.jar "$tmp/layer/opt/bpflab/agent-lib/"
install -m 755 "$here/guest-init" "$tmp/layer/opt/bpflab/guest-init"
install -m 755 "$here/guest-control" "$tmp/layer/opt/bpflab/guest-control"
(cd "$tmp/layer" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) > "$tmp/layer.cpio"
# The kernel looks for the next archive at a 4-byte boundary after the compressed one.
cp "$base/initrd-base.img" "$tmp/initrd.img"
truncate -s %512 "$tmp/initrd.img"
cat "$tmp/layer.cpio" >> "$tmp/initrd.img"
rm -rf "$tmp/layer" "$tmp/layer.cpio"
ln "$base/vmlinuz" "$tmp/vmlinuz"
cp -al "$base/include" "$tmp/include"
ln "$base/rootfs.squashfs" "$tmp/rootfs.squashfs"
cp "$base/release" "$base/name" "$base/toolchain.txt" "$tmp/"
# The toolchain is the base's, shared by every image of that base (a relative link: the directory may move).
ln -s "../base-$base_id/toolchain" "$tmp/toolchain"
echo "$image_id" > "$tmp/image.id"
mv "$tmp" "$image"
ln -sfn "image-$image_id" "$out/current"

# Keep the image just built and the one before it (a running server may still start clones from it).
keep=$(ls -1dt "$out"/image-*/ 2>/dev/null | head -n 2 | xargs -rn1 basename)
for old in "$out"/image-*/; do
    name=$(basename "$old")
    echo "$keep" | grep -qx "$name" || rm -rf --one-file-system "$old"
done
for old in "$out"/base-*/; do
    name=$(basename "$old")
    ls -d "$out"/image-"${name#base-}"-* >/dev/null 2>&1 || rm -rf --one-file-system "$old"
done
echo "build-image: built $image in $(( $(date +%s) - started )) s"
