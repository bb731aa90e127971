#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# series.sh (make check-series): every patch of arch-riscv-patch/ builds and
# boots.  First every build, then every boot, so that the builds (the long
# part) can share the machine with other work and the boots need not:
#   1. for patch k = 1..N: apply it on top of patches 1..k-1 (kernel.sh
#      series, SERIES_UPTO=k: one more `git am`, an incremental build of
#      Image and modules in $CACHE/work/build-series), then build the guest
#      against it (guest.sh: the module once the kernel crate can hold it,
#      the selftests); keep its Image and initramfs;
#   2. boot each kept kernel (QEMU virt, Ziccif, 2 vCPUs) with the smoke
#      suites SERIES_SUITES (default samples: the ftrace-ops sample's exact
#      counts with 1 and 2 ops, with and without saved registers, and every
#      ftrace-direct sample; about 100 s a boot), which hold at every patch;
#      the last patch boots with SERIES_LAST_SUITES instead (the series' own
#      suites, which need all of it, and trace-cmd).
# Results: one "builds" result per patch, and each boot's console (kernel
# reports, missing end markers and failed suites fail it), counted by
# ktap.py: intermediate boots as --kernel series (skips only counted), the
# last as --kernel callops (a skip not in expected-skips fails).
# A build that fails is a failure and the next patch is still tried.
source "$(dirname "$0")/lib.sh"

SERIES_SUITES=${SERIES_SUITES:-samples}
SERIES_LAST_SUITES=${SERIES_LAST_SUITES:-callops,kunit,flushes,slots,module,insmod,samples,tracecmd,rmmod}
for s in ${SERIES_SUITES//,/ } ${SERIES_LAST_SUITES//,/ }; do
	[ -f "$TOP/selftests/$s.sh" ] || die "check-series: unknown suite '$s' (selftests/$s.sh)"
done
"$TOP/scripts/qemu.sh" --check
need_root
resolve_toolchain

mapfile -t patches < <(grep -v -e '^#' -e '^[[:space:]]*$' "$TOP/arch-riscv-patch/series")
total=${#patches[@]}
[ "$total" -gt 0 ] || die "check-series: arch-riscv-patch/series is empty"
LOGDIR=$CACHE/logs/$(date +%Y%m%d-%H%M%S)-check-series
# Per clone, like the guest work dirs: Image and initramfs of each patch.
KEPT=$CACHE/work/series-$(hash_of "$TOP")
safe_rm "$KEPT"
mkdir -p "$LOGDIR" "$KEPT"
"$TOP/scripts/toolchain.sh"

builds=$LOGDIR/builds.ktap
{
	echo "KTAP version 1"
	echo "1..$total"
} >"$builds"
for k in $(seq "$total"); do
	p=${patches[$((k - 1))]}
	stage "check-series: patch $k of $total, $p: build"
	log=$LOGDIR/build-$(printf %02d "$k").log
	if KOUT=$(SERIES_UPTO=$k "$TOP/scripts/kernel.sh" series 2>"$log") &&
		INITRD=$("$TOP/scripts/guest.sh" series "$KOUT" 2>>"$log"); then
		mkdir -p "$KEPT/$k"
		cp "$KOUT/Image" "$KEPT/$k/Image"
		cp "$INITRD" "$KEPT/$k/initrd.cpio"
		echo "ok $k $p builds" >>"$builds"
	else
		tail -n 3 "$log" | sed 's/^/# /' >>"$builds"
		echo "not ok $k $p builds (log $log)" >>"$builds"
	fi
	tail -n 1 "$builds" >&2
done

results=(--kernel series "$builds")
for k in $(seq "$total"); do
	[ -f "$KEPT/$k/Image" ] || continue
	p=${patches[$((k - 1))]}
	suites=$SERIES_SUITES
	kernel=series
	if [ "$k" = "$total" ]; then
		suites=$SERIES_LAST_SUITES
		kernel=callops
	fi
	stage "check-series: patch $k of $total, $p: boot"
	console=$LOGDIR/guest-$(printf %02d "$k").log
	# A QEMU that fails to start is a failed boot (no end markers), and
	# the other patches still boot.
	ZICCIF=1 SMP=2 "$TOP/scripts/qemu.sh" "$KEPT/$k" "$KEPT/$k/initrd.cpio" "$console" "$suites" ||
		echo "# check-series: qemu.sh failed (exit $?)" >>"$console"
	results+=(--kernel "$kernel" --console "$console")
done

stage "check-series: results"
echo "logs: $LOGDIR"
set +o errexit
in_root python3 "$TOP/scripts/ktap.py" "${results[@]}" | tee "$LOGDIR/summary"
rc=${PIPESTATUS[0]}
safe_rm "$KEPT"
exit "$rc"
