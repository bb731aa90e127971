#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# trace-cmd sessions on a known workload: the function tracer with a filter,
# function_graph, and two instances with disjoint filters (-B).  Each checks
# trace-cmd's exit status and that the report holds exactly the calls made.
. /callops/selftests/ktap.sh

LOOP=/callops/selftests/syscall_loop
AVAIL=/sys/kernel/tracing/available_filter_functions
SYNC_FN=ksys_sync
SYNC_CHILD=iterate_supers
GETPPID_FN=__riscv_sys_getppid
# Each workload first waits for trace-cmd's per-CPU readers of its buffers
# (syscall_loop readers BUFFERS): a reader stopped before it opened its
# buffer flushes nothing.

# record NAME ARGS...: run trace-cmd record, report its exit status.  Its
# output (the bytes recorded per CPU) stays in /tmp/record.log for
# expect_events.
record()
{
	name=$1
	shift
	if trace-cmd record "$@" >/tmp/record.log 2>&1; then
		ktap_info "$name: $(grep -m1 'trace_pipe_raw readers of' /tmp/record.log)"
		ktap_test_pass "$name: trace-cmd record exits 0"
	else
		ktap_test_fail "$name: trace-cmd record exits 0"
		tail -n 10 /tmp/record.log | sed 's/^/# /'
	fi
}

# expect_events NAME FILE PATTERN WANT: the report of FILE has WANT lines of
# the workload's (syscall_loop's) matching PATTERN.  When not, show what is
# there instead: its lines matching PATTERN from any task, and trace-cmd
# record's output.
expect_events()
{
	trace-cmd report -i "$2" >/tmp/report.txt 2>/dev/null
	got=$(grep ' syscall_loop-' /tmp/report.txt | grep -c "$3")
	ktap_expect "$1" "$got" "$4"
	[ "$got" = "$4" ] && return
	grep -e "$3" /tmp/report.txt | head -n 5 | sed 's/^/# report: /'
	ktap_info "report lines matching '$3', any task: $(grep -c "$3" /tmp/report.txt)"
	grep -v '^ *$' /tmp/record.log | tail -n 40 | sed 's/^/# record: /'
}

ktap_plan 8
for fn in "$SYNC_FN" "$SYNC_CHILD" "$GETPPID_FN"; do
	grep -qx "$fn" "$AVAIL" || { ktap_test_fail "$fn is traceable"; ktap_finish; }
done

record "function" -p function -l "$SYNC_FN" -o /tmp/fn.dat -- "$LOOP" readers 1 sync 25
expect_events "function: $SYNC_FN events" /tmp/fn.dat "function: *$SYNC_FN" 25

# The graph is limited to ksys_sync and iterate_supers (three calls per
# sync()) with -l: -g alone enables every call site, and graph-tracing the
# whole kernel on check-debug's KASAN kernel under TCG had not finished
# after 25 minutes (every call through the KASAN-instrumented fgraph entry).
record "function_graph" -p function_graph -g "$SYNC_FN" -l "$SYNC_FN" -l "$SYNC_CHILD" \
	-o /tmp/fg.dat -- "$LOOP" readers 1 sync 5
expect_events "function_graph: $SYNC_FN entries" /tmp/fg.dat "$SYNC_FN() {" 5
expect_events "function_graph: $SYNC_CHILD calls inside" /tmp/fg.dat "$SYNC_CHILD();" 15

record "two instances" -p function -l "$SYNC_FN" \
	-B callops_b -p function -l "$GETPPID_FN" -o /tmp/two.dat -- \
	"$LOOP" readers 2 sync 10 getppid 20
trace-cmd report -i /tmp/two.dat >/tmp/two.txt 2>&1
sed -n '1,6p' /tmp/two.txt | sed 's/^/# report: /'
expect_events "two instances: $SYNC_FN events" /tmp/two.dat "function: *$SYNC_FN" 10
expect_events "two instances: $GETPPID_FN events" /tmp/two.dat "function: *$GETPPID_FN" 20
ktap_finish
