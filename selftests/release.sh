#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Unloading a module waits for no grace period of call ops slot readers:
# a CPU between a module's prefix and its slot returns into the module's
# text, which no task may run in once the module is unloaded.  With the
# provider registered, rmmod of callops_notrace (built without ftrace call
# sites) and of callops_testmod (whose call sites all get slots, seen in
# the module's dump) must not call synchronize_rcu_tasks{,_rude}(),
# RELEASE_CYCLES (10) times each; the function tracer on those two
# functions counts the calls made by rmmod.  After each rmmod of
# callops_testmod its slots are gone from the dump.  Both rmmods are timed.
# Loads the provider module for the test if it is not loaded.
. /callops/selftests/ktap.sh

T=/sys/kernel/tracing
ST=/callops/selftests
CYCLES=${RELEASE_CYCLES:-10}
PLAN=10

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
ktap_result "each call site of callops_testmod has a slot" \
	[ "$(grep -c ' \[callops_testmod\] slot=' /sys/kernel/debug/callops/dump)" -ge "$sites" ]
rmmod callops_testmod

printf '%s\n' synchronize_rcu_tasks synchronize_rcu_tasks_rude >"$T/set_ftrace_filter"
echo function >"$T/current_tracer"

# cycles MODULE: insmod/rmmod MODULE $CYCLES times; prints the rmmods'
# calls of synchronize_rcu_tasks and _rude, their total time in 10 ms,
# whether an insmod or rmmod failed, and how many of MODULE's slots the
# dump still showed after the rmmods.
cycles()
{
	tasks=0 rude=0 total=0 failed=0 left=0
	for n in $(seq "$CYCLES"); do
		insmod "$ST/$1.ko" || failed=1
		echo >"$T/trace"
		start=$(uptime_cs)
		rmmod "$1" || failed=1
		end=$(uptime_cs)
		total=$((total + end - start))
		tasks=$((tasks + $(grep -c 'rmmod-.* synchronize_rcu_tasks <-' "$T/trace")))
		rude=$((rude + $(grep -c 'rmmod-.* synchronize_rcu_tasks_rude <-' "$T/trace")))
		left=$((left + $(grep -c " \\[$1\\] slot=" /sys/kernel/debug/callops/dump)))
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
ktap_expect "rmmod callops_testmod: its slots gone from the dump" "$5" 0
ktap_expect "every insmod and rmmod succeeded" "$notrace_failed $4" "0 0"

echo nop >"$T/current_tracer"
echo >"$T/set_ftrace_filter"
[ "$own_provider" = 0 ] || rmmod callops
ktap_finish
