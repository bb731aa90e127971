# SPDX-License-Identifier: GPL-2.0
# KTAP helpers for the guest suites (busybox sh).  Source, do not run.
#   ktap_plan N            header and plan
#   ktap_result NAME CMD.. run CMD, report ok/not ok NAME
#   ktap_pass/fail NAME    report a result decided by the caller
#   ktap_skip NAME WHY     report a skip
#   ktap_skip_all N WHAT WHY   skip the N planned results and exit 4
#   ktap_expect NAME GOT WANT  report whether GOT = WANT, both shown
#   ktap_subtest NAME CMD..  nest the (K)TAP of CMD (a kselftest program)
#                          and report NAME by its exit code
#   ktap_finish            exit 0 (pass), 1 (a failure) or 4 (all skipped)
#   traced_calls FUNC N    FUNC entries in the top trace buffer after N sync()s
#   sync_hits NAME         a counter of the loaded progs/sync_hits.bpf.o
#   module_step insmod|rmmod   load/unload the callops module between suites
#   callops_counter NAME   a call-site cost counter of the series (0 without it)
# Exit codes follow kselftest: PASS 0, FAIL 1, SKIP 4.

KTAP_N=0
KTAP_FAILED=0
KTAP_SKIPPED=0

ktap_plan()
{
	echo "KTAP version 1"
	echo "1..$1"
}

ktap_info()
{
	echo "# $*"
}

ktap_pass()
{
	KTAP_N=$((KTAP_N + 1))
	echo "ok $KTAP_N $1"
}

ktap_fail()
{
	KTAP_N=$((KTAP_N + 1))
	KTAP_FAILED=$((KTAP_FAILED + 1))
	echo "not ok $KTAP_N $1"
}

ktap_skip()
{
	KTAP_N=$((KTAP_N + 1))
	KTAP_SKIPPED=$((KTAP_SKIPPED + 1))
	echo "ok $KTAP_N $1 # SKIP $2"
}

ktap_skip_all()
{
	for n in $(seq "$1"); do
		ktap_skip "$2 $n" "$3"
	done
	ktap_finish
}

ktap_result()
{
	name=$1
	shift
	if "$@"; then
		ktap_pass "$name"
	else
		ktap_fail "$name"
	fi
}

ktap_expect()
{
	ktap_info "$1: got '$2', want '$3'"
	ktap_result "$1" [ "$2" = "$3" ]
}

ktap_subtest()
{
	name=$1
	shift
	rm -f /tmp/subtest.rc
	# Line by line (sed into a pipe would hold its output back until the
	# end, and a crash or timeout would lose it).
	{ "$@" 2>&1; echo "rc=$?" >/tmp/subtest.rc; } | while IFS= read -r line; do
		[ "$line" = "TAP version 13" ] && line="KTAP version 1"
		printf '    %s\n' "$line"
	done
	rc=$(sed -n 's/^rc=//p' /tmp/subtest.rc)
	case $rc in
	0) ktap_pass "$name" ;;
	4) ktap_skip "$name" "exit code 4" ;;
	*) ktap_info "$name: exit $rc"; ktap_fail "$name" ;;
	esac
}

traced_calls()
{
	echo >/sys/kernel/tracing/trace
	/callops/selftests/syscall_loop sync "$2" >/dev/null
	grep -c " $1 <-" /sys/kernel/tracing/trace
}

# libbpf names the object's .bss map after it, cut to 8 characters.
sync_hits()
{
	bpftool map dump name sync_hit.bss 2>/dev/null |
		sed -n "s/.*\"$1\": \([0-9]*\).*/\1/p"
}

CALLOPS_STATE=/sys/kernel/debug/riscv_callops/state

callops_counter()
{
	if [ -r "$CALLOPS_STATE" ]; then
		sed -n "s/^$1: //p" "$CALLOPS_STATE"
	else
		echo 0
	fi
}

module_step()
{
	ktap_plan 2
	if [ ! -e /callops/callops.ko ]; then
		ktap_skip_all 2 "$1 callops" "kernel has no call ops provider interface (vanilla)"
	fi
	if [ "$1" = insmod ]; then
		ktap_result "insmod callops.ko" insmod /callops/callops.ko
		ktap_result "provider registered" grep -qx 'provider: callops' "$CALLOPS_STATE"
	else
		ktap_result "rmmod callops" rmmod callops
		ktap_result "provider gone" grep -qx 'provider: none (list ops)' "$CALLOPS_STATE"
	fi
	ktap_finish
}

ktap_finish()
{
	[ "$KTAP_FAILED" -eq 0 ] || exit 1
	[ "$KTAP_N" -gt 0 ] && [ "$KTAP_SKIPPED" -eq "$KTAP_N" ] && exit 4
	exit 0
}
