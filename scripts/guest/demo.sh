#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# `make run`: load the module, trace a few functions in two tracefs
# instances with trace-cmd while a small workload runs, print the report.
. /callops/selftests/ktap.sh

LOOP=/callops/selftests/syscall_loop
KO=/callops/callops.ko
ktap_plan 5
if [ -e "$KO" ]; then
	ktap_result "insmod callops.ko" insmod "$KO"
	sed 's/^/# /' /sys/kernel/debug/riscv_callops/state
else
	ktap_skip "insmod callops.ko" "kernel has no call ops provider interface (vanilla)"
fi
ktap_result "trace-cmd record, two instances" trace-cmd record -q \
	-p function -l ksys_sync -l sync_inodes_sb -l iterate_supers \
	-B getppid -p function -l __riscv_sys_getppid -o /tmp/demo.dat -- \
	"$LOOP" sync 3 getppid 3
echo "---- trace-cmd report ----"
trace-cmd report -i /tmp/demo.dat
echo "---- end of report ----"
ktap_result "report has ksys_sync" sh -c 'trace-cmd report -i /tmp/demo.dat | grep -q ksys_sync'
if [ -e "$KO" ]; then
	grep -E '^(ksys_sync|iterate_supers|sync_inodes_sb) slot=' /sys/kernel/debug/callops/dump |
		sed 's/^/# slot: /'
	ktap_result "rmmod callops" rmmod callops
else
	ktap_skip "rmmod callops" "no module"
fi
ktap_result "tracing off again" sh -c '! grep -q . /sys/kernel/tracing/enabled_functions'
ktap_finish
