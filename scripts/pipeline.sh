#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# pipeline.sh run|check|check-full|check-debug: the README's commands.
#
#   run         build what is missing, boot the kernel, load the module and
#               print a two-instance trace-cmd session's report: the
#               terminal shows the lines scripts/guest/demo.sh marks for
#               the user, the console log everything
#   check       host checks (checkpatch --strict, rustfmt, clippy) and every
#               guest suite; ftracetest runs the subset in ftracetest.subset;
#               then a second boot without Ziccif and with ftrace=function
#               runs $SECOND_BOOT_SUITES
#   check-full  the same with the whole ftracetest
#   check-debug check on the debug kernel (lockdep, DEBUG_ATOMIC_SLEEP,
#               DEBUG_LIST, KASAN, full PREEMPT) with 4 vCPUs
#
# Settings (environment or make variables): KERNEL=callops|vanilla (not for
# check-debug), or KERNEL=nocallops for check (one boot, see below),
# SUITES=comma list, SMP, MEM, TIMEOUT (see qemu.sh), TOOLCHAIN=chroot|host,
# RISCV_CALLOPS_CACHE.  Ends with "N passed, N failed, N skipped".
# Settings are checked before the toolchain versions are resolved (network).
NO_TOOLCHAIN=1
source "$(dirname "$0")/lib.sh"

CMD=${1:-}
KERNEL=${KERNEL:-callops}
KNOWN_SUITES="assist,opsupdate,boottrace,callops,kunit,flushes,slots,table,initslots,churn,module,hits,samples,insmod,rmmod,tracecmd,bpf,bpf_tramp,bpf_storm,ftracetest,kprobe_prefix,badslot,release,bpf_selftests,attach_profile"
# check's first boot: the kernel crate's KUnit results from boot (an ops
# and a provider of their own), without the module (kprobes refused on call ops
# prefixes, bad provider slots refused), then with it (insmod) for module
# unloads, the samples, trace-cmd, BPF, the BPF trampoline kselftest and
# ftracetest, then BPF again after rmmod.  The kernel's test_progs
# (bpf_selftests) runs once without the module and once with it.
ALL_SUITES="callops,kunit,flushes,kprobe_prefix,slots,table,module,hits,initslots,badslot,assist,opsupdate,bpf_selftests,insmod,release,samples,tracecmd,bpf,bpf_tramp,ftracetest,bpf_selftests,rmmod,bpf"
# check-debug's first boot: the same without the first test_progs run
# (the list ops path, which bpf_tramp and the second boot also take):
# under KASAN one run of test_progs takes minutes.
DEBUG_SUITES=${ALL_SUITES/bpf_selftests,insmod/insmod}
# check's second boot: a device tree without Ziccif (stop_machine patching),
# boot-time tracing (ftrace=function) before any module, the KUnit results
# (their ops and provider ran on the stop_machine path), the suites that
# load the module themselves (churn: on 2 vCPUs here), the same suites
# without the module (kprobes, whose registration takes cpus_read_lock()
# before text_mutex, beside stop_machine updates), then trace-cmd with it.
SECOND_BOOT_SUITES="boottrace,callops,kunit,flushes,kprobe_prefix,slots,table,hits,initslots,assist,opsupdate,churn,samples,tracecmd,bpf,bpf_tramp,ftracetest,insmod,tracecmd,rmmod"
# 20 churn cycles (2 with a CPU offline): 100 took 731 s here on a loaded
# host, and the third boot runs 100.
# riscv_ftrace_patching=auto is not a mode: refused at boot (callops), the
# mode stays the detected one.
SECOND_BOOT_APPEND="ftrace=function ftrace_filter=ksys_sync CHURN_CYCLES=20 riscv_ftrace_patching=auto"
# check's third boot: 4 vCPUs for the load tests (100 insmod/rmmod cycles
# of the module under tracers, BPF and sync() workers; BPF trampolines
# attached and detached under sync() callers, with the module loaded).
THIRD_BOOT_SUITES="churn,insmod,bpf_storm,rmmod"
THIRD_BOOT_SMP=4
# check's fourth boot: Ziccif, but stop_machine patching forced from the
# command line: the mode and its reason, and slot and text-write counts
# under it.
FOURTH_BOOT_SUITES="callops,slots"
FOURTH_BOOT_APPEND="riscv_ftrace_patching=stop_machine"
# KERNEL=nocallops (the series with call ops compiled out, as CFI kernels
# have it): one boot without Ziccif on 2 vCPUs, where ftrace updates
# ftrace_call_dest under stop_machine (issue 12, defect 1).
NOCALLOPS_SUITES="callops,samples,tracecmd,ftracetest"
# check's fifth boot: the vanilla kernel with the same test_progs, whose
# pass set the callops runs of the first boot must contain
# (scripts/bpf_passsets.py).
VANILLA_SUITES="bpf_selftests"

