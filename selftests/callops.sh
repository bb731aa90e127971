#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The call ops kernel says how it patches call sites, and why: live with
# Ziccif, stop_machine without, unless riscv_ftrace_patching=live or
# =stop_machine on the kernel command line chose; any other value of it is
# refused with an error at boot, and the mode is as detected.
# CALLOPS_ZICCIF (kernel command line) says which device tree QEMU gave.
. /callops/selftests/ktap.sh

STATE=$CALLOPS_STATE

ktap_plan 5
if [ ! -r "$STATE" ]; then
	# The series without call ops (make check KERNEL=nocallops: no
	# Ziccif) still says how it patches; vanilla says nothing.
	if logged_at_boot "patching call sites"; then
		ktap_result "patching mode logged at boot: under stop_machine (no Ziccif)" \
			logged_at_boot "patching call sites under stop_machine (no Ziccif)"
	else
		ktap_skip "patching mode logged at boot" "not the series' kernel (no boot line)"
	fi
	ktap_skip "patching mode in debugfs" "not a call ops kernel"
	ktap_skip "riscv_ftrace_patching= handled" "not a call ops kernel"
	ktap_skip "cpuinfo lists ziccif as expected" "not a call ops kernel"
	ktap_skip "no provider without the module" "not a call ops kernel"
	ktap_finish
fi
sed 's/^/# state: /' "$STATE"
if [ "${CALLOPS_ZICCIF:-1}" = 1 ]; then
	hw=Ziccif detected=live
else
	hw="no Ziccif" detected=stop_machine
fi
param=$(tr ' ' '\n' </proc/cmdline | sed -n 's/^riscv_ftrace_patching=//p' | tail -n 1)
case $param in
"") mode=$detected why=$hw ;;
live | stop_machine) mode=$param why="riscv_ftrace_patching=$param, $hw" ;;
*) mode=$detected why=$hw ;;
esac
if [ "$mode" = live ]; then
	want_log="patching call sites live ($why)"
else
	want_log="patching call sites under stop_machine ($why)"
fi
want_state="patching: $mode ($why)"
refusal="riscv_ftrace_patching=$param: want live or stop_machine"
no_param_error()
{
	! kmsg_since 0 | grep -q "riscv_ftrace_patching=.*: want"
}
ktap_result "patching mode logged at boot: $want_log" logged_at_boot "$want_log"
ktap_result "patching mode in debugfs: $want_state" grep -qxF "$want_state" "$STATE"
case $param in
"" | live | stop_machine)
	ktap_result "riscv_ftrace_patching=$param: no error" no_param_error ;;
*)
	ktap_result "riscv_ftrace_patching=$param refused: $refusal" logged_at_boot "$refusal" ;;
esac
if [ "${CALLOPS_ZICCIF:-1}" = 1 ]; then
	ktap_result "cpuinfo lists ziccif" grep -q '_ziccif' /proc/cpuinfo
else
	ktap_result "cpuinfo does not list ziccif" sh -c '! grep -q ziccif /proc/cpuinfo'
fi
ktap_result "no provider without the module" grep -qx 'provider: none (list ops)' "$STATE"
ktap_finish
