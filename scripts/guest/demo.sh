#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# `make run`: load the module, trace a few functions in two tracefs
# instances with trace-cmd while a small workload runs, print the report.
. /callops/selftests/ktap.sh

LOOP=/callops/bin/syscall_loop
ktap_plan 4
ktap_result "insmod callops.ko" insmod /callops/callops.ko
ktap_result "trace-cmd record, two instances" trace-cmd record -q \
	-p function -l ksys_sync -l sync_inodes_sb -l iterate_supers \
	-B getppid -p function -l __riscv_sys_getppid -o /tmp/demo.dat -- \
	"$LOOP" sync 3 getppid 3
echo "---- trace-cmd report ----"
trace-cmd report -i /tmp/demo.dat
echo "---- end of report ----"
ktap_result "report has ksys_sync" sh -c 'trace-cmd report -i /tmp/demo.dat | grep -q ksys_sync'
ktap_result "rmmod callops" rmmod callops
ktap_finish
