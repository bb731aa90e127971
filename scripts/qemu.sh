#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# qemu.sh KERNEL_DIR INITRD LOG SUITES: boot QEMU virt with the suites named
# (comma separated) and save the console to LOG.  Progress (each suite's
# result) is printed as it comes; SHOW=1 (make run) prints instead the lines
# a suite marks for the user ("# show: ", scripts/guest/demo.sh) and the
# suites' results.  Exits non-zero, with QEMU's message, if QEMU fails (to
# start: a missing kernel, memory it cannot set up); a timeout is left to
# the results (no completion marker in LOG).
# qemu.sh --check: only check the settings (pipeline.sh, before any build).
# Settings: SMP (vCPUs, default 2), MEM (default 2G), TIMEOUT (seconds,
# default 1800), APPEND (extra kernel parameters), ICOUNT=1 (-icount
# shift=0, single vCPU: 1 ns of guest time per instruction), ZICCIF=0 (boot
# with a device tree whose ISA strings lack Ziccif).
# --check needs no toolchain (and so no network).
[ "${1:-}" = --check ] && NO_TOOLCHAIN=1
source "$(dirname "$0")/lib.sh"

SMP=${SMP:-2}
MEM=${MEM:-2G}
TIMEOUT=${TIMEOUT:-1800}

[[ $SMP =~ ^[1-8]$ ]] || die "SMP=$SMP: want 1 to 8 vCPUs"
[[ $MEM =~ ^[1-9][0-9]*[MG]$ ]] || die "MEM=$MEM: want a size such as 2G or 1536M"
[[ $TIMEOUT =~ ^[1-9][0-9]*$ ]] || die "TIMEOUT=$TIMEOUT: want seconds, 1 or more"
[ "${1:-}" = --check ] && exit 0

KOUT=$1
INITRD=$2
LOG=$3
SUITES=$4

opts=(-M virt -cpu rv64 -smp "$SMP" -m "$MEM" -nographic -no-reboot
	-kernel "$KOUT/Image" -initrd "$INITRD")
if [ "${ICOUNT:-0}" = 1 ]; then
	[ "$SMP" = 1 ] || die "ICOUNT=1 needs SMP=1 (instruction counting is single vCPU)"
	opts+=(-icount shift=0,sleep=off)
fi
case ${ZICCIF:-1} in
1) ;;
0)
	# QEMU's rv64 CPU always lists Ziccif and has no switch for it: take
	# the machine's own device tree and drop it from both ISA properties.
	dtb=$(dirname "$LOG")/virt-no-ziccif.dtb
	msg=$(in_root sh -c 'qemu-system-riscv64 "$@" -M virt,dumpdtb="$0.orig" 2>&1 >/dev/null &&
		dtc -q -I dtb -O dts "$0.orig" |
		sed -e "s/\"ziccif\", //g; s/, \"ziccif\"//g; s/_ziccif//g" |
		dtc -q -I dts -O dtb -o "$0"' "$dtb" -cpu rv64 -smp "$SMP" -m "$MEM" 2>&1) ||
		die "cannot make a device tree without Ziccif with SMP=$SMP MEM=$MEM: $msg"
	if in_root sh -c 'dtc -q -I dtb -O dts "$0"' "$dtb" | grep -q ziccif; then
		die "device tree still lists Ziccif"
	fi
	opts+=(-dtb "$dtb")
	;;
*) die "ZICCIF=$ZICCIF: want 1 (CPU default) or 0 (device tree without Ziccif)" ;;
esac
# watchdog_thresh=60 (the most it takes): under TCG on a loaded host a vCPU
# can stall for seconds without a lockup in the guest; 60 s without
# interrupts (hard) or 120 s without scheduling (soft) are still reports.
append="console=ttyS0 log_buf_len=8M watchdog_thresh=60 panic=-1 CALLOPS_SUITES=$SUITES CALLOPS_ZICCIF=${ZICCIF:-1} ${APPEND:-}"

mkdir -p "$(dirname "$LOG")"
stage "boot $(basename "$KOUT") with $SMP vCPU(s), $MEM, Ziccif ${ZICCIF:-1}: suites $SUITES (log $LOG)"
filter=(grep --line-buffered -E '^(not )?ok [0-9]+ |^# [a-z_-]+: exit')
if [ "${SHOW:-0}" = 1 ]; then
	# A suite's own lines are indented by 4 (scripts/guest/init).
	filter=(sed -u -n -e 's/^    # show: //p' -e '/^\(not \)\?ok [0-9]\+ /p')
fi
started=$SECONDS
set +o errexit
in_root timeout --foreground -k 10 "$TIMEOUT" qemu-system-riscv64 "${opts[@]}" \
	-append "$append" </dev/null 2>&1 | sed -u 's/\r$//' | tee "$LOG" | "${filter[@]}"
rc=${PIPESTATUS[0]}
set -o errexit
# timeout's codes: 124 after TERM, 137 when it had to KILL (or QEMU was killed).
if [ "$rc" = 124 ] || { [ "$rc" = 137 ] && [ $((SECONDS - started)) -ge "$TIMEOUT" ]; }; then
	echo "qemu: timed out after ${TIMEOUT}s" | tee -a "$LOG" >&2
elif [ "$rc" != 0 ]; then
	die "QEMU failed (exit $rc) with SMP=$SMP MEM=$MEM: $(tail -n 3 "$LOG" | paste -sd' ') (log $LOG)"
fi
