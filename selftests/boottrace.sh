#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Boot-time tracing: the kernel was booted with
# "ftrace=function ftrace_filter=ksys_sync", so the call site was enabled
# before any module existed.  Counts stay exact when the provider comes
# (the enabled call site moves to its own slot) and goes again.
. /callops/selftests/ktap.sh

T=/sys/kernel/tracing
KO=/callops/callops.ko
FN=ksys_sync

ktap_plan 7
if ! grep -q 'ftrace=function' /proc/cmdline; then
	ktap_skip_plan 7 "boot trace test" "not booted with ftrace=function"
fi
ktap_expect "function tracer on from boot" "$(cat "$T/current_tracer")" function
ktap_expect "filter from boot" "$(cat "$T/set_ftrace_filter")" "$FN"
ktap_expect "exact count, list slot" "$(traced_calls "$FN" 25)" 25
if [ -e "$KO" ]; then
	ktap_result "insmod callops.ko while tracing" insmod "$KO"
	ktap_expect "exact count, own slot" "$(traced_calls "$FN" 25)" 25
	ktap_result "rmmod callops while tracing" rmmod callops
else
	ktap_skip "insmod callops.ko while tracing" "no call ops provider interface (vanilla)"
	ktap_skip "exact count, own slot" "no module"
	ktap_skip "rmmod callops while tracing" "no module"
fi
ktap_expect "exact count after the provider left" "$(traced_calls "$FN" 25)" 25
echo nop >"$T/current_tracer"
echo >"$T/set_ftrace_filter"
ktap_finish
