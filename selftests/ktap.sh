# SPDX-License-Identifier: GPL-2.0
# KTAP helpers for the guest suites (busybox sh).  Source, do not run.
#
# The kernel's kselftest/ktap_helpers.sh (installed beside this file from
# the booted tree, see Makefile) gives the counters and these, used as they
# are (they work under busybox sh; they echo the description unquoted, so
# a word of it with * ? [ is matched against the current directory):
#   ktap_test_pass NAME, ktap_test_fail NAME, ktap_test_xfail NAME
#   ktap_set_plan N, ktap_print_totals, KSFT_PASS KSFT_FAIL KSFT_SKIP
# This file keeps only what those do not do, each with the reason:
#   ktap_plan N            "KTAP version 1" and the plan: ktap_print_header
#                          prints kselftest's "TAP version 13", and our
#                          console is one nested KTAP document
#   ktap_result NAME CMD.. run CMD, report ok/not ok NAME: ktap_test_result
#                          runs `$@` unquoted, which splits an argument such
#                          as sh -c "echo x >file" into words
#   ktap_skip NAME WHY     ok NAME # SKIP WHY: ktap_test_skip takes no reason
#   ktap_skip_plan N NAME WHY  skip the N results already planned and exit
#                          4: ktap_skip_all prints a "1..0 # SKIP" plan,
#                          only for a program that has printed no plan yet
#   ktap_info TEXT..       "# TEXT" verbatim: ktap_print_msg echoes its
#                          arguments unquoted (globbed, spaces squeezed)
#   ktap_finish            exit 0 (pass), 1 (a failure or a result missing
#                          from the plan) or 4 (every result a skip, which
#                          /init, like kselftest's runner.sh, reports as a
#                          skipped suite): ktap_finished exits 0 then
# and what the kernel has no helper for:
#   ktap_expect NAME GOT WANT  report whether GOT = WANT, both shown
#   ktap_subtest NAME CMD..  nest the (K)TAP of CMD (a kselftest program)
#                          and report NAME by its exit code
#   kmsg_mark              a cursor into the kernel log: the number of the
#                          next record (nothing erases the log, so suites
#                          look only at the records after their cursor)
#   kmsg_since MARK        the kernel log's lines from MARK on; nothing, and
#                          a failure, if some of them were lost
#   traced_calls FUNC N    FUNC entries in the top trace buffer after N sync()s
#   uptime_cs              centiseconds since boot (/proc/uptime)
#   sync_hits NAME         a counter of the loaded progs/sync_hits.bpf.o
#   module_step insmod|rmmod   load/unload the callops module between suites
#   callops_counter NAME   a call-site cost counter of the series (0 without it)
#   slot_func FUNC         the ops callback the callops module's slot of FUNC
#                          names, from its debugfs dump
#   provider_state KEY     a count of the callops module's debugfs state
#                          (used, groups, capacity, ...)
#   kprobe_hits EVENT      how often the kprobe event EVENT has fired
#                          (kprobe_profile); nothing without the event
#   logged_at_boot TEXT    the kernel logged "ftrace: TEXT" since boot

. /callops/selftests/ktap_helpers.sh

ktap_plan()
{
	echo "KTAP version 1"
	ktap_set_plan "$1"
}

ktap_info()
{
	echo "# $*"
}

ktap_skip()
{
	echo "ok $KTAP_TESTNO $1 # SKIP $2"
	KTAP_TESTNO=$((KTAP_TESTNO + 1))
	KTAP_CNT_SKIP=$((KTAP_CNT_SKIP + 1))
}

ktap_skip_plan()
{
	for n in $(seq "$1"); do
		ktap_skip "$2 $n" "$3"
	done
	ktap_finish
}

ktap_result()
{
	local result_name
	result_name=$1
	shift
	if "$@"; then
		ktap_test_pass "$result_name"
	else
		ktap_test_fail "$result_name"
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
	"$KSFT_PASS") ktap_test_pass "$name" ;;
	"$KSFT_SKIP") ktap_skip "$name" "exit code $KSFT_SKIP" ;;
	*) ktap_info "$name: exit $rc"; ktap_test_fail "$name" ;;
	esac
}

