#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Diagnostic, not part of make check: where the instructions of attaching
# and detaching PROFILE_N (100) BPF fentry trampolines go, per ftrace
# function.  A kprobe and a kretprobe on each function of kernel/trace/
# ftrace.c named below (that file is built without call sites, so these
# are breakpoint kprobes, not ftrace ops that would change what is
# measured); their trace timestamps, printed in microseconds, are
# thousands of instructions on a boot under -icount shift=0 (ICOUNT=1).
# Prints "# profile FUNC: calls N, insns M, per call P" (a call's count
# includes the probes of the functions it calls, a few thousand each, and
# any time it waited: guest time jumps over idle periods, so a function
# that waits for a grace period shows its wait, not instructions).
# Run: ICOUNT=1 SMP=1 scripts/qemu.sh KERNEL INITRD LOG attach_profile
. /callops/selftests/ktap.sh

T=/sys/kernel/tracing
N=${PROFILE_N:-100}
FUNCS="update_ftrace_direct_add update_ftrace_direct_del register_ftrace_direct
unregister_ftrace_direct ftrace_set_filter_ip register_ftrace_function_nolock
unregister_ftrace_function ftrace_startup ftrace_shutdown ftrace_update_ops
__ftrace_hash_move_and_update_ops __ftrace_hash_move __ftrace_hash_rec_update
ftrace_hash_rec_update_modify ftrace_run_modify_code arch_ftrace_update_code
ftrace_modify_all_code hash_add hash_sub alloc_and_copy_ftrace_hash
synchronize_rcu synchronize_rcu_tasks synchronize_rcu_tasks_rude"

ktap_plan 2
echo 16384 >"$T/buffer_size_kb"
probes=0
for f in $FUNCS; do
	# Inlined or absent in this build: not measured.
	grep -q " [tT] $f\$" /proc/kallsyms || continue
	echo "p:pa_$f $f" >>"$T/kprobe_events" && echo "r:ra_$f $f" >>"$T/kprobe_events" &&
		probes=$((probes + 1))
done
ktap_info "$probes functions probed"
echo 1 >"$T/events/kprobes/enable"
echo >"$T/trace"
ktap_result "bpf_tramp -n $N -t many_trampolines" \
	sh -c "/callops/selftests/bpf_tramp -n $N -t many_trampolines >/tmp/profile.out 2>&1"
echo 0 >"$T/events/kprobes/enable"
grep -E '^# (attach|detach)' /tmp/profile.out
# Entry and return events of one function pair up on a stack per CPU.
awk '
{
	ev = ""; t = ""; cpu = ""
	for (i = 1; i <= NF; i++) {
		if ($i ~ /^\[[0-9]+\]$/) cpu = $i
		else if ($i ~ /^[0-9]+\.[0-9]+:$/) { t = $i; sub(":", "", t) }
		else if ($i ~ /^(pa|ra)_.*:$/) { ev = $i; sub(":$", "", ev); break }
	}
	if (ev == "") next
	us = int(t * 1e6 + 0.5)
	f = substr(ev, 4)
	k = cpu " " f
	if (ev ~ /^pa_/) { stack[k, depth[k]++] = us; next }
	if (depth[k] == 0) next
	d = us - stack[k, --depth[k]]
	calls[f]++; total[f] += d
}
END {
	for (f in calls)
		printf "# profile %s: calls %d, insns %.0f, per call %.0f\n", f, calls[f], \
			total[f] * 1000, total[f] * 1000 / calls[f]
}' "$T/trace" | sort >/tmp/profile.txt
cat /tmp/profile.txt
ktap_result "functions measured" [ -s /tmp/profile.txt ]
echo >"$T/trace"
echo >"$T/kprobe_events"
ktap_finish
