#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The kernel's ftrace samples, each loaded, checked by its own output, and
# unloaded: ftrace-ops (exact call counts with 1 and 2 relevant ops and 200
# irrelevant ones, with and without saved registers) and every
# ftrace-direct* sample (their trampolines' trace_printk lines).
. /callops/selftests/ktap.sh

T=/sys/kernel/tracing
LOOP=/callops/selftests/syscall_loop

# ops_sample NAME PARAMS: ftrace-ops runs at load and refuses to stay loaded
# (-EINVAL) by design; check_count=1 makes it verify every tracer's count.
ops_sample()
{
	name=$1
	shift
	mark=$(kmsg_mark)
	modprobe ftrace-ops check_count=1 nr_function_calls=1000 "$@" 2>/dev/null
	log=$(kmsg_since "$mark")
	line=$(printf '%s\n' "$log" | grep 'Attempted 1000 calls to tracee_relevant')
	ktap_info "$name: $line"
	if [ -n "$line" ] && ! printf '%s\n' "$log" | grep -q 'expected'; then
		ktap_test_pass "ftrace-ops $name"
	else
		printf '%s\n' "$log" | tail -n 5 | sed 's/^/# /'
		ktap_test_fail "ftrace-ops $name"
	fi
}

# direct_sample MODULE PATTERN...: load, make the traced functions run,
# find each PATTERN in the trace buffer (the trampoline's trace_printk),
# unload, and see the call sites disabled again.
direct_sample()
{
	mod=$1
	shift
	echo >"$T/trace"
	# Not built without direct calls (the nocallops kernel); a skip fails
	# the run on the call ops kernels, which build them.
	if ! grep -q "/$mod\.ko" "/lib/modules/$(uname -r)/modules.dep"; then
		ktap_skip "$mod" "not built: the kernel has no direct calls (DYNAMIC_FTRACE_WITH_DIRECT_CALLS)"
		return
	fi
	if ! modprobe "$mod"; then
		ktap_test_fail "$mod"
		return
	fi
	# wake_up_process, schedule and handle_mm_fault all run here; the
	# -modify samples switch trampolines every 2 seconds.
	for _ in 1 2 3; do
		"$LOOP" sync 20 >/dev/null
		sleep 1
	done
	ok=1
	for pattern in "$@"; do
		if ! grep -q "$pattern" "$T/trace"; then
			ktap_info "$mod: no '$pattern' in the trace"
			ok=0
		fi
	done
	rmmod "$mod" || ok=0
	if grep -q . "$T/enabled_functions"; then
		sed 's/^/# still enabled: /' "$T/enabled_functions"
		ok=0
	fi
	if [ "$ok" = 1 ]; then
		ktap_test_pass "$mod"
	else
		ktap_test_fail "$mod"
	fi
}

ktap_plan 10
ops_sample "1 relevant" nr_ops_relevant=1
ops_sample "1 relevant + 200 irrelevant" nr_ops_relevant=1 nr_ops_irrelevant=200
ops_sample "2 relevant" nr_ops_relevant=2
ops_sample "1 relevant, save_regs" nr_ops_relevant=1 save_regs=1
direct_sample ftrace-direct 'waking up'
direct_sample ftrace-direct-too 'handle mm fault'
direct_sample ftrace-direct-modify 'my direct func1' 'my direct func2'
direct_sample ftrace-direct-multi 'ip '
direct_sample ftrace-direct-multi-modify 'my direct func1 ip' 'my direct func2 ip'
ktap_result "no call site left enabled" sh -c "! grep -q . $T/enabled_functions"
ktap_finish
