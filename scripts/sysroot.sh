#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# sysroot.sh: make sure the cached riscv64 sysroot for cross-building the C
# selftests against libbpf exists; print its path.  Like the userland, the
# Debian riscv64 packages are only extracted (mmdebstrap --variant=extract);
# the test programs link their static libraries (libbpf.a, libelf.a, ...).
source "$(dirname "$0")/lib.sh"

SYSROOT_PACKAGES="libc6-dev libbpf-dev libelf-dev zlib1g-dev libzstd-dev"
SYSROOT=$CACHE/sysroot-$(hash_of "$SYSROOT_PACKAGES" "$SUITE" v1)
if [ -f "$SYSROOT/usr/lib/riscv64-linux-gnu/libbpf.a" ]; then
	echo "$SYSROOT"
	exit 0
fi

need_root
check_mirror
stage "riscv64 sysroot: extracting $SYSROOT_PACKAGES"
tmp=$(new_tmp "$SYSROOT")
log=$CACHE/sysroot.log
if ! mmdebstrap --aptopt='Acquire::Check-Valid-Until "false"' --architectures=riscv64 \
	--variant=extract --include="$(echo $SYSROOT_PACKAGES | tr ' ' ,)" \
	"$SUITE" "$tmp" "deb $MIRROR $SUITE main" >"$log" 2>&1; then
	safe_rm "$tmp"
	die "mmdebstrap (riscv64 sysroot) failed; last lines of $log: $(tail -n 3 "$log" | tr '\n' ' ')"
fi
[ -f "$tmp/usr/lib/riscv64-linux-gnu/libbpf.a" ] || {
	safe_rm "$tmp"
	die "riscv64 sysroot has no libbpf.a (log $log)"
}
rm -rf "$tmp/var/cache/apt" "$tmp/var/lib/apt/lists" "$tmp/usr/share/doc" "$tmp/usr/share/man"
publish "$tmp" "$SYSROOT"
echo "$SYSROOT"