SUITES_GIVEN=${SUITES:-}
case $CMD in
run) SUITES=${SUITES:-demo} ;;
check | check-full)
	if [ "$KERNEL" = nocallops ]; then
		SUITES=${SUITES:-$NOCALLOPS_SUITES}
		SUITES_GIVEN=$SUITES
		export ZICCIF=${ZICCIF:-0} SMP=${SMP:-2}
	fi
	SUITES=${SUITES:-$ALL_SUITES}
	;;
check-debug) SUITES=${SUITES:-$DEBUG_SUITES} ;;
*) die "unknown command '$CMD' (run, check, check-full or check-debug)" ;;
esac
case $KERNEL in
vanilla | callops) ;;
nocallops) [ "$CMD" = check ] || die "KERNEL=nocallops is for make check only" ;;
*) die "unknown KERNEL=$KERNEL (callops, vanilla or nocallops)" ;;
esac
if [ "$CMD" = check-debug ]; then
	[ "$KERNEL" = callops ] || die "check-debug runs the debug variant of callops; KERNEL=$KERNEL makes no sense"
	KERNEL=debug
	export SMP=${SMP:-4}
	# KASAN and lockdep under TCG: the first boot took 34 minutes on
	# 2026-11-29, before test_progs and more suites were added to it.
	export TIMEOUT=${TIMEOUT:-7200}
	# The same suites at a smaller scale (100 trampolines, 20 churn
	# cycles: the code paths, not the counts, are what lockdep and KASAN
	# check), an hour per suite and 10 minutes per ftracetest test; make
	# check runs the full scale.
	APPEND="${APPEND:-} BPF_TRAMP_MANY=100 CHURN_CYCLES=20 CALLOPS_SUITE_TIMEOUT=3600"
	APPEND="$APPEND CALLOPS_FTRACETEST_TIMEOUT=600"
	# RCU's stall report after 120 s instead of 21: on 2026-12-04 the
	# grace-period kthread of a 4-vCPU KASAN guest went 26 s without
	# running ("kthread starved", all quiescent states seen) while the
	# 2-core host also built a kernel and ran two other guests.  A real
	# stall still lasts, and the hung-task detector still reports at 600 s.
	APPEND="$APPEND rcupdate.rcu_cpu_stall_timeout=120"
fi
# Every setting is checked here, before anything is built.
[[ $SUITES =~ ^[a-z0-9_]+(,[a-z0-9_]+)*$ ]] ||
	die "SUITES=$SUITES: want one or more suites, comma separated (known: $KNOWN_SUITES)"
for s in ${SUITES//,/ }; do
	[ "$s" = demo ] || [[ ",$KNOWN_SUITES," == *",$s,"* ]] ||
		die "unknown suite '$s' (known: $KNOWN_SUITES)"
done
"$TOP/scripts/qemu.sh" --check
need_root
resolve_toolchain

LOGDIR=$CACHE/logs/$(date +%Y%m%d-%H%M%S)-$CMD-$KERNEL
mkdir -p "$LOGDIR"

"$TOP/scripts/toolchain.sh"
KOUT=$("$TOP/scripts/kernel.sh" "$KERNEL")
# test_progs is built (scripts/bpf_selftests.sh) only for a boot that runs it.
case ",$SUITES," in
*,bpf_selftests,*) export CALLOPS_BPF_SELFTESTS=1 ;;
*) export CALLOPS_BPF_SELFTESTS=0 ;;
esac
INITRD=$("$TOP/scripts/guest.sh" "$KERNEL" "$KOUT")

