#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Registering or unregistering the call ops provider rewrites the slot
# offset in front of every call site (prefix_writes in the state file):
# words that harts only load, never execute, so they need no icache flush.
# A kprobe on flush_icache_all(), riscv's global icache flush (a local
# fence.i, then a remote fence.i by SBI or IPI to every other online hart),
# counts its calls during insmod and rmmod of the provider module; each
# stays at or below FLUSHES_MAX (2), whatever the module load itself
# flushes, against one per 256 prefixes (about 65) when the prefixes were
# flushed.  Unloads the provider module first if it is loaded, and loads it
# again at the end.
. /callops/selftests/ktap.sh

T=/sys/kernel/tracing
KO=/callops/callops.ko
MAX=${FLUSHES_MAX:-2}
PLAN=6

ktap_plan $PLAN
if [ ! -r "$CALLOPS_STATE" ]; then
	ktap_skip_plan $PLAN "icache flushes" "not a call ops kernel (no $CALLOPS_STATE)"
fi
if [ ! -w "$T/kprobe_events" ]; then
	ktap_skip_plan $PLAN "icache flushes" "no kprobe_events (CONFIG_KPROBE_EVENTS)"
fi

loaded=0
if grep -q '^callops ' /proc/modules; then
	loaded=1
	rmmod callops
fi

flushes()
{
	awk '$1 == "callops_flush" { print $2 }' "$T/kprobe_profile"
}

# counted NAME CMD...: run CMD with the probe counting; report that it
# succeeded, then the flushes and prefixes it caused.
counted()
{
	name=$1
	shift
	prefixes=$(callops_counter prefix_writes)
	before=$(flushes)
	ktap_result "$name" "$@"
	n=$(($(flushes) - before))
	p=$(($(callops_counter prefix_writes) - prefixes))
	ktap_info "$name: $n calls of flush_icache_all(), $p prefixes written"
	ktap_result "$name: rewrote the prefixes ($p)" [ "$p" -ge 1000 ]
	ktap_result "$name: at most $MAX global icache flushes ($n)" [ "$n" -le "$MAX" ]
}

if echo "p:callops_flush flush_icache_all" >>"$T/kprobe_events" &&
	echo 1 >"$T/events/kprobes/callops_flush/enable"; then
	counted "insmod callops.ko (provider registers)" insmod "$KO"
	counted "rmmod callops (provider unregisters)" rmmod callops
	echo 0 >"$T/events/kprobes/callops_flush/enable"
	echo "-:callops_flush" >>"$T/kprobe_events"
else
	for n in $(seq $PLAN); do
		ktap_test_fail "kprobe on flush_icache_all (result $n)"
	done
fi

[ "$loaded" = 0 ] || insmod "$KO"
ktap_finish
