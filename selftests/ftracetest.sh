#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The kernel's own ftracetest (tools/testing/selftests/ftrace of the booted
# tree), one .tc file per ftracetest run so that each test gets its own
# timeout.  CALLOPS_FTRACETEST=full runs every test, a comma-separated list
# of .tc paths runs those; by default the list in ftracetest.subset (see
# Documentation/testing.md for how it was chosen).  A failing test's log
# tail is shown.
# ftracetest's own KTAP verdict is kept: PASS and XFAIL are ok, UNSUPPORTED
# and UNTESTED are skips, FAIL and UNRESOLVED are failures.  A test whose
# need is checked to be unmet here (unmet_need) is a skip with the reason.
. /callops/selftests/ktap.sh

FTRACE=/callops/ftrace
TEST_TIMEOUT=${CALLOPS_FTRACETEST_TIMEOUT:-180}

cd "$FTRACE" || exit 1
case ${CALLOPS_FTRACETEST:-subset} in
full) tests=$(find test.d -name '*.tc' | sort) ;;
subset) tests=$(grep -v -e '^#' -e '^$' /callops/selftests/ftracetest.subset) ;;
*) tests=$(echo "$CALLOPS_FTRACETEST" | tr ',' ' ') ;;
esac
for tc in $tests; do
	[ -f "$tc" ] || { ktap_plan 1; ktap_test_fail "$tc: no such test"; ktap_finish; }
done
# show_log: the end of the failed test's log (ftracetest -v prints it)
show_log()
{
	grep -v -E '^(not )?ok [0-9]|^1\.\.|^K?TAP version' /tmp/ft.out | tail -n 15 |
		sed 's/^/# log: /'
}

# unmet_need TC: why TC cannot pass on this kernel and guest, if it cannot.
# Each reason is checked here, not assumed; such a test is a skip.
unmet_need()
{
	case $1 in
	*/kretprobe_maxactive.tc)
		grep -q ' inet_csk_accept$' /proc/kallsyms ||
			echo "its probe target inet_csk_accept needs CONFIG_INET" ;;
	*/kprobe_args_symbol.tc)
		grep -q ' linux_proc_banner$' /proc/kallsyms ||
			echo "linux_proc_banner is not in kallsyms (CONFIG_KALLSYMS_ALL)" ;;
	*/kprobe_eventname.tc)
		grep -q '\.isra\.' /proc/kallsyms ||
			echo "no .isra. functions (clang does not make them)" ;;
	*/func_hotplug.tc)
		# Every kernel has CONFIG_HOTPLUG_CPU (callops.config, which
		# kernel.sh checks): only a one-CPU guest cannot run it.
		[ -e /sys/devices/system/cpu/cpu1 ] ||
			echo "one CPU (SMP=1): no second CPU to take offline" ;;
	*/bashisms.tc)
		command -v checkbashisms >/dev/null ||
			echo "checkbashisms (devscripts) is not in the guest" ;;
	*/00basic/basic2.tc | */direct/ftrace-direct.tc)
		# They trace every function of the kernel; on check-debug's
		# KASAN kernel under TCG, basic2 had not finished after 10
		# minutes (make check runs both on the other kernels).
		grep -q ' kasan_report$' /proc/kallsyms &&
			echo "traces every call site: too slow on a KASAN kernel under TCG" ;;
	esac
	case $1 in
	*/direct/*.tc)
		# The ftrace-direct samples exist only with direct calls (not
		# on the nocallops kernel); the tests call that unresolved.
		grep -q '/ftrace-direct\.ko' "/lib/modules/$(uname -r)/modules.dep" ||
			echo "no ftrace-direct sample: the kernel has no direct calls" ;;
	esac
}

set -- $tests
ktap_plan $#
pass=0 fail=0 unsupported=0 unresolved=0 xfail=0 timedout=0
for tc in $tests; do
	why=$(unmet_need "$tc")
	if [ -n "$why" ]; then
		unsupported=$((unsupported + 1))
		ktap_skip "$tc" "$why"
		continue
	fi
	start=$(cut -d' ' -f1 /proc/uptime)
	timeout -s KILL "$TEST_TIMEOUT" bash ./ftracetest -K -v -l /tmp/ftracetest "$tc" \
		>/tmp/ft.out 2>&1
	rc=$?
	end=$(cut -d' ' -f1 /proc/uptime)
	# A test flagged "instance" runs twice ("ok 1 ...", "ok 2 (instance)
	# ..."): its verdict is the first failing run's, else the first run's.
	verdict=$(grep -m1 -E '^not ok [0-9]+ ' /tmp/ft.out ||
		grep -m1 -E '^ok 1 ' /tmp/ft.out)
	desc="$tc: $(echo "$verdict" | sed -E 's/^(not )?ok [0-9]+ //; s/ # .*//')"
	case $rc:$verdict in
	137:*)
		timedout=$((timedout + 1))
		ktap_test_fail "$tc: timed out after ${TEST_TIMEOUT}s"
		show_log ;;
	*"# SKIP"*)
		unsupported=$((unsupported + 1))
		ktap_skip "$desc" "unsupported" ;;
	*"# XFAIL"*)
		xfail=$((xfail + 1))
		ktap_test_xfail "$desc" ;;
	*"not ok "*"UNRESOLVED"*)
		unresolved=$((unresolved + 1))
		ktap_test_fail "$desc # UNRESOLVED"
		show_log ;;
	*"not ok "*)
		fail=$((fail + 1))
		ktap_test_fail "$desc"
		show_log ;;
	0:"ok 1"*)
		pass=$((pass + 1))
		ktap_test_pass "$desc" ;;
	*)
		fail=$((fail + 1))
		ktap_test_fail "$tc: no result (exit $rc)"
		tail -n 5 /tmp/ft.out | sed 's/^/# /' ;;
	esac
	echo "# $tc: ${start}s -> ${end}s"
done
ktap_info "ftracetest: pass $pass fail $fail unsupported $unsupported" \
	"unresolved $unresolved xfail $xfail timeout $timedout"
ktap_finish
