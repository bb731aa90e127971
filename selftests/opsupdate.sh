#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# An ops-only change of enabled call sites is a data store, not a text
# update (HAVE_DYNAMIC_FTRACE_CALL_OPS_IN_DATA): a second instance's
# function tracer on the call sites the top instance traces (ksys_sync
# and 200 others; each call site: its own ops -> the list ops) and its
# removal (back) run neither
# ftrace_replace_code(), the walk of every record, nor ftrace_modify_call(),
# and write no text; with the provider each call site's slot is stored
# once, without it nothing is (every call site is on the list slot).
# Enabling and disabling call sites still take ftrace_replace_code(): the
# kprobe counts are seen to move.  Both instances' counts stay exact.
# Runs without the provider, then with it; leaves it as it found it.
. /callops/selftests/ktap.sh

T=/sys/kernel/tracing
B=$T/instances/callops_ops
FN=ksys_sync
PLAN=29

ktap_plan $PLAN
if [ ! -r "$CALLOPS_STATE" ]; then
	ktap_skip_plan $PLAN "ops updates" "not a call ops kernel (no $CALLOPS_STATE)"
fi
if [ ! -w "$T/kprobe_events" ]; then
	ktap_skip_plan $PLAN "ops updates" "no kprobe_events (CONFIG_KPROBE_EVENTS)"
fi

# instance_calls N: FN entries in instance B's buffer after N sync()s.
instance_calls()
{
	echo >"$B/trace"
	/callops/selftests/syscall_loop sync "$1" >/dev/null
	grep -c " $FN <-" "$B/trace"
}

# change WHAT FILE VALUE STORES: write VALUE to FILE (an ops-only change
# of the n call sites); no ftrace_replace_code(), no ftrace_modify_call(),
# no text word, STORES slot stores.
change()
{
	replace0=$(kprobe_hits callops_replace) modify0=$(kprobe_hits callops_modify)
	text0=$(callops_counter site_text_writes) store0=$(callops_counter slot_stores)
	echo "$3" >"$2"
	ktap_expect "$1: ftrace_replace_code() calls" "$(($(kprobe_hits callops_replace) - replace0))" 0
	ktap_expect "$1: ftrace_modify_call() calls" "$(($(kprobe_hits callops_modify) - modify0))" 0
	ktap_expect "$1: text words" "$(($(callops_counter site_text_writes) - text0))" 0
	ktap_expect "$1: slot stores" "$(($(callops_counter slot_stores) - store0))" "$4"
}

# phase none|provider: enable, switch to the list ops and back, disable.
phase()
{
	p=$1
	echo nop >"$T/current_tracer"
	# The filter parser takes one name per write(2); cat loops over them.
	cat /tmp/opsupdate.sites >"$T/set_ftrace_filter"
	cat /tmp/opsupdate.sites >"$B/set_ftrace_filter"
	n=$(wc -l <"$T/set_ftrace_filter")
	stores=0
	[ "$p" = provider ] && stores=$n
	replace0=$(kprobe_hits callops_replace)
	echo function >"$T/current_tracer"
	ktap_result "$p: enabling $n call sites runs ftrace_replace_code()" \
		[ "$(kprobe_hits callops_replace)" -gt "$replace0" ]

	change "$p: second instance on the $n call sites" "$B/current_tracer" function "$stores"
	[ "$p" = provider ] &&
		ktap_expect "$p: $FN's slot: the list ops" "$(slot_func "$FN")" arch_ftrace_ops_list_func
	ktap_expect "$p: top instance counts $FN exactly" "$(traced_calls "$FN" 10)" 10
	ktap_expect "$p: second instance counts $FN exactly" "$(instance_calls 10)" 10

	change "$p: second instance off again" "$B/current_tracer" nop "$stores"
	[ "$p" = provider ] &&
		ktap_expect "$p: $FN's slot: the top instance's ops" "$(slot_func "$FN")" function_trace_call
	ktap_expect "$p: top instance alone counts $FN exactly" "$(traced_calls "$FN" 10)" 10

	replace0=$(kprobe_hits callops_replace)
	echo nop >"$T/current_tracer"
	ktap_result "$p: disabling them runs ftrace_replace_code()" \
		[ "$(kprobe_hits callops_replace)" -gt "$replace0" ]
	echo >"$T/set_ftrace_filter"
}

# ksys_sync and the first 200 other plain names (no module, no "__"), as
# make bench picks them: not the I/O paths that reading the trace takes,
# which made the suite crawl with vfs_* traced by two instances.
{
	echo "$FN"
	grep -v -e '\[' -e '__' -e "^$FN\$" "$T/available_filter_functions" | head -n 200
} >/tmp/opsupdate.sites

provider_set_aside
mkdir "$B"
probes="p:callops_replace ftrace_replace_code
p:callops_modify ftrace_modify_call"
if echo "$probes" >>"$T/kprobe_events" && echo 1 >"$T/events/kprobes/enable"; then
	phase none
	ktap_result "insmod callops.ko" insmod /callops/callops.ko
	phase provider
	[ "$PROVIDER_WAS_LOADED" = 1 ] || rmmod callops
else
	for n in $(seq $PLAN); do
		ktap_test_fail "kprobe events on ftrace_replace_code and ftrace_modify_call (result $n)"
	done
fi
echo 0 >"$T/events/kprobes/enable"
echo >"$T/kprobe_events"
rmdir "$B"
provider_restore
ktap_finish
