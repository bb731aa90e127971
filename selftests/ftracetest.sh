#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The kernel's own ftracetest (tools/testing/selftests/ftrace of the booted
# tree), one .tc file per ftracetest run so that each test gets its own
# timeout.  CALLOPS_FTRACETEST=full runs every test, a comma-separated list
# of .tc paths runs those; by default the list in ftracetest.subset (see
# Documentation/testing.md for how it was chosen).  A failing test's log
# tail is shown.
# ftracetest's own KTAP verdict is kept: PASS and XFAIL are ok, UNSUPPORTED
# and UNTESTED are skips, FAIL and UNRESOLVED are failures.
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
	[ -f "$tc" ] || { ktap_plan 1; ktap_fail "$tc: no such test"; ktap_finish; }
done
# show_log: the end of the failed test's log (ftracetest -v prints it)
show_log()
{
	grep -v -E '^(not )?ok [0-9]|^1\.\.|^K?TAP version' /tmp/ft.out | tail -n 15 |
		sed 's/^/# log: /'
}

set -- $tests
ktap_plan $#
pass=0 fail=0 unsupported=0 unresolved=0 xfail=0 timedout=0
for tc in $tests; do
	start=$(cut -d' ' -f1 /proc/uptime)
	timeout -s KILL "$TEST_TIMEOUT" bash ./ftracetest -K -v -l /tmp/ftracetest "$tc" \
		>/tmp/ft.out 2>&1
	rc=$?
	end=$(cut -d' ' -f1 /proc/uptime)
	verdict=$(grep -m1 -E '^(not )?ok 1 ' /tmp/ft.out)
	desc="$tc: $(echo "$verdict" | sed -E 's/^(not )?ok 1 //; s/ # .*//')"
	case $rc:$verdict in
	137:*)
		timedout=$((timedout + 1))
		ktap_fail "$tc: timed out after ${TEST_TIMEOUT}s"
		show_log ;;
	*"# SKIP"*)
		unsupported=$((unsupported + 1))
		ktap_skip "$desc" "unsupported" ;;
	*"# XFAIL"*)
		xfail=$((xfail + 1))
		ktap_pass "$desc # XFAIL" ;;
	*"not ok 1"*"UNRESOLVED"*)
		unresolved=$((unresolved + 1))
		ktap_fail "$desc # UNRESOLVED"
		show_log ;;
	*"not ok 1"*)
		fail=$((fail + 1))
		ktap_fail "$desc"
		show_log ;;
	*"ok 1"*)
		pass=$((pass + 1))
		ktap_pass "$desc" ;;
	*)
		fail=$((fail + 1))
		ktap_fail "$tc: no result (exit $rc)"
		tail -n 5 /tmp/ft.out | sed 's/^/# /' ;;
	esac
	echo "# $tc: ${start}s -> ${end}s"
done
ktap_info "ftracetest: pass $pass fail $fail unsupported $unsupported" \
	"unresolved $unresolved xfail $xfail timeout $timedout"
ktap_finish
