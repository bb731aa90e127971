#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The kernel checks the slots a call ops provider hands out.  The test
# provider callops_badslot (selftests/testmod) gives callops_badslot_good()
# a fresh slot and callops_badslot_bad() the bad slot of each case: none
# (no slot), misaligned, far (out of reach of the 32-bit prefix), shared
# (good's slot again) and readonly.  For each bad one the kernel must
# refuse the slot with one WARN, log why, count it in riscv_callops/state,
# and leave that call site on the list slot, while the good one gets its
# own slot; two tracing instances, one per function, must then each count
# exactly their own function's calls.
#
# The WARNs are expected: each is declared in the kernel log before the
# insmod that causes it ("callops-selftest: expect WARN: <message>"), and
# scripts/ktap.py lists a declared WARN as expected instead of failing the
# run; this suite checks that each case WARNed exactly once.
# Needs no other provider registered (make check runs it before insmod).
. /callops/selftests/ktap.sh

KO=/callops/selftests/callops_badslot.ko
D=/sys/kernel/debug/callops_badslot
T=/sys/kernel/tracing
CALLS=20
CASES="none misaligned far shared readonly"
PER_CASE=8
PLAN=$((1 + 5 * PER_CASE))

ktap_plan $PLAN
if [ ! -e "$KO" ] || [ ! -r "$CALLOPS_STATE" ]; then
	ktap_skip_plan $PLAN "bad slot test" "kernel has no call ops provider interface (vanilla)"
fi
ktap_result "no other provider registered" grep -qx 'provider: none (list ops)' "$CALLOPS_STATE"

reason_of()
{
	case $1 in
	misaligned) echo "misaligned" ;;
	far) echo "out of reach of the call site's prefix" ;;
	shared) echo "not zero, so not fresh" ;;
	readonly) echo "not writable" ;;
	esac
}

# count_in INSTANCE FUNC: FUNC entries in the instance's trace, with or
# without the function's arguments ("FUNC(n=0x1) <-PARENT").
count_in()
{
	grep -cE " $2(\(.*\))? <-" "$T/instances/$1/trace"
}

for i in a b; do
	rmdir "$T/instances/callops_badslot_$i" 2>/dev/null
	mkdir "$T/instances/callops_badslot_$i"
done

for c in $CASES; do
	msg="call ops provider callops_badslot: slot for callops_badslot_bad [callops_badslot] refused, $(reason_of "$c")"
	before=$(callops_counter refused_slots)
	mark=$(kmsg_mark)
	if [ "$c" != none ]; then
		echo "callops-selftest: expect WARN: $msg" >/dev/kmsg
	fi
	if insmod "$KO" bad="$c"; then
		ok=1
	else
		ok=0
	fi
	[ "$c" = none ] || echo "callops-selftest: end of expected WARNs" >/dev/kmsg
	if [ $ok = 0 ]; then
		ktap_test_fail "$c: insmod callops_badslot bad=$c"
		kmsg_since "$mark" | tail -n 5 | sed 's/^/# /'
		for n in $(seq $((PER_CASE - 1))); do
			ktap_test_fail "$c: result $((n + 1)) (no provider)"
		done
		continue
	fi
	ktap_test_pass "$c: insmod callops_badslot bad=$c"
	# The kernel's messages since the insmod, without our declarations.
	# With records lost, the WARN count is "lost" and its result fails.
	if all=$(kmsg_since "$mark"); then
		new=$(printf '%s\n' "$all" | grep -v 'callops-selftest: ')
		warns=$(printf '%s\n' "$new" | grep -c 'WARNING: ')
	else
		new=
		warns=lost
	fi
	refused=$(($(callops_counter refused_slots) - before))
	if [ "$c" = none ]; then
		ktap_expect "$c: slots refused" "$refused" 0
		ktap_result "$c: no refusal logged" sh -c "! echo \"\$1\" | grep -q 'refused'" sh "$new"
		ktap_expect "$c: WARNs" "$warns" 0
	else
		ktap_expect "$c: slots refused" "$refused" 1
		ktap_result "$c: refusal logged: $(reason_of "$c")" sh -c "echo \"\$1\" | grep -qF \"\$2\"" sh "$new" "$msg"
		ktap_expect "$c: WARNs (expected, declared)" "$warns" 1
	fi
	sed 's/^/# sites: /' "$D/sites"
	ktap_result "$c: good call site uses its slot" \
		grep -qx 'callops_badslot_good slot=handed func=ftrace_ops_nop_func' "$D/sites"
	ktap_result "$c: bad call site on the list slot" \
		grep -qxE 'callops_badslot_bad slot=other func=(arch_)?ftrace_ops_list_func' "$D/sites"

	# One instance per function: a slot shared by the two call sites
	# would send one function's calls to the other instance's tracer.
	echo callops_badslot_good >"$T/instances/callops_badslot_a/set_ftrace_filter"
	echo callops_badslot_bad >"$T/instances/callops_badslot_b/set_ftrace_filter"
	for i in a b; do
		echo >"$T/instances/callops_badslot_$i/trace"
		echo function >"$T/instances/callops_badslot_$i/current_tracer"
	done
	echo $CALLS >"$D/call"
	# Counted before the tracer goes: switching tracers clears the buffer.
	got="a: $(count_in callops_badslot_a callops_badslot_good) $(count_in callops_badslot_a callops_badslot_bad)"
	got="$got, b: $(count_in callops_badslot_b callops_badslot_good) $(count_in callops_badslot_b callops_badslot_bad)"
	for i in a b; do
		echo nop >"$T/instances/callops_badslot_$i/current_tracer"
	done
	ktap_expect "$c: each instance counts only its function (good bad)" "$got" "a: $CALLS 0, b: 0 $CALLS"
	if [ "$got" != "a: $CALLS 0, b: 0 $CALLS" ]; then
		for i in a b; do
			ktap_info "filter $i: $(cat "$T/instances/callops_badslot_$i/set_ftrace_filter")"
		done
	fi
	for i in a b; do
		echo >"$T/instances/callops_badslot_$i/set_ftrace_filter"
	done
	ktap_result "$c: rmmod callops_badslot" rmmod callops_badslot
done
for i in a b; do
	rmdir "$T/instances/callops_badslot_$i"
done
ktap_finish
