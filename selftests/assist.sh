#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# An ops that asks ftrace for recursion protection (FTRACE_OPS_FL_RECURSION)
# is never called directly from its call site's call ops: not when it is
# alone on the function from the start, and not when it is what remains
# after a plain ops on the same function is removed (ftrace judged that
# case by the removed ops).  callops_assist.ko (selftests/testmod) runs the
# three phases at load; its protected callback calls the traced function
# again 3 deep, and must run the same number of times in every phase, fewer
# than the 4 of a direct call.  On the call ops kernel the provider module
# is loaded for it (without one every call site uses the list ops, which
# protects anyway), and unloaded again if this suite loaded it.  Vanilla
# 7.2 has the bug: there the result is a skip whose reason has the counts.
. /callops/selftests/ktap.sh

ST=/callops/selftests
P=/sys/module/callops_assist/parameters

ktap_plan 3
own_provider=0
if [ -r "$CALLOPS_STATE" ] && grep -qx 'provider: none (list ops)' "$CALLOPS_STATE" &&
	[ -e /callops/callops.ko ]; then
	insmod /callops/callops.ko && own_provider=1
fi
if [ -e /callops/callops.ko ]; then
	ktap_result "provider registered" grep -qx 'provider: callops' "$CALLOPS_STATE"
else
	ktap_test_pass "no provider on this kernel: call sites on the shared list ops or on the in-text literal"
fi

ktap_result "insmod callops_assist.ko" insmod "$ST/callops_assist.ko"
nested=$(cat "$P/nested" 2>/dev/null)
both=$(cat "$P/both" 2>/dev/null)
remaining=$(cat "$P/remaining" 2>/dev/null)
alone=$(cat "$P/alone" 2>/dev/null)
rmmod callops_assist 2>/dev/null
runs="runs of the protected callback per call: with the plain ops $both, after it was removed $remaining, alone $alone (a direct call: $((${nested:-0} + 1)))"
ktap_info "$runs"
if [ -n "$both" ] && [ "$remaining" = "$both" ] && [ "$alone" = "$both" ] &&
	[ "$both" -le "$nested" ]; then
	ktap_test_pass "the ops that asked for recursion protection always got it"
elif [ ! -r "$CALLOPS_STATE" ] && ! logged_at_boot "patching call sites" &&
	[ -n "$both" ] && [ "$remaining" -gt "$nested" ]; then
	ktap_skip "the ops that asked for recursion protection always got it" \
		"upstream 7.2 bug reproduced: $runs"
else
	ktap_test_fail "the ops that asked for recursion protection always got it"
fi

[ "$own_provider" = 0 ] || rmmod callops
ktap_finish
