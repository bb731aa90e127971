#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# userland.sh: make sure the cached riscv64 guest userland exists; print its path.
# Debian riscv64 packages are only extracted (mmdebstrap --variant=extract),
# nothing runs on the host; the guest's /init sets the rest up.
source "$(dirname "$0")/lib.sh"

# gawk, lscpu (util-linux) and readelf (binutils): ftracetest's
# trace_marker_raw.tc and add_remove_uprobe.tc.
GUEST_PACKAGES="busybox-static bash trace-cmd bpftool kmod gawk util-linux binutils"
USERLAND=$CACHE/userland-$(hash_of "$GUEST_PACKAGES" "$SUITE" v1)
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
check_mirror
stage "guest userland: extracting riscv64 $GUEST_PACKAGES"
tmp=$(new_tmp "$USERLAND")
log=$CACHE/userland.log
if ! mmdebstrap --aptopt='Acquire::Check-Valid-Until "false"' --architectures=riscv64 \
	--variant=extract --include="$(echo $GUEST_PACKAGES | tr ' ' ,)" \
	"$SUITE" "$tmp" "deb $MIRROR $SUITE main" >"$log" 2>&1; then
	safe_rm "$tmp"
	die "mmdebstrap (riscv64 userland) failed; last lines of $log: $(tail -n 3 "$log" | tr '\n' ' ')"
fi
# merged-/usr layout: extract does not run base-files' scripts.
for d in bin sbin lib; do
	[ -e "$tmp/$d" ] || ln -s "usr/$d" "$tmp/$d"
done
rm -rf "$tmp/var/cache/apt" "$tmp/var/lib/apt/lists" "$tmp/usr/share/doc" "$tmp/usr/share/man"
publish "$tmp" "$USERLAND"
echo "$USERLAND"
