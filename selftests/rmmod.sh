#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Unload the callops module while whatever the earlier suites left runs,
# and check that call sites are back on the list path.
. /callops/selftests/ktap.sh

ktap_plan 2
if [ ! -e /callops/callops.ko ]; then
	ktap_skip "rmmod callops" "kernel has no call ops provider interface (vanilla)"
	ktap_skip "provider gone" "no module"
	ktap_finish
fi
ktap_result "rmmod callops" rmmod callops
ktap_result "provider gone" \
	grep -qx 'provider: none (list ops)' /sys/kernel/debug/riscv_callops/state
ktap_finish
