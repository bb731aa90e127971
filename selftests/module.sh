#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The out-of-tree Rust module loads, shows up, logs, and unloads, three times.
. /callops/selftests/ktap.sh

KO=/callops/callops.ko
CYCLES=3

loaded()
{
	grep -q '^callops ' /proc/modules
}

ktap_plan $((CYCLES * 4))
for n in $(seq "$CYCLES"); do
	dmesg -c >/dev/null
	ktap_result "cycle $n: insmod callops.ko" insmod "$KO"
	ktap_result "cycle $n: callops in /proc/modules" loaded
	ktap_result "cycle $n: rmmod callops" rmmod callops
	if ! loaded && dmesg | grep -q 'callops: loaded' &&
		dmesg | grep -q 'callops: unloaded'; then
		ktap_pass "cycle $n: unloaded, init and exit logged"
	else
		ktap_fail "cycle $n: unloaded, init and exit logged"
		dmesg | tail -n 5 | sed 's/^/# /'
	fi
done
ktap_finish
