#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# insmod/rmmod the callops module CHURN_CYCLES (100) times while the
# function tracer (vfs_*), function_graph (ksys_sync, in an instance) and
# BPF fentry/fexit (ksys_sync) are active and two workers keep calling
# sync(): no oops or WARN (the host scans the console), and the BPF counts
# are exactly the number of sync() calls made, none lost or doubled.
. /callops/selftests/ktap.sh

T=/sys/kernel/tracing
KO=/callops/callops.ko
CYCLES=${CHURN_CYCLES:-100}

counter()
{
	bpftool map dump name sync_hit.bss 2>/dev/null |
		sed -n "s/.*\"$1\": \([0-9]*\).*/\1/p"
}

worker()
{
	while [ ! -e /tmp/churn.stop ]; do
		/callops/bin/syscall_loop sync 20 >/dev/null && echo 20 >>"/tmp/churn.calls.$1"
	done
}

ktap_plan 6
if [ ! -e "$KO" ]; then
	ktap_skip_all 6 "churn test" "kernel has no call ops provider interface (vanilla)"
fi
ktap_info "$(nproc) CPUs, $CYCLES cycles"
echo 'vfs_*' >"$T/set_ftrace_filter"
echo function >"$T/current_tracer"
mkdir "$T/instances/churn_g"
echo ksys_sync >"$T/instances/churn_g/set_graph_function"
echo function_graph >"$T/instances/churn_g/current_tracer"
ktap_result "BPF fentry/fexit on ksys_sync" \
	bpftool prog loadall /callops/progs/sync_hits.bpf.o /sys/fs/bpf/churn autoattach
rm -f /tmp/churn.stop /tmp/churn.calls.*
worker 1 &
w1=$!
worker 2 &
w2=$!

failed=0
for n in $(seq "$CYCLES"); do
	if ! insmod "$KO" || ! rmmod callops; then
		ktap_info "cycle $n failed"
		failed=$((failed + 1))
		rmmod callops 2>/dev/null
	fi
done
touch /tmp/churn.stop
wait "$w1" "$w2"
ktap_expect "$CYCLES insmod/rmmod cycles under load" "$failed failed" "0 failed"

calls=$(cat /tmp/churn.calls.* | awk '{ n += $1 } END { print n + 0 }')
ktap_result "the workers made sync() calls" [ "$calls" -gt 0 ]
ktap_expect "fentry count = sync() calls" "$(counter fentry_hits)" "$calls"
ktap_expect "fexit count = sync() calls" "$(counter fexit_hits)" "$calls"
graph=$(grep -c 'ksys_sync() {' "$T/instances/churn_g/trace")
ktap_info "function_graph saw $graph ksys_sync entries (ring buffer may wrap)"
ktap_result "function_graph traced ksys_sync" [ "$graph" -gt 0 ]

rm -rf /sys/fs/bpf/churn
echo nop >"$T/instances/churn_g/current_tracer"
rmdir "$T/instances/churn_g"
echo nop >"$T/current_tracer"
echo >"$T/set_ftrace_filter"
ktap_finish
