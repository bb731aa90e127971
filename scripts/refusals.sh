#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# refusals.sh KERNEL_DIR: bad settings given to make, pipeline.sh and
# qemu.sh are refused, as KTAP on stdout (host-checks.sh nests it).
#
# A refused setting exits non-zero with one "error: VAR=value: want ..."
# line and builds nothing.  The make and pipeline.sh cases run with an empty
# cache (RISCV_CALLOPS_CACHE) and a Debian mirror that does not answer: a
# setting let through leaves a log directory in that cache and dies at the
# toolchain's first download, so it fails the case instead of building.
# The qemu.sh cases start a QEMU that cannot start (no kernel Image, a
# memory size QEMU rejects) and want its message back with a non-zero exit.
source "$(dirname "$0")/lib.sh"

KOUT=$1
WORK=$CACHE/work/refusals-$(hash_of "$TOP")
safe_rm "$WORK"
mkdir -p "$WORK/cache"
EMPTY_CACHE=$WORK/cache
# Nothing listens on the discard port of the loopback address.
NO_MIRROR=http://127.0.0.1:9/debian

n=0
failed=0
result()
{
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n $2"
	else
		failed=$((failed + 1))
		echo "not ok $n $2"
	fi
}

# check NAME WANT OUT RC: RC is non-zero, OUT has exactly one "error: " line
# and it contains WANT, and the empty cache is still empty.
check()
{
	local name=$1 want=$2 out=$3 rc=$4 errors ok=0
	errors=$(grep '^error: ' <<<"$out" || true)
	sed 's/^/# /' <<<"$out"
	if [ "$rc" = 0 ]; then
		echo "# exit 0, want non-zero"
		ok=1
	fi
	if [ "$(grep -c . <<<"$errors")" != 1 ] || [[ $errors != *"$want"* ]]; then
		echo "# want one 'error: ' line containing '$want'"
		ok=1
	fi
	if [ -n "$(ls -A "$EMPTY_CACHE")" ]; then
		echo "# the cache is not empty: $(ls -A "$EMPTY_CACHE" | paste -sd' ')"
		ok=1
		safe_rm "$EMPTY_CACHE"
		mkdir -p "$EMPTY_CACHE"
	fi
	result "$ok" "$name"
}

# refused_by_make NAME WANT MAKE-ARGS...: `make MAKE-ARGS` in a clean
# environment (no MAKEFLAGS or settings of the make that runs the checks).
refused_by_make()
{
	local name=$1 want=$2 out rc=0
	shift 2
	out=$(env -i PATH="$PATH" RISCV_CALLOPS_CACHE="$EMPTY_CACHE" DEBIAN_MIRROR=$NO_MIRROR \
		timeout 120 make --no-print-directory -C "$TOP" "$@" 2>&1) || rc=$?
	check "$name" "$want" "$out" "$rc"
}

# refused_by_pipeline NAME WANT COMMAND VAR=VALUE...: pipeline.sh COMMAND
# with the settings in its environment, the way the README allows.
refused_by_pipeline()
{
	local name=$1 want=$2 cmd=$3 out rc=0
	shift 3
	out=$(env -i PATH="$PATH" RISCV_CALLOPS_CACHE="$EMPTY_CACHE" DEBIAN_MIRROR=$NO_MIRROR \
		"$@" timeout 120 bash "$TOP/scripts/pipeline.sh" "$cmd" 2>&1) || rc=$?
	check "$name" "$want" "$out" "$rc"
}

# refused_by_qemu NAME WANT KERNEL_DIR VAR=VALUE...: qemu.sh booting
# KERNEL_DIR with an initramfs that does not exist (QEMU must not get as
# far as booting).
refused_by_qemu()
{
	local name=$1 want=$2 kout=$3 out rc=0
	shift 3
	out=$(env -u ZICCIF "$@" timeout 120 "$TOP/scripts/qemu.sh" "$kout" "$WORK/none.cpio" \
		"$WORK/qemu-$n.log" demo 2>&1) || rc=$?
	check "$name" "$want" "$out" "$rc"
}

stage "host checks: bad settings refused (make, pipeline.sh, qemu.sh)"
echo "KTAP version 1"
echo "1..12"
refused_by_make "make check SUITES=, refused" "error: SUITES=,: want one or more suites" \
	check SUITES=,
refused_by_make "make run SUITES=hits,,slots refused" "error: SUITES=hits,,slots: want" \
	run SUITES=hits,,slots
refused_by_make "make check TIMEOUT=0 refused" "error: TIMEOUT=0: want seconds" check TIMEOUT=0
refused_by_make "make check MEM=0M refused" "error: MEM=0M: want a size" check MEM=0M
refused_by_make "make check SMP=9 refused" "error: SMP=9: want 1 to 8" check SMP=9
refused_by_make "make run MEM=2048 refused" "error: MEM=2048: want a size" run MEM=2048
refused_by_make "make check-debug TIMEOUT=1h refused" "error: TIMEOUT=1h: want seconds" \
	check-debug TIMEOUT=1h
refused_by_pipeline "pipeline.sh check with SUITES=, in the environment refused" \
	"error: SUITES=,: want" check SUITES=,
refused_by_qemu "qemu.sh TIMEOUT=0 refused" "error: TIMEOUT=0: want seconds" "$KOUT" TIMEOUT=0
refused_by_qemu "qemu.sh without a kernel Image: QEMU's message, non-zero exit" \
	"could not load kernel '$WORK/no-kernel/Image'" "$WORK/no-kernel"
refused_by_qemu "qemu.sh MEM=99999999999999G: QEMU's message, non-zero exit" \
	"MEM=99999999999999G: qemu-system-riscv64: -m 99999999999999G: Value '99999999999999G' is out of range" \
	"$KOUT" MEM=99999999999999G
refused_by_qemu "qemu.sh ZICCIF=0 MEM=99999999999999G: QEMU's message, non-zero exit" \
	"MEM=99999999999999G: qemu-system-riscv64: -m 99999999999999G: Value '99999999999999G' is out of range" \
	"$KOUT" ZICCIF=0 MEM=99999999999999G
[ "$failed" = 0 ]