ktap_finish()
{
	if [ "$KTAP_CNT_SKIP" -gt 0 ] && [ "$KTAP_CNT_SKIP" -eq "$KSFT_NUM_TESTS" ] &&
		[ "$KTAP_TESTNO" -eq $((KTAP_CNT_SKIP + 1)) ]; then
		ktap_print_totals
		exit "$KSFT_SKIP"
	fi
	ktap_finished
}

kmsg_mark()
{
	/callops/selftests/kmsg seq
}

# The lines are held until the end so that a partial log is never seen.
kmsg_since()
{
	kmsg_lines=$(/callops/selftests/kmsg since "$1") || return 1
	[ -z "$kmsg_lines" ] || printf '%s\n' "$kmsg_lines"
}

traced_calls()
{
	echo >/sys/kernel/tracing/trace
	/callops/selftests/syscall_loop sync "$2" >/dev/null
	grep -c " $1 <-" /sys/kernel/tracing/trace
}

uptime_cs()
{
	awk '{ sub(/\./, "", $1); print $1 + 0 }' /proc/uptime
}

# libbpf names the object's .bss map after it, cut to 8 characters.
sync_hits()
{
	bpftool map dump name sync_hit.bss 2>/dev/null |
		sed -n "s/.*\"$1\": \([0-9]*\).*/\1/p"
}

CALLOPS_STATE=/sys/kernel/debug/riscv_callops/state

# The whole kernel log from its first record: nothing erases it.
logged_at_boot()
{
	kmsg_since 0 | grep -qF "ftrace: $1"
}

# slot_func FUNC: the func= of FUNC's call site in the module's dump.
slot_func()
{
	grep "^$1 slot=" /sys/kernel/debug/callops/dump | sed -n 's/.* func=\([^ ]*\) .*/\1/p'
}

# provider_state KEY: the callops module's count KEY.
provider_state()
{
	sed -n "s/^$1: //p" /sys/kernel/debug/callops/state
}

# kprobe_hits EVENT: how often the kprobe event EVENT was hit.
kprobe_hits()
{
	awk -v e="$1" '$1 == e { print $2 }' /sys/kernel/tracing/kprobe_profile
}

callops_counter()
{
	if [ -r "$CALLOPS_STATE" ]; then
		sed -n "s/^$1: //p" "$CALLOPS_STATE"
	else
		echo 0
	fi
}

# bpf_jit_on: the BPF JIT on until bpf_jit_restore; programs that call
# kfuncs load only JITed (upstream's configs have BPF_JIT_ALWAYS_ON).
BPF_JIT=/proc/sys/net/core/bpf_jit_enable
bpf_jit_on()
{
	BPF_JIT_WAS=$(cat "$BPF_JIT")
	echo 1 >"$BPF_JIT" || ktap_info "cannot enable the BPF JIT ($BPF_JIT is $BPF_JIT_WAS)"
}

bpf_jit_restore()
{
	echo "$BPF_JIT_WAS" >"$BPF_JIT"
}

# provider_set_aside: unload the provider module if it is loaded, for a
# suite that starts without it; provider_restore loads it again then.
provider_set_aside()
{
	PROVIDER_WAS_LOADED=0
	if grep -q '^callops ' /proc/modules; then
		PROVIDER_WAS_LOADED=1
		rmmod callops
	fi
}

provider_restore()
{
	[ "$PROVIDER_WAS_LOADED" = 0 ] || grep -q '^callops ' /proc/modules ||
		insmod /callops/callops.ko
}

module_step()
{
	ktap_plan 2
	if [ ! -e /callops/callops.ko ]; then
		ktap_skip_plan 2 "$1 callops" "kernel has no call ops provider interface (vanilla)"
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
