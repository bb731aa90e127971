#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The out-of-tree Rust module loads, registers as the call ops provider,
# shows up in /proc/modules and debugfs, and unloads cleanly, three times.
. /callops/selftests/ktap.sh

KO=/callops/callops.ko
CYCLES=3

loaded()
{
	grep -q '^callops ' /proc/modules
}

ktap_plan $((CYCLES * 4))
if [ ! -e "$KO" ]; then
	ktap_skip_plan $((CYCLES * 4)) "module test" "kernel has no call ops provider interface (vanilla)"
fi
for n in $(seq "$CYCLES"); do
	mark=$(kmsg_mark)
	ktap_result "cycle $n: insmod callops.ko" insmod "$KO"
	ktap_result "cycle $n: loaded, with debugfs callops/state" \
		sh -c 'grep -q "^callops " /proc/modules && [ -r /sys/kernel/debug/callops/state ]'
	ktap_result "cycle $n: rmmod callops" rmmod callops
	log=$(kmsg_since "$mark")
	if ! loaded && printf '%s\n' "$log" | grep -q 'ftrace: call ops slots from callops$' &&
		printf '%s\n' "$log" | grep -q 'ftrace: call ops slots from callops released'; then
		ktap_test_pass "cycle $n: unloaded, provider registration and release logged"
	else
		ktap_test_fail "cycle $n: unloaded, provider registration and release logged"
		printf '%s\n' "$log" | tail -n 5 | sed 's/^/# /'
	fi
done
ktap_finish
