#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# insmod/rmmod the callops module CHURN_CYCLES (100) times while the
# function tracer (vfs_*), function_graph (ksys_sync, in an instance) and
# BPF fentry/fexit (ksys_sync) are active and two workers keep calling
# sync(): no oops or WARN (the host scans the console), and the BPF counts
# are exactly the number of sync() calls made, none lost or doubled; so is
# the function_graph count when its ring buffer did not overrun.
# Every tenth cycle (the 5th, 15th, ...; the last if there are fewer than
# 5) takes the last CPU offline and back online: across the insmod
# (the provider registers with the CPU offline, which comes back to call
# sites on their own slots) and, the next time, across the rmmod (it comes
# back to call sites on the list slot).  Each time the CPU must be seen
# offline and then online again.
. /callops/selftests/ktap.sh

T=/sys/kernel/tracing
KO=/callops/callops.ko
CYCLES=${CHURN_CYCLES:-100}

worker()
{
	while [ ! -e /tmp/churn.stop ]; do
		/callops/selftests/syscall_loop sync 20 >/dev/null && echo 20 >>"/tmp/churn.calls.$1"
	done
}

ktap_plan 8
if [ ! -e "$KO" ]; then
	ktap_skip_plan 8 "churn test" "kernel has no call ops provider interface (vanilla)"
fi
ktap_info "$(nproc) CPUs, $CYCLES cycles"
# Instances have no set_graph_function: their set_ftrace_filter limits
# function_graph to ksys_sync.
ktap_result "function tracer on vfs_*, function_graph on ksys_sync (instance)" sh -e -c "
	echo 'vfs_*' >$T/set_ftrace_filter
	echo function >$T/current_tracer
	mkdir $T/instances/churn_g
	echo 16384 >$T/instances/churn_g/buffer_size_kb
	echo ksys_sync >$T/instances/churn_g/set_ftrace_filter
	echo function_graph >$T/instances/churn_g/current_tracer"
ktap_result "BPF fentry/fexit on ksys_sync" \
	bpftool prog loadall /callops/selftests/sync_hits.bpf.o /sys/fs/bpf/churn autoattach
rm -f /tmp/churn.stop /tmp/churn.calls.*
worker 1 &
w1=$!
worker 2 &
w2=$!

# The CPU taken offline: the last one online ("0-3" -> 3); none if only
# CPU 0 is.  Rounds: the cycles 5, 15, ... or, with fewer than 5, the last.
HP_CPU=$(sed 's/.*[-,]//' /sys/devices/system/cpu/online)
HP=/sys/devices/system/cpu/cpu$HP_CPU/online
HP_ROUNDS=$(((CYCLES + 5) / 10))
[ "$HP_ROUNDS" -gt 0 ] || HP_ROUNDS=1
hp_rounds=0
hp_offline=0
hp_online=0

# hotplug_step N: insmod or rmmod if cycle N takes the CPU offline across
# that step (alternately), nothing otherwise.
hotplug_step()
{
	[ "$HP_CPU" != 0 ] || return 0
	[ $(($1 % 10)) = 5 ] || { [ "$CYCLES" -lt 5 ] && [ "$1" = "$CYCLES" ]; } || return 0
	[ $((hp_rounds % 2)) = 0 ] && echo insmod || echo rmmod
}

cpu_offline()
{
	hp_rounds=$((hp_rounds + 1))
	ktap_info "cycle $n: CPU $HP_CPU offline across the $hp"
	if echo 0 >"$HP" && [ "$(cat "$HP")" = 0 ]; then
		hp_offline=$((hp_offline + 1))
	else
		ktap_info "cycle $n: CPU $HP_CPU did not go offline (online: $(cat "$HP"))"
	fi
}

cpu_online()
{
	if echo 1 >"$HP" && [ "$(cat "$HP")" = 1 ]; then
		hp_online=$((hp_online + 1))
	else
		ktap_info "cycle $n: CPU $HP_CPU did not come back online (online: $(cat "$HP"))"
	fi
}

failed=0
insmod_cs=0
rmmod_cs=0
for n in $(seq "$CYCLES"); do
	hp=$(hotplug_step "$n")
	[ "$hp" = insmod ] && cpu_offline
	t0=$(uptime_cs)
	insmod "$KO" || failed=$((failed + 1))
	insmod_cs=$((insmod_cs + $(uptime_cs) - t0))
	[ "$hp" = insmod ] && cpu_online
	[ "$hp" = rmmod ] && cpu_offline
	t0=$(uptime_cs)
	rmmod callops || failed=$((failed + 1))
	rmmod_cs=$((rmmod_cs + $(uptime_cs) - t0))
	[ "$hp" = rmmod ] && cpu_online
	if [ $((n % 10)) = 0 ] || [ "$n" = "$CYCLES" ]; then
		ktap_info "cycle $n: insmod $((insmod_cs * 10 / n)) ms, rmmod $((rmmod_cs * 10 / n)) ms on average"
	fi
done
rmmod callops 2>/dev/null
touch /tmp/churn.stop
wait "$w1" "$w2"
ktap_expect "$CYCLES insmod/rmmod cycles under load" "$failed failed insmod/rmmod" "0 failed insmod/rmmod"
if [ "$HP_CPU" = 0 ]; then
	ktap_skip "a CPU offline and back online during the cycles" "CPU 0 is the only CPU online"
else
	ktap_expect "CPU $HP_CPU offline and back online during the cycles" \
		"$hp_rounds rounds: $hp_offline offline, $hp_online online" \
		"$HP_ROUNDS rounds: $HP_ROUNDS offline, $HP_ROUNDS online"
	# Left offline by a failed step: the suites after this one want it.
	[ "$(cat "$HP")" = 1 ] || echo 1 >"$HP"
fi

calls=$(cat /tmp/churn.calls.* | awk '{ n += $1 } END { print n + 0 }')
ktap_result "the workers made sync() calls" [ "$calls" -gt 0 ]
ktap_expect "fentry count = sync() calls" "$(sync_hits fentry_hits)" "$calls"
ktap_expect "fexit count = sync() calls" "$(sync_hits fexit_hits)" "$calls"
# Every ksys_sync() call shows once, as "ksys_sync();" or, when another
# call on the same CPU came between its entry and exit, "ksys_sync() {":
# exact unless the ring buffer overran (100 cycles make about 800,000
# calls, more than it holds), which the per-CPU stats show.
overrun=$(cat "$T"/instances/churn_g/per_cpu/cpu*/stats | awk '/^overrun/ { n += $2 } END { print n + 0 }')
entries=$(grep -c 'ksys_sync()' "$T/instances/churn_g/trace")
if [ "$overrun" = 0 ]; then
	ktap_expect "function_graph ksys_sync entries = sync() calls" "$entries" "$calls"
else
	ktap_info "function_graph: $entries entries kept, $overrun events lost to overruns"
	ktap_result "function_graph traced ksys_sync (buffer overran: not an exact count)" \
		[ "$entries" -gt 0 -a "$entries" -le "$calls" ]
fi
rm -rf /sys/fs/bpf/churn
echo nop >"$T/instances/churn_g/current_tracer"
rmdir "$T/instances/churn_g"
echo nop >"$T/current_tracer"
echo >"$T/set_ftrace_filter"
ktap_finish
