#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# userland.sh: make sure the cached riscv64 guest userland exists; print its path.
# Debian riscv64 packages are only extracted (mmdebstrap --variant=extract),
# nothing runs on the host; the guest's /init sets the rest up.
# Only the mirror is needed: no toolchain root.
NO_TOOLCHAIN=1
source "$(dirname "$0")/lib.sh"

# gawk, lscpu (util-linux) and readelf (binutils): ftracetest's
# trace_marker_raw.tc and add_remove_uprobe.tc.
GUEST_PACKAGES="busybox-static bash trace-cmd bpftool kmod gawk util-linux binutils"
# Keyed by the versions of the packages and their dependencies (lib.sh).
GUEST_VERSIONS=$(debian_versions "$SUITE" riscv64 deps $GUEST_PACKAGES)
USERLAND=$CACHE/userland-$(hash_of "$GUEST_VERSIONS" "$SUITE" v2)
if [ -x "$USERLAND/bin/busybox" ]; then
	echo "$USERLAND"
	exit 0
fi

need_root
lock_cache userland
if [ -x "$USERLAND/bin/busybox" ]; then
	echo "$USERLAND"
	exit 0
fi
tmp=$(new_tmp "$USERLAND")
pins=$(debian_pins "$GUEST_VERSIONS" $GUEST_PACKAGES)
extract_riscv64 userland "$tmp" "$pins"
# merged-/usr layout: extract does not run base-files' scripts.
for d in bin sbin lib; do
	[ -e "$tmp/$d" ] || ln -s "usr/$d" "$tmp/$d"
done
publish "$tmp" "$USERLAND"
echo "$USERLAND"
