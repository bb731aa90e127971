#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The call ops kernel says how it patches call sites, and that matches the
# device tree it booted with: live with Ziccif, stop_machine without.
# CALLOPS_ZICCIF (kernel command line) says which device tree QEMU gave.
. /callops/selftests/ktap.sh

STATE=$CALLOPS_STATE

ktap_plan 4
if [ ! -r "$STATE" ]; then
	ktap_skip "patching mode logged at boot" "not a call ops kernel (no $STATE)"
	ktap_skip "patching mode in debugfs" "not a call ops kernel"
	ktap_skip "cpuinfo lists ziccif as expected" "not a call ops kernel"
	ktap_skip "no provider without the module" "not a call ops kernel"
	ktap_finish
fi
sed 's/^/# state: /' "$STATE"
if [ "${CALLOPS_ZICCIF:-1}" = 1 ]; then
	want_log="patching call sites live (Ziccif)"
	want_state="patching: live (Ziccif)"
else
	want_log="patching call sites under stop_machine (no Ziccif)"
	want_state="patching: stop_machine (no Ziccif)"
fi
# The whole kernel log from its first record: nothing erases it.
logged_at_boot()
{
	kmsg_since 0 | grep -qF "ftrace: $1"
}
ktap_result "patching mode logged at boot: $want_log" logged_at_boot "$want_log"
ktap_result "patching mode in debugfs: $want_state" grep -qxF "$want_state" "$STATE"
if [ "${CALLOPS_ZICCIF:-1}" = 1 ]; then
	ktap_result "cpuinfo lists ziccif" grep -q '_ziccif' /proc/cpuinfo
else
	ktap_result "cpuinfo does not list ziccif" sh -c '! grep -q ziccif /proc/cpuinfo'
fi
ktap_result "no provider without the module" grep -qx 'provider: none (list ops)' "$STATE"
ktap_finish
