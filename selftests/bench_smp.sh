#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# `make bench`, SMP part (4 vCPUs, no -icount: it counts calls, not time).
# For each control-path operation, how many global icache flushes and
# call-site writes it made: kprobe events' hit counts (kprobe_profile)
# around it on
#   flush_icache_all()      riscv's global icache flush: a local fence.i,
#                           then a remote fence.i to every other hart by
#                           SBI (sbi_remote_fence_i()) or IPI; upstream's
#                           patch_text_nosync() of an ops literal makes one
#   sbi_remote_fence_i()    which of the two QEMU virt uses (counted too)
#   ftrace_make_call(), ftrace_make_nop(), ftrace_modify_call()
#                           the architecture's call-site updates (each a
#                           jalr or nop, upstream also its ops literal)
#   patch_text_data_words() a batch of slot offsets (the series only)
# (patch_insn_write() and patch_text_nosync() are NOKPROBE_SYMBOL), the
# series' own counters of text words, prefixes and slot stores where the
# kernel has them, and the IPIs every CPU took (/proc/interrupts, the IPI
# rows).  Prints "# bench: smp.<operation>.<counter> N" for
# scripts/bench_table.py.
# CALLOPS_BENCH_MODULE=1 counts the provider's registration (insmod) first
# and its unregistration (rmmod) last.
. /callops/selftests/ktap.sh

T=/sys/kernel/tracing
ST=/callops/selftests
N=1000
PROBES="flush_icache_all sbi_remote_fence_i ftrace_make_call ftrace_make_nop ftrace_modify_call patch_text_data_words"
COUNTERS="site_text_writes prefix_writes slot_stores"

bench()
{
	echo "# bench: $1 $2"
}

# hits NAME: the kprobe event bench_NAME's hits so far, "-" without it.
hits()
{
	n=$(kprobe_hits "bench_$1")
	echo "${n:--}"
}

# counters: the probes' hits and the series' counters ("-" without them).
counters()
{
	for p in $PROBES; do
		hits "$p"
	done
	for c in $COUNTERS; do
		if [ -r "$CALLOPS_STATE" ]; then
			callops_counter "$c"
		else
			echo -
		fi
	done
}

# ipis: IPIs taken so far, all CPUs, every IPI row of /proc/interrupts.
ipis()
{
	awk '$1 ~ /^IPI[0-9]+:$/ { for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) n += $i }
	END { print n + 0 }' /proc/interrupts
}

# counted OP CMD...: run CMD; one result for its success; the counters'
# differences as smp.OP.<probe or counter> (none for one the kernel lacks),
# and smp.OP.ipis.
counted()
{
	op=$1
	shift
	printf '%s\n' $PROBES $COUNTERS >/tmp/smp.names
	counters >/tmp/smp.before
	i0=$(ipis)
	ktap_result "smp: $op" "$@"
	i1=$(ipis)
	counters >/tmp/smp.after
	awk -v op="$op" 'FILENAME == ARGV[1] { name[FNR] = $1; next }
		FILENAME == ARGV[2] { was[FNR] = $1; next }
		was[FNR] != "-" && $1 != "-" { print "# bench: smp." op "." name[FNR] " " $1 - was[FNR] }' \
		/tmp/smp.names /tmp/smp.before /tmp/smp.after
	bench "smp.$op.ipis" "$((i1 - i0))"
}

ktap_plan 10
bench smp.cpus "$(grep -c '^processor' /proc/cpuinfo)"
# One probe at a time: a kernel without one of them (vanilla has no
# patch_text_data_words()) keeps the others.
for p in $PROBES; do
	if echo "p:bench_$p $p" >>"$T/kprobe_events" 2>/dev/null; then
		ktap_info "kprobe event on $p"
	else
		ktap_info "no kprobe event on $p (not in this kernel)"
	fi
done
probes_ok()
{
	[ "$(hits flush_icache_all)" != - ] && [ "$(hits ftrace_make_call)" != - ]
}
ktap_result "kprobe events on flush_icache_all and ftrace_make_call" probes_ok
echo 1 >"$T/events/kprobes/enable"

if [ "${CALLOPS_BENCH_MODULE:-0}" = 1 ]; then
	counted provider_register insmod /callops/callops.ko
else
	ktap_test_pass "smp: no module requested"
fi

grep -v -e '\[' -e '__' "$T/available_filter_functions" | head -n "$N" >/tmp/sites
mkdir "$T/instances/bench_b"
cat /tmp/sites >"$T/set_ftrace_filter"
cat /tmp/sites >"$T/instances/bench_b/set_ftrace_filter"
bench smp.switch_sites "$(wc -l <"$T/set_ftrace_filter")"
counted enable_sites sh -c "echo function >$T/current_tracer"
counted switch_to_list sh -c "echo function >$T/instances/bench_b/current_tracer"
counted switch_back sh -c "echo nop >$T/instances/bench_b/current_tracer"
counted disable_sites sh -c "echo nop >$T/current_tracer"
echo >"$T/set_ftrace_filter"
rmdir "$T/instances/bench_b"

counted load_callops_many insmod "$ST/callops_many.ko"
counted unload_callops_many rmmod callops_many

# 1,000 BPF fentry trampolines (one per function): attach and detach
# together, as bpf_tramp does them in one run.
counted bpf_attach_detach_1000 sh -c "$ST/bpf_tramp -n $N -t many_trampolines >/tmp/bpf_tramp.out 2>&1"
! grep -q '^ *not ok' /tmp/bpf_tramp.out || sed 's/^/# /' /tmp/bpf_tramp.out | tail -n 20

if [ "${CALLOPS_BENCH_MODULE:-0}" = 1 ]; then
	counted provider_unregister rmmod callops
else
	ktap_test_pass "smp: no module requested (unload)"
fi
echo 0 >"$T/events/kprobes/enable"
echo >"$T/kprobe_events"
ktap_finish
