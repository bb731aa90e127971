#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A module's slots are freed when the loader is about to free its memory
# (module_arch_cleanup()), without a grace period of call ops slot readers.
# With the provider registered: every call site of callops_testmod has a
# slot; RELEASE_CYCLES (10) rmmods of callops_notrace (built without
# ftrace call sites) and of callops_testmod call neither
# synchronize_rcu_tasks() nor _rude() (the function tracer on those two
# functions counts the calls made by rmmod), and each rmmod of
# callops_testmod hands all its slots back (the provider's used and groups
# counts as before its insmod).  Both rmmods are timed.  callops_late runs
# a traced function of its own after its exit (an async function, which
# delete_module() waits for after ftrace_release_mod()): the provider must
# free that module's slot memory (ftrace_callops_free(), a kprobe) only
# after the call.  Loads the provider module for the test if it is not
# loaded.
. /callops/selftests/ktap.sh

T=/sys/kernel/tracing
D=/sys/kernel/debug/callops
ST=/callops/selftests
CYCLES=${RELEASE_CYCLES:-10}
PLAN=12

ktap_plan $PLAN
if [ ! -e /callops/callops.ko ]; then
	ktap_skip_plan $PLAN "release test" "kernel has no call ops provider interface (vanilla)"
fi
for f in synchronize_rcu_tasks synchronize_rcu_tasks_rude; do
	if ! grep -qx "$f" "$T/available_filter_functions"; then
		ktap_skip_plan $PLAN "release test" "$f is not traceable"
	fi
done

own_provider=0
if grep -qx 'provider: none (list ops)' "$CALLOPS_STATE"; then
	insmod /callops/callops.ko && own_provider=1
fi
ktap_result "provider registered" grep -qx 'provider: callops' "$CALLOPS_STATE"

insmod "$ST/callops_notrace.ko"
ktap_expect "callops_notrace has no call sites" \
	"$(grep -c '\[callops_notrace\]' "$T/available_filter_functions")" 0
rmmod callops_notrace
insmod "$ST/callops_testmod.ko"
sites=$(grep -c '\[callops_testmod\]' "$T/available_filter_functions")
ktap_result "callops_testmod has call sites ($sites)" [ "$sites" -gt 0 ]
ktap_expect "each call site of callops_testmod has a slot" \
	"$(grep -c '^[^ ]* \[callops_testmod\] slot=[0-9:]* ops=0x' "$D/dump")" "$sites"
rmmod callops_testmod

printf '%s\n' synchronize_rcu_tasks synchronize_rcu_tasks_rude >"$T/set_ftrace_filter"
echo function >"$T/current_tracer"

# cycles MODULE: insmod/rmmod MODULE $CYCLES times; prints the rmmods'
# calls of synchronize_rcu_tasks and _rude, their total time in 10 ms,
# whether an insmod or rmmod failed, and after how many rmmods the
# provider's used and groups counts were not those from before the insmod.
cycles()
{
	tasks=0 rude=0 total=0 failed=0 left=0
	for n in $(seq "$CYCLES"); do
		before="$(provider_state used) $(provider_state groups)"
		insmod "$ST/$1.ko" || failed=1
		echo >"$T/trace"
		start=$(uptime_cs)
		rmmod "$1" || failed=1
		end=$(uptime_cs)
		total=$((total + end - start))
		tasks=$((tasks + $(grep -c 'rmmod-.* synchronize_rcu_tasks <-' "$T/trace")))
		rude=$((rude + $(grep -c 'rmmod-.* synchronize_rcu_tasks_rude <-' "$T/trace")))
		[ "$(provider_state used) $(provider_state groups)" = "$before" ] || left=$((left + 1))
	done
	echo "$tasks $rude $total $failed $left"
}

set -- $(cycles callops_notrace)
ktap_info "rmmod callops_notrace: $(($3 * 10 / CYCLES)) ms on average over $CYCLES (10 ms resolution)"
ktap_expect "rmmod callops_notrace: no RCU-tasks wait ($CYCLES cycles)" "$1" 0
ktap_expect "rmmod callops_notrace: no RCU-tasks-rude wait ($CYCLES cycles)" "$2" 0
notrace_failed=$4

set -- $(cycles callops_testmod)
ktap_info "rmmod callops_testmod: $(($3 * 10 / CYCLES)) ms on average over $CYCLES (10 ms resolution)"
ktap_expect "rmmod callops_testmod: no RCU-tasks wait ($CYCLES cycles)" "$1" 0
ktap_expect "rmmod callops_testmod: no RCU-tasks-rude wait ($CYCLES cycles)" "$2" 0
ktap_expect "rmmod callops_testmod: every slot handed back ($CYCLES cycles)" "$5" 0
ktap_expect "every insmod and rmmod succeeded" "$notrace_failed $4" "0 0"

# late_before_free: whether the trace shows callops_late_target's call
# before the last ftrace_callops_free() (both must be there).  The call is
# the function tracer's only line ("FUNC <-PARENT"), printed by address:
# the trace is read after the module, and its symbols, are gone.
late_before_free()
{
	late=$(grep -n ' <-' "$T/trace" | head -n 1 | cut -d: -f1)
	free=$(grep -n ' callops_free: ' "$T/trace" | tail -n 1 | cut -d: -f1)
	ktap_info "trace line of the late call: ${late:-none}, of the last slot free: ${free:-none}"
	[ -n "$late" ] && [ -n "$free" ] && [ "$late" -lt "$free" ]
}

insmod "$ST/callops_late.ko"
ktap_result "callops_late_target has a slot" \
	grep -q '^callops_late_target \[callops_late\] slot=[0-9:]* ops=0x' "$D/dump"
echo callops_late_target >"$T/set_ftrace_filter"
echo 'p:callops_free ftrace_callops_free' >>"$T/kprobe_events"
echo 1 >"$T/events/kprobes/callops_free/enable"
echo >"$T/trace"
rmmod callops_late
ktap_result "callops_late: slots freed after its code ran past its exit" late_before_free
echo 0 >"$T/events/kprobes/callops_free/enable"
echo '-:callops_free' >>"$T/kprobe_events"

echo nop >"$T/current_tracer"
echo >"$T/set_ftrace_filter"
[ "$own_provider" = 0 ] || rmmod callops
ktap_finish
