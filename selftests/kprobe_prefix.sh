#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# No kprobe on the data in front of a traced function.  With call ops the
# 4 bytes at func-4 are the call site's slot-offset prefix (upstream 7.2:
# the upper half of the 8-byte ops literal at func-8), which kallsyms
# counts as the end of the previous function; an ebreak written there
# would turn the prefix into a wild slot offset.  Both 2-byte offsets of
# those 4 bytes, func-4 and func-2, must be refused for a few traced
# functions; func+0 still takes a kprobe (the same address syntax), which
# counts every call, and the function tracer still counts every call.
. /callops/selftests/ktap.sh

T=/sys/kernel/tracing
FUNCS="ksys_sync iterate_supers vfs_read vfs_write"
CALLS=50
PLAN=11

ktap_plan $PLAN
if [ ! -w "$T/kprobe_events" ]; then
	ktap_skip_plan $PLAN "kprobe test" "no kprobe_events (CONFIG_KPROBE_EVENTS)"
fi
# Vanilla 7.2 has no check for the ops literal in front of a function
# (patch 3 of the series adds it); the series' state file tells the kernels
# apart.
if [ ! -r "$CALLOPS_STATE" ]; then
	ktap_skip_plan $PLAN "kprobe test" "vanilla 7.2 does not refuse kprobes on the call ops data"
fi

# addr_of FUNC: the address of a function symbol, if it has exactly one.
addr_of()
{
	awk -v f="$1" '$3 == f && ($2 == "t" || $2 == "T") { n++; a = $1 }
		END { if (n == 1) print a }' /proc/kallsyms
}

# minus ADDR N: ADDR - N as 0x<16 hex digits>, ADDR a 64-bit kernel
# address in hex (no 0x); the low 32 bits are at least N (checked).
minus()
{
	low=$((0x$(echo "$1" | cut -c9-16)))
	[ "$low" -ge "$2" ] || return 1
	printf '0x%s%08x\n' "$(echo "$1" | cut -c1-8)" $((low - $2))
}

# refused NAME ADDR: defining a kprobe at ADDR fails and leaves no event.
refused()
{
	if [ -z "$2" ]; then
		ktap_test_fail "$1: no address to probe"
		return
	fi
	if echo "p:callops_pfx $2" >>"$T/kprobe_events" 2>/tmp/kprobe.err; then
		echo "-:callops_pfx" >>"$T/kprobe_events"
		ktap_info "$1: kprobe at $2 was accepted"
		ktap_test_fail "$1: kprobe refused"
	elif [ -d "$T/events/kprobes/callops_pfx" ]; then
		ktap_test_fail "$1: kprobe refused, no event left"
	else
		ktap_info "$1: $2 refused: $(cat /tmp/kprobe.err)"
		ktap_test_pass "$1: kprobe refused"
	fi
}

echo >"$T/kprobe_events"
for f in $FUNCS; do
	a=$(addr_of "$f")
	if [ -z "$a" ] || [ "$a" = 0000000000000000 ]; then
		ktap_test_fail "$f-4: no unique address in /proc/kallsyms"
		ktap_test_fail "$f-2: no unique address in /proc/kallsyms"
		continue
	fi
	refused "$f-4 (prefix)" "$(minus "$a" 4)"
	refused "$f-2 (prefix)" "$(minus "$a" 2)"
done

# Controls: the same syntax at func+0 works, and the call site still counts.
a=$(addr_of ksys_sync)
if echo "p:callops_entry 0x$a" >>"$T/kprobe_events"; then
	ktap_test_pass "kprobe at ksys_sync+0 accepted"
	echo 1 >"$T/events/kprobes/callops_entry/enable"
	/callops/selftests/syscall_loop sync $CALLS >/dev/null
	echo 0 >"$T/events/kprobes/callops_entry/enable"
	hits=$(kprobe_hits callops_entry)
	ktap_expect "kprobe at ksys_sync+0 hits" "$hits" $CALLS
	echo "-:callops_entry" >>"$T/kprobe_events"
else
	ktap_test_fail "kprobe at ksys_sync+0 accepted"
	ktap_test_fail "kprobe at ksys_sync+0 hits"
fi

echo ksys_sync >"$T/set_ftrace_filter"
echo function >"$T/current_tracer"
ktap_expect "function tracer on ksys_sync" "$(traced_calls ksys_sync $CALLS)" $CALLS
echo nop >"$T/current_tracer"
echo >"$T/set_ftrace_filter"
ktap_finish
