#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# `make run`: load the module, show the kernel's and the module's state,
# trace a few functions in two tracefs instances with trace-cmd while a
# small workload runs, show which slot each traced call site calls through
# while it is traced, print the report, unload the module.
#
# Lines for make run's terminal are marked "# show: " (KTAP diagnostics):
# qemu.sh (SHOW=1) prints those, without the marker, and the results; the
# console log keeps everything.  Every step is also a KTAP result, so a
# failed step fails make run.
. /callops/selftests/ktap.sh

LOOP=/callops/selftests/syscall_loop
KO=/callops/callops.ko
KSTATE=/sys/kernel/debug/riscv_callops/state
D=/sys/kernel/debug/callops
# Traced in the top instance, and in the instance "getppid".
TOP_FUNCS="ksys_sync sync_inodes_sb iterate_supers"
INSTANCE_FUNC=__riscv_sys_getppid

# show TEXT: one line for the terminal.
show()
{
	printf '# show: %s\n' "$*"
}

# show_lines: standard input for the terminal, indented.
show_lines()
{
	sed 's/^/# show:     /'
}

# step NAME CMD...: a KTAP result (CMD's exit code), shown with its verdict.
step()
{
	failed=$KTAP_CNT_FAIL
	ktap_result "$@"
	if [ "$KTAP_CNT_FAIL" = "$failed" ]; then
		show "[ok] $1"
	else
		show "[FAILED] $1"
	fi
}

# ops_of FUNC: the ops in FUNC's slot, in the dump read while tracing.
ops_of()
{
	sed -n "s/^$1 slot=[^ ]* ops=\(0x[0-9a-f]*\) .*/\1/p" /tmp/demo.slots
}

# slots_ok: the top instance's functions have one ops in their slots, the
# instance's function another.
slots_ok()
{
	top=$(for f in $TOP_FUNCS; do ops_of "$f"; done | sort -u)
	inst=$(ops_of "$INSTANCE_FUNC")
	[ -n "$top" ] && [ "$(echo "$top" | wc -l)" = 1 ] && [ -n "$inst" ] && [ "$top" != "$inst" ]
}

ktap_plan 7
show "== load the module"
if [ -e "$KO" ]; then
	step "insmod callops.ko" insmod "$KO"
else
	ktap_skip "insmod callops.ko" "kernel has no call ops provider interface (vanilla)"
	show "[skip] insmod callops.ko: this kernel has no call ops provider interface (vanilla)"
fi
if [ -r "$KSTATE" ]; then
	show "kernel ($KSTATE):"
	show_lines <"$KSTATE"
fi
if [ -r "$D/state" ]; then
	used=$(sed -n 's/^used: //p' "$D/state")
	show "module ($D/state): $used call sites have a slot of their own"
	# The rest of it repeats the kernel's counters.
	grep -E '^(capacity|used|groups):' "$D/state" | show_lines
fi

show "== trace with trace-cmd: two instances, one workload"
show "top instance: function tracer on $TOP_FUNCS"
show "instance getppid: function tracer on $INSTANCE_FUNC"
show "workload: 3 sync() and 3 getppid() ($LOOP sync 3 getppid 3)"
rm -f /tmp/demo.slots
# The traced call sites' dump lines, read by the workload while both
# instances trace.
# The workload first waits for trace-cmd's readers of both buffers: one
# stopped before it opened its buffer flushes nothing.
workload="$LOOP readers 2 sync 3 getppid 3"
if [ -r "$D/dump" ]; then
	pattern=$(echo $TOP_FUNCS $INSTANCE_FUNC | sed 's/ /|/g')
	workload="$workload && grep -E '^($pattern) slot=' $D/dump >/tmp/demo.slots"
fi
set --
for f in $TOP_FUNCS; do
	set -- "$@" -l "$f"
done
step "trace-cmd record, two instances" trace-cmd record -q -p function "$@" \
	-B getppid -p function -l "$INSTANCE_FUNC" -o /tmp/demo.dat -- sh -c "$workload"
if [ -r "$D/dump" ]; then
	show "their call sites while traced ($D/dump): a slot each, naming the ops it calls"
	show_lines </tmp/demo.slots
	step "slots: one ops for the top instance's functions, another for the instance's" slots_ok
else
	ktap_skip "slots: one ops for the top instance's functions, another for the instance's" \
		"no module"
fi
show "trace-cmd report -i /tmp/demo.dat:"
trace-cmd report -i /tmp/demo.dat 2>&1 | show_lines
step "report has ksys_sync" sh -c 'trace-cmd report -i /tmp/demo.dat | grep -q ksys_sync'
step "report has the instance's $INSTANCE_FUNC" \
	sh -c "trace-cmd report -i /tmp/demo.dat | grep -q $INSTANCE_FUNC"

show "== unload the module"
if [ -e "$KO" ]; then
	step "rmmod callops" rmmod callops
else
	ktap_skip "rmmod callops" "no module"
fi
step "tracing off again" sh -c '! grep -q . /sys/kernel/tracing/enabled_functions'
ktap_finish
