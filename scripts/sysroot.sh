#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# sysroot.sh: make sure the cached riscv64 sysroot for cross-building the C
# selftests against libbpf exists; print its path.  Like the userland, the
# Debian riscv64 packages are only extracted (mmdebstrap --variant=extract);
# the test programs link their static libraries (libbpf.a, libelf.a, ...).
# Only the mirror is needed: no toolchain root.
NO_TOOLCHAIN=1
source "$(dirname "$0")/lib.sh"

SYSROOT_PACKAGES="libc6-dev libbpf-dev libelf-dev zlib1g-dev libzstd-dev"
# Keyed by the versions of the packages and their dependencies (lib.sh).
SYSROOT_VERSIONS=$(debian_versions "$SUITE" riscv64 deps $SYSROOT_PACKAGES)
SYSROOT=$CACHE/sysroot-$(hash_of "$SYSROOT_VERSIONS" "$SUITE" v2)
if [ -f "$SYSROOT/usr/lib/riscv64-linux-gnu/libbpf.a" ]; then
	echo "$SYSROOT"
	exit 0
fi

need_root
lock_cache sysroot
if [ -f "$SYSROOT/usr/lib/riscv64-linux-gnu/libbpf.a" ]; then
	echo "$SYSROOT"
	exit 0
fi
tmp=$(new_tmp "$SYSROOT")
pins=$(debian_pins "$SYSROOT_VERSIONS" $SYSROOT_PACKAGES)
extract_riscv64 sysroot "$tmp" "$pins"
[ -f "$tmp/usr/lib/riscv64-linux-gnu/libbpf.a" ] || {
	safe_rm "$tmp"
	die "riscv64 sysroot has no libbpf.a (log $CACHE/sysroot.log)"
}
publish "$tmp" "$SYSROOT"
echo "$SYSROOT"
