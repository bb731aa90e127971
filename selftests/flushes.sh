#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Registering or unregistering the call ops provider rewrites the slot
# offset in front of every call site (prefix_writes in the state file):
# words that harts only load, never execute, so they need no icache flush.
# Kprobe events on flush_icache_all(), riscv's global icache flush (a local
# fence.i, then a remote fence.i by SBI or IPI to every other online hart),
# and on entry and return of ftrace_callops_register() and _unregister()
# count the flushes made inside them by the task that runs them (insmod and
# rmmod of the provider module; the module load's own flushes are not
# theirs): at most FLUSHES_MAX (0), against one per 256 prefixes (about 65)
# when the prefixes were flushed.  Unloads the provider module first if it
# is loaded, and loads it again at the end.
. /callops/selftests/ktap.sh

T=/sys/kernel/tracing
KO=/callops/callops.ko
MAX=${FLUSHES_MAX:-0}
PLAN=6

ktap_plan $PLAN
if [ ! -r "$CALLOPS_STATE" ]; then
	ktap_skip_plan $PLAN "icache flushes" "not a call ops kernel (no $CALLOPS_STATE)"
fi
if [ ! -w "$T/kprobe_events" ]; then
	ktap_skip_plan $PLAN "icache flushes" "no kprobe_events (CONFIG_KPROBE_EVENTS)"
fi

provider_set_aside

# inside register|unregister: the flushes between the entry and return
# events of ftrace_callops_<that>() in the trace, by the task that ran it;
# not a number unless it ran exactly once.
inside()
{
	awk -v f="$1" '
	index($0, " callops_" f "_in:") { task = $1; on = 1; calls++; next }
	index($0, " callops_" f "_out:") && $1 == task { on = 0; next }
	on && $1 == task && /callops_flush:/ { n++ }
	END { print (calls == 1 ? n + 0 : "no-single-call(" calls + 0 ")") }' "$T/trace"
}

# counted NAME register|unregister CMD...: run CMD with the probes on;
# report that it succeeded, that it rewrote the prefixes, and the flushes
# inside ftrace_callops_<register|unregister>().
counted()
{
	what=$1 func=ftrace_callops_$2 which=$2
	shift 2
	prefixes=$(callops_counter prefix_writes)
	echo >"$T/trace"
	ktap_result "$what" "$@"
	flushed=$(inside "$which")
	written=$(($(callops_counter prefix_writes) - prefixes))
	ktap_info "$what: $flushed calls of flush_icache_all() in $func(), $written prefixes written"
	ktap_result "$what: rewrote the prefixes ($written)" [ "$written" -ge 1000 ]
	ktap_result "$what: at most $MAX global icache flushes in $func() ($flushed)" \
		[ "$flushed" -le "$MAX" ]
}

probes="p:callops_flush flush_icache_all
p:callops_register_in ftrace_callops_register
r:callops_register_out ftrace_callops_register
p:callops_unregister_in ftrace_callops_unregister
r:callops_unregister_out ftrace_callops_unregister"
if echo "$probes" >>"$T/kprobe_events" && echo 1 >"$T/events/kprobes/enable"; then
	counted "insmod callops.ko" register insmod "$KO"
	counted "rmmod callops" unregister rmmod callops
else
	for n in $(seq $PLAN); do
		ktap_test_fail "kprobe events on flush_icache_all and the provider calls (result $n)"
	done
fi
echo 0 >"$T/events/kprobes/enable"
echo >"$T/kprobe_events"

provider_restore
ktap_finish
