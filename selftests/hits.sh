#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The module's own ftrace_ops, a per-function hit counter: functions chosen
# at run time through debugfs callops/hit_filter, counts exact for a known
# number of calls, its call site dispatched straight to it through its
# slot; bad input refused with an errno and a warning, changing nothing,
# and a filter whose registration fails (kernel.ftrace_enabled 0) keeps the
# counts shown.
. /callops/selftests/ktap.sh

D=/sys/kernel/debug/callops
KO=/callops/callops.ko
FTRACE_ENABLED=/proc/sys/kernel/ftrace_enabled

hits_of()
{
	sed -n "s/^$1 //p" "$D/hits"
}

# refused NAME INPUT: the write fails, a warning is logged, nothing changes.
refused()
{
	before=$(cat "$D/hit_filter" "$D/hits")
	mark=$(kmsg_mark)
	if printf '%s' "$2" >"$D/hit_filter" 2>/dev/null; then
		ktap_test_fail "$1: refused"
		return
	fi
	log=$(kmsg_since "$mark")
	if printf '%s\n' "$log" | grep -q 'hit_filter:' && [ "$(cat "$D/hit_filter" "$D/hits")" = "$before" ]; then
		ktap_test_pass "$1: refused, warned, nothing changed"
	else
		printf '%s\n' "$log" | tail -n 3 | sed 's/^/# /'
		ktap_test_fail "$1: refused, warned, nothing changed"
	fi
}

ktap_plan 17
if [ ! -e "$KO" ]; then
	ktap_skip_plan 17 "hit counter test" "kernel has no call ops provider interface (vanilla)"
fi
ktap_result "insmod callops.ko" insmod "$KO"
ktap_result "filter ksys_sync" sh -c "echo ksys_sync >$D/hit_filter"
/callops/selftests/syscall_loop sync 100 >/dev/null
ktap_expect "ksys_sync hits after 100 sync()" "$(hits_of ksys_sync)" 100
slot=$(grep '^ksys_sync slot=' "$D/dump")
ktap_info "slot: $slot"
ktap_result "the call site's slot names the module's ops, not the list" \
	sh -c "echo '$slot' | grep -q ' ops=0x' && ! echo '$slot' | grep -q 'list_func'"
refused "unknown function" no_such_function_callops
refused "glob matching nothing" 'zz_no_such_callops_*'
refused "over-long string" "$(printf '%0300d' 0)"
# An empty filter would be every function.
refused "separators only ','" ','
refused "separators only ' , ,'" ' , ,'
# The module's ops is FTRACE_OPS_FL_PERMANENT: it would count nothing with
# ftrace_enabled 0, so ftrace keeps ftrace_enabled on while it counts ...
ktap_result "ftrace_enabled cannot be turned off while counting" \
	sh -c "! echo 0 >$FTRACE_ENABLED 2>/dev/null && grep -qx 1 $FTRACE_ENABLED"
echo 1 >"$FTRACE_ENABLED"
ktap_result "empty write stops counting" sh -c "echo >$D/hit_filter"
ktap_expect "ksys_sync hits still shown after stopping" "$(hits_of ksys_sync)" 100
# ... and refuses to register it with ftrace_enabled 0: a filter that
# ftrace_set_filter() accepts and register_ftrace_function() refuses.
ktap_result "ftrace_enabled off" sh -c "echo 0 >$FTRACE_ENABLED"
refused "filter whose register fails" ksys_sync
ktap_expect "ksys_sync hits still shown after the failed register" "$(hits_of ksys_sync)" 100
ktap_result "ftrace_enabled on again" sh -c "echo 1 >$FTRACE_ENABLED"
ktap_result "rmmod callops" rmmod callops
ktap_finish
