#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Per-call-site slots with the callops module loaded: every call site gets
# a slot; the slots say what ftrace says (a single ops, the list ops when two
# instances overlap, the nop ops when off); an ops change stores to a slot
# and writes no text; enabling or disabling N call sites writes N words;
# tracing counts stay exact with the slots and after the module is gone.
. /callops/selftests/ktap.sh

STATE=$CALLOPS_STATE
T=/sys/kernel/tracing
FN=ksys_sync

ktap_plan 15
if [ ! -r "$STATE" ]; then
	ktap_skip_plan 15 "slot test" "not a call ops kernel (no $STATE)"
fi

ktap_result "insmod callops.ko" insmod /callops/callops.ko
ktap_result "provider registered" grep -qx 'provider: callops' "$STATE"
sites=$(wc -l <"$T/available_filter_functions")
ktap_expect "every call site has a slot" "$(provider_state used)" "$sites"
ktap_expect "disabled call site slot: nop ops" "$(slot_func "$FN")" ftrace_ops_nop_func

# One ops: the call site's own slot names it.
echo "$FN" >"$T/set_ftrace_filter"
text0=$(callops_counter site_text_writes)
echo function >"$T/current_tracer"
ktap_expect "enable 1 call site: 1 text word" "$(($(callops_counter site_text_writes) - text0))" 1
ktap_expect "single ops in the slot" "$(slot_func "$FN")" function_trace_call
ktap_expect "exact count through the slot" "$(traced_calls "$FN" 25)" 25

# A second instance on the same function: list ops, by a slot store only.
mkdir "$T/instances/callops_b"
echo "$FN" >"$T/instances/callops_b/set_ftrace_filter"
text0=$(callops_counter site_text_writes)
slot0=$(callops_counter slot_stores)
echo function >"$T/instances/callops_b/current_tracer"
ktap_expect "ops change: no text written" "$(($(callops_counter site_text_writes) - text0))" 0
ktap_result "ops change: slot stored" [ "$(callops_counter slot_stores)" -gt "$slot0" ]
ktap_expect "two ops: list ops in the slot" "$(slot_func "$FN")" arch_ftrace_ops_list_func
echo nop >"$T/instances/callops_b/current_tracer"
rmdir "$T/instances/callops_b"
ktap_expect "back to a single ops" "$(slot_func "$FN")" function_trace_call
echo nop >"$T/current_tracer"

# Enabling and disabling N call sites writes N words.
echo 'vfs_*' >"$T/set_ftrace_filter"
n=$(wc -l <"$T/set_ftrace_filter")
text0=$(callops_counter site_text_writes)
echo function >"$T/current_tracer"
text1=$(callops_counter site_text_writes)
echo nop >"$T/current_tracer"
text2=$(callops_counter site_text_writes)
echo >"$T/set_ftrace_filter"
ktap_expect "enable and disable $n call sites: 2 x $n text words" \
	"$((text1 - text0)) $((text2 - text1))" "$n $n"

ktap_result "rmmod callops" rmmod callops
ktap_result "provider gone" grep -qx 'provider: none (list ops)' "$STATE"
echo "$FN" >"$T/set_ftrace_filter"
echo function >"$T/current_tracer"
ktap_expect "exact count through the list slot" "$(traced_calls "$FN" 25)" 25
echo nop >"$T/current_tracer"
echo >"$T/set_ftrace_filter"
ktap_finish
