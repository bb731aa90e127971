#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# guest.sh VARIANT KERNEL_DIR: build the module and the guest test programs
# against that kernel and pack the initramfs; print its path.
#
# Initramfs layout (on top of the cached riscv64 userland):
#   /init                   scripts/guest/init
#   /lib/modules/<release>  the kernel's modules (ftrace samples)
#   /callops/callops.ko     our module, built with M= against the kernel
#   /callops/selftests/     make -C selftests install: the suites, static
#                           riscv64 test programs, BPF objects, the test
#                           module; and the make-run demo
#   /callops/ftrace/        tools/testing/selftests/ftrace of the same tree
#   /callops/bpf_selftests/ the same tree's BPF selftests (test_progs, its
#                           BPF objects, bpf_testmod.ko, DENYLIST.riscv64),
#                           scripts/bpf_selftests.sh; only with
#                           CALLOPS_BPF_SELFTESTS=1 (pipeline.sh sets it
#                           when SUITES has bpf_selftests)
source "$(dirname "$0")/lib.sh"

VARIANT=$1
KOUT=$2
BUILD=$(cat "$KOUT/build")
TREE=$(cat "$KOUT/source")
# Per clone: two clones (a CI run next to a development tree) never share it.
WORK=$CACHE/work/guest-$VARIANT-$(hash_of "$TOP")
USERLAND=$("$TOP/scripts/userland.sh")
mkdir -p "$WORK"

# The module needs the series' provider interface and its kernel crate
# abstraction: vanilla has neither, and make check-series' kernels of the
# patches before kernel::ftrace::callops lack the latter.
has_provider=0
grep -q ' ftrace_callops_register$' "$KOUT/System.map" &&
	[ -f "$TREE/rust/kernel/ftrace/callops.rs" ] && has_provider=1
if [ "$has_provider" = 1 ]; then
	stage "guest $VARIANT: module (make -C <kernel> M=$TOP LLVM=1)"
	"$TOP/scripts/module.sh" "$BUILD" "$WORK/module" >"$WORK/module.log" 2>&1 ||
		die "module build failed against $VARIANT: $(grep -m1 -E 'error' "$WORK/module.log") (log $WORK/module.log)"
else
	stage "guest $VARIANT: no call ops provider interface or no kernel::ftrace::callops, so no module (its suites skip)"
fi

SYSROOT=$("$TOP/scripts/sysroot.sh")
stage "guest $VARIANT: selftests (make -C selftests install: BPF skeletons, static riscv64 programs, test module)"
safe_rm "$WORK/selftests-install"
mkdir -p "$WORK/selftests"
in_root make -C "$TOP/selftests" KSRC="$TREE" KDIR="$BUILD" VMLINUX="$KOUT/vmlinux" \
	SYSROOT="$SYSROOT" OUTPUT="$WORK/selftests" ARCH=riscv \
	CROSS_COMPILE=riscv64-linux-gnu- install INSTALL_PATH="$WORK/selftests-install" \
	>"$WORK/selftests.log" 2>&1 ||
	die "selftests build failed against $VARIANT: $(grep -m1 -E 'error' "$WORK/selftests.log") (log $WORK/selftests.log)"

# The kernel's BPF selftests, only when a suite runs them (pipeline.sh).
BPF_SELFTESTS=
[ "${CALLOPS_BPF_SELFTESTS:-0}" = 0 ] ||
	BPF_SELFTESTS=$("$TOP/scripts/bpf_selftests.sh" "$VARIANT" "$KOUT")

stage "guest $VARIANT: initramfs"
INITRD=$WORK/initrd.cpio
staging=$(new_tmp "$WORK/root")
cp -a "$USERLAND/." "$staging/"
install -m 755 "$TOP/scripts/guest/init" "$staging/init"
mkdir -p "$staging/callops/selftests" "$staging/dev" "$staging/lib/modules"
[ -e "$staging/dev/console" ] || mknod "$staging/dev/console" c 5 1
# An extracted userland has no /etc/passwd or /etc/group (base-passwd's
# scripts never ran); ftracetest's ownership tests need a second user and
# group to switch to.
printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin' \
	'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin' >"$staging/etc/passwd"
printf '%s\n' 'root:x:0:' 'daemon:x:1:' 'nogroup:x:65534:' >"$staging/etc/group"
# /init and the suites are busybox sh scripts; Debian's /bin/sh is dash's.
ln -sf busybox "$staging/usr/bin/sh"
# Debian's awk is an alternatives link that extraction does not make;
# ftracetest needs GNU awk (strtonum), busybox's would answer otherwise.
ln -sf gawk "$staging/usr/bin/awk"
cp -a "$WORK/selftests-install/." "$staging/callops/selftests/"
cp "$TOP/scripts/guest/demo.sh" "$staging/callops/selftests/"
[ "$has_provider" = 0 ] || cp "$WORK/module/rust/callops.ko" "$staging/callops/"
cp -a "$TREE/tools/testing/selftests/ftrace" "$staging/callops/ftrace"
if [ -n "$BPF_SELFTESTS" ]; then
	mkdir -p "$staging/callops/bpf_selftests"
	cp -a "$BPF_SELFTESTS/." "$staging/callops/bpf_selftests/"
	rm "$staging/callops/bpf_selftests/build.log"
fi
cp -a "$KOUT/modules/lib/modules/." "$staging/lib/modules/"
in_root sh -c 'cd "$1" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc --quiet >"$2"' sh "$staging" "$INITRD.tmp" ||
	die "cpio failed for the $VARIANT initramfs"
mv "$INITRD.tmp" "$INITRD"
safe_rm "$staging"
echo "$INITRD"
