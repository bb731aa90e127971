#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Load the callops module for the suites that follow, and check that it
# became the call ops provider.
. /callops/selftests/ktap.sh

ktap_plan 2
if [ ! -e /callops/callops.ko ]; then
	ktap_skip "insmod callops.ko" "kernel has no call ops provider interface (vanilla)"
	ktap_skip "provider registered" "no module"
	ktap_finish
fi
ktap_result "insmod callops.ko" insmod /callops/callops.ko
ktap_result "provider registered" \
	grep -qx 'provider: callops' /sys/kernel/debug/riscv_callops/state
ktap_finish
