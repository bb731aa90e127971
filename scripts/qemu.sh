#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# qemu.sh KERNEL_DIR INITRD LOG SUITES: boot QEMU virt with the suites named
# (comma separated) and save the console to LOG.  Progress (each suite's
# result) is printed as it comes; SHOW=1 prints the whole console instead.
# Settings: SMP (vCPUs, default 2), MEM (default 2G), TIMEOUT (seconds,
# default 1800), APPEND (extra kernel parameters), ICOUNT=1 (-icount
# shift=0, single vCPU: 1 ns of guest time per instruction).
source "$(dirname "$0")/lib.sh"

KOUT=$1
INITRD=$2
LOG=$3
SUITES=$4
SMP=${SMP:-2}
MEM=${MEM:-2G}
TIMEOUT=${TIMEOUT:-1800}

[[ $SMP =~ ^[1-8]$ ]] || die "SMP=$SMP: want 1 to 8 vCPUs"
[[ $MEM =~ ^[0-9]+[MG]$ ]] || die "MEM=$MEM: want a size such as 2G or 1536M"
[[ $TIMEOUT =~ ^[0-9]+$ ]] || die "TIMEOUT=$TIMEOUT: want seconds"

opts=(-M virt -cpu rv64 -smp "$SMP" -m "$MEM" -nographic -no-reboot
	-kernel "$KOUT/Image" -initrd "$INITRD")
if [ "${ICOUNT:-0}" = 1 ]; then
	[ "$SMP" = 1 ] || die "ICOUNT=1 needs SMP=1 (instruction counting is single vCPU)"
	opts+=(-icount shift=0)
fi
append="console=ttyS0 quiet panic=-1 CALLOPS_SUITES=$SUITES ${APPEND:-}"

mkdir -p "$(dirname "$LOG")"
stage "boot $(basename "$KOUT") with $SMP vCPU(s), $MEM: suites $SUITES (log $LOG)"
filter=(grep --line-buffered -E '^(not )?ok [0-9]+ |^# [a-z-]+: exit')
[ "${SHOW:-0}" = 1 ] && filter=(cat)
set +o errexit
in_root timeout --foreground -k 10 "$TIMEOUT" qemu-system-riscv64 "${opts[@]}" \
	-append "$append" </dev/null 2>&1 | sed -u 's/\r$//' | tee "$LOG" | "${filter[@]}"
rc=${PIPESTATUS[0]}
set -o errexit
[ "$rc" = 124 ] && echo "qemu: timed out after ${TIMEOUT}s" | tee -a "$LOG" >&2
exit 0