results=()
if [ "$CMD" != run ]; then
	"$TOP/scripts/host-checks.sh" "$KOUT" >"$LOGDIR/host.ktap"
	grep -E '^(not )?ok ' "$LOGDIR/host.ktap" || true
	results+=("$LOGDIR/host.ktap")
	if [ "$CMD" = check-full ]; then
		# All 142 ftracetest tests take about 40 minutes under TCG.
		# test_ownership.tc chowns every eventfs file: minutes under TCG.
		APPEND="${APPEND:-} CALLOPS_FTRACETEST=full CALLOPS_FTRACETEST_TIMEOUT=600"
		APPEND="$APPEND CALLOPS_SUITE_TIMEOUT=7200"
		TIMEOUT=${TIMEOUT:-7800}
		export TIMEOUT
	fi
fi
export APPEND
[ "$CMD" = run ] && export SHOW=1
"$TOP/scripts/qemu.sh" "$KOUT" "$INITRD" "$LOGDIR/guest.log" "$SUITES"
results+=(--console "$LOGDIR/guest.log")
if [ "$CMD" != run ] && [ -z "${SUITES_GIVEN:-}" ]; then
	ZICCIF=0 APPEND="${APPEND:-} $SECOND_BOOT_APPEND" "$TOP/scripts/qemu.sh" "$KOUT" \
		"$INITRD" "$LOGDIR/guest-no-ziccif.log" "$SECOND_BOOT_SUITES"
	results+=("$LOGDIR/guest-no-ziccif.log")
	SMP=$THIRD_BOOT_SMP "$TOP/scripts/qemu.sh" "$KOUT" "$INITRD" \
		"$LOGDIR/guest-smp$THIRD_BOOT_SMP.log" "$THIRD_BOOT_SUITES"
	results+=("$LOGDIR/guest-smp$THIRD_BOOT_SMP.log")
	APPEND="${APPEND:-} $FOURTH_BOOT_APPEND" "$TOP/scripts/qemu.sh" "$KOUT" "$INITRD" \
		"$LOGDIR/guest-forced-stop-machine.log" "$FOURTH_BOOT_SUITES"
	results+=("$LOGDIR/guest-forced-stop-machine.log")
	if [ "$KERNEL" = callops ]; then
		VANILLA_KOUT=$("$TOP/scripts/kernel.sh" vanilla)
		VANILLA_INITRD=$(CALLOPS_BPF_SELFTESTS=1 "$TOP/scripts/guest.sh" vanilla "$VANILLA_KOUT")
		"$TOP/scripts/qemu.sh" "$VANILLA_KOUT" "$VANILLA_INITRD" \
			"$LOGDIR/guest-vanilla.log" "$VANILLA_SUITES"
		stage "test_progs pass sets: callops against vanilla"
		# If it cannot run, its empty output fails in ktap.py below.
		in_root python3 "$TOP/scripts/bpf_passsets.py" --callops "$LOGDIR/guest.log" \
			--vanilla "$LOGDIR/guest-vanilla.log" --table "$LOGDIR/bpf-passsets.md" \
			>"$LOGDIR/bpf-passsets.ktap" || true
		grep -E '^((not )?ok |# )' "$LOGDIR/bpf-passsets.ktap" || true
		results+=(--ktap "$LOGDIR/bpf-passsets.ktap" --kernel vanilla --console "$LOGDIR/guest-vanilla.log")
	fi
fi

stage "results"
echo "logs: $LOGDIR"
set +o errexit
in_root python3 "$TOP/scripts/ktap.py" --kernel "$KERNEL" "${results[@]}" | tee "$LOGDIR/summary"
exit "${PIPESTATUS[0]}"
