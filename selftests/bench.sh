#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# `make bench`, guest side.  Booted under qemu -icount shift=0 with one
# vCPU, so every "ns" the guest measures while the CPU works is one
# instruction; per-call loops are that.  Control-path operations (tracefs
# writes, the provider's load and unload) also wait (grace periods), which
# -icount sleep=off skips through as guest time: for those, timed_syscall
# reports guest time and, separately, the instructions retired (instret).
# Prints "# bench: <key> <value>" lines for scripts/bench.sh to tabulate;
# each measurement is also a KTAP result, so a failed one is seen.
# CALLOPS_BENCH_MODULE=1 loads the callops module (per-call-site slots)
# first, and unloads and reloads it at the end.
. /callops/selftests/ktap.sh

T=/sys/kernel/tracing
LOOP=/callops/selftests/syscall_loop
CALLS=10000

bench()
{
	echo "# bench: $1 $2"
}

# ops KEY PARAMS: ftrace-ops sample, instructions per call of tracee_relevant.
ops()
{
	key=$1
	shift
	mark=$(kmsg_mark)
	modprobe ftrace-ops nr_function_calls=$CALLS "$@" 2>/dev/null
	v=$(kmsg_since "$mark" | sed -n 's/.*Attempted [0-9]* calls to tracee_relevant.*(\([0-9]*\)ns \/ call).*/\1/p')
	if [ -n "$v" ]; then
		bench "$key" "$v"
		ktap_test_pass "ftrace-ops $key"
	else
		ktap_test_fail "ftrace-ops $key"
	fi
}

# loop_cost KEY sync|fault: instructions per sync() call or page fault.
loop_cost()
{
	v=$("$LOOP" "$2" 2000 | sed -n 's/.*: \([0-9]*\) ns\/call/\1/p')
	bench "$1" "$v"
	ktap_result "$2 cost $1" [ -n "$v" ]
}

# timed KEY SYSCALL ARGS...: timed_syscall SYSCALL ARGS, as "# bench:"
# KEY_ns (guest time) and KEY_instret (instructions retired); fails
# without both.
timed()
{
	key=$1
	shift
	timed_sample "$@" || return 1
	bench "${key}_ns" "$ns"
	bench "${key}_instret" "$ir"
}

# timed_sample SYSCALL ARGS...: timed_syscall SYSCALL ARGS into $ns and $ir.
timed_sample()
{
	ns='' ir=''
	out=$(/callops/selftests/timed_syscall "$@") || return 1
	ns=$(echo "$out" | sed -n 's/^timed_syscall: \([0-9]*\) ns, [0-9]* instret$/\1/p')
	ir=$(echo "$out" | sed -n 's/^timed_syscall: [0-9]* ns, \([0-9]*\) instret$/\1/p')
	[ -n "$ns" ] && [ -n "$ir" ]
}

# least A B: the smaller number, or B if A is empty.
least()
{
	if [ -z "$1" ] || [ "$2" -lt "$1" ]; then echo "$2"; else echo "$1"; fi
}

ktap_plan 55
if [ "${CALLOPS_BENCH_MODULE:-0}" = 1 ]; then
	ktap_result "insmod callops.ko (provider registration)" \
		timed provider_register insmod /callops/callops.ko
	# Slots are one unsigned long each; the module keeps each slot's call
	# site (one usize) beside it.
	capacity=$(provider_state capacity)
	bench table.capacity "$capacity"
	bench table.used "$(provider_state used)"
	bench table.slot_bytes "$((capacity * 8))"
	bench table.bookkeeping_bytes "$((capacity * 8))"
else
	ktap_test_pass "no module requested"
fi

for regs in 0 1; do
	for irr in 0 200; do
		for rel in 0 1 2 200; do
			ops "ops_r${rel}_i${irr}_regs${regs}" nr_ops_relevant=$rel \
				nr_ops_irrelevant=$irr save_regs=$regs
		done
	done
done

# A direct trampoline: BPF fentry+fexit on ksys_sync, against the bare call.
loop_cost sync_plain sync
if bpftool prog loadall /callops/selftests/sync_hits.bpf.o /sys/fs/bpf/bench autoattach; then
	loop_cost sync_bpf_fentry_fexit sync
	echo ksys_sync >"$T/set_ftrace_filter"
	echo function >"$T/current_tracer"
	loop_cost sync_bpf_and_function_tracer sync
	echo nop >"$T/current_tracer"
	echo >"$T/set_ftrace_filter"
	rm -rf /sys/fs/bpf/bench
else
	ktap_test_fail "bpf load"
	ktap_test_fail "bpf + function tracer"
fi
# The ftrace-direct sample's trampoline (ftrace-direct-too, on
# handle_mm_fault(); it trace_printk()s each call): per page fault.
loop_cost fault_plain fault
if modprobe ftrace-direct-too; then
	loop_cost fault_direct_sample fault
	rmmod ftrace-direct-too
else
	ktap_test_fail "load ftrace-direct-too"
fi
# run_bpf_tramp DESC ARGS...: bpf_tramp ARGS, its output in /tmp/bpf_tramp.out;
# one KTAP result DESC for its exit status, its output's tail on failure.
run_bpf_tramp()
{
	desc=$1
	shift
	/callops/selftests/bpf_tramp "$@" >/tmp/bpf_tramp.out 2>&1
	rc=$?
	[ "$rc" = 0 ] || sed 's/^/# /' /tmp/bpf_tramp.out | tail -n 20
	ktap_result "$desc" [ "$rc" = 0 ]
}
# bench_line KEY LABEL UNIT: the number of bpf_tramp's "# LABEL: N UNIT" line.
bench_line()
{
	v=$(sed -n "s|^# $2: \([0-9]*\) $3\$|\1|p" /tmp/bpf_tramp.out)
	[ -n "$v" ] && bench "$1" "$v"
}

# A BPF fentry trampoline on bpf_fentry_test1(), run by BPF_PROG_TEST_RUN.
run_bpf_tramp "BPF_PROG_TEST_RUN cost, fentry on bpf_fentry_test1" -t fentry_test_run_cost
for what in plain fentry; do
	bench_line "bpf_test_run_$what" "test_run $what" ns/run
done

# BPF attach and detach of N fentry trampolines (one per function): the
# instructions retired, and the guest time in microseconds (instructions,
# plus idle time that -icount sleep=off skips to the next timer: RCU grace
# periods), from bpf_tramp's "# attach N: T us, I instret" lines.
# bench_attach_detach WHAT KEY N: from bpf_tramp's "# WHATattach N: T us,
# I instret" and "# WHATdetach N: ..." lines, the rows KEY_attach_N_us,
# KEY_attach_N_instret, KEY_detach_N_us and KEY_detach_N_instret.
bench_attach_detach()
{
	for op in attach detach; do
		line="^# $1$op $3: \([0-9]*\) us, \([0-9]*\) instret\$"
		us=$(sed -n "s|$line|\1|p" /tmp/bpf_tramp.out)
		insns=$(sed -n "s|$line|\2|p" /tmp/bpf_tramp.out)
		[ -n "$us" ] && bench "$2_${op}_$3_us" "$us"
		[ -n "$insns" ] && bench "$2_${op}_$3_instret" "$insns"
	done
}
for n in 1 100 1000; do
	run_bpf_tramp "BPF attach/detach of $n trampolines" -n "$n" -t many_trampolines
	bench_attach_detach "" bpf "$n"
done

# tracing_multi.  The kernel's own bench test (one fentry.multi link on
# every function in available_filter_functions that is unique in kallsyms
# and traceable by BTF: how many, attach and detach seconds), with the
# BPF JIT on as for bpf_selftests.sh; on a kernel without single direct
# ops it is a skip (vanilla), on the call ops kernel its lines must come.
BS=/callops/bpf_selftests
bpf_jit_on
(cd "$BS" && ./test_progs -v -t tracing_multi_bench_attach) >/tmp/bench_attach.out 2>&1
rc=$?
bpf_jit_restore
[ "$rc" = 0 ] || sed 's/^/# /' /tmp/bench_attach.out | tail -n 20
ktap_result "test_progs -t tracing_multi_bench_attach" [ "$rc" = 0 ]
# bench_attach_line WHAT: the number of its "...bench_attach: WHAT" line.
bench_attach_line()
{
	sed -n "s/^serial_test_tracing_multi_bench_attach: $1 *\([0-9.]*\).*/\1/p" /tmp/bench_attach.out
}
found=$(bench_attach_line found)
if [ -n "$found" ]; then
	bench btf_traceable_functions "$found"
	for op in attach detach; do
		secs=$(bench_attach_line "${op}ed in")
		bench "multi_bench_${op}_us" "$(echo "$secs" | awk '{ printf "%d", $1 * 1000000 }')"
	done
	ktap_test_pass "tracing_multi_bench_attach: $found functions"
elif [ -r "$CALLOPS_STATE" ]; then
	ktap_test_fail "tracing_multi_bench_attach: no 'found' line on the call ops kernel"
else
	ktap_skip "tracing_multi_bench_attach" "no tracing_multi links on this kernel"
fi
# One link on the 1,000 functions of the attach/detach rows.
run_bpf_tramp "one tracing_multi link on 1,000 functions" -n 1000 -t tracing_multi_many
bench_attach_detach "multi " multi 1000
# sync() with an empty fentry program on ksys_sync, through a single link
# and through a tracing_multi link.
run_bpf_tramp "sync() through a single fentry and a tracing_multi link" -t sync_link_cost
for what in none fentry multi; do
	bench_line "sync_link_$what" "sync $what" ns/call
done

# Switch the ops of N call sites between two ops: the top instance's
# function tracer alone (each call site: its single ops), then a second
# instance on the same call sites (each: the list ops), and back.
N=1000
# bench_counter KEY VALUE: only where the kernel has the counters.
bench_counter()
{
	[ -r "$CALLOPS_STATE" ] && bench "$1" "$2"
}
grep -v -e '\[' -e '__' "$T/available_filter_functions" | head -n "$N" >/tmp/sites
mkdir "$T/instances/bench_b"
# The filter parser takes one name per write(2); cat loops over them.
cat /tmp/sites >"$T/set_ftrace_filter"
cat /tmp/sites >"$T/instances/bench_b/set_ftrace_filter"
n=$(wc -l <"$T/set_ftrace_filter")
bench switch_sites "$n"
text0=$(callops_counter site_text_writes)
ktap_result "enable the function tracer on $n call sites" \
	timed enable_sites write "$T/current_tracer" function
text1=$(callops_counter site_text_writes)
bench_counter enable_sites_text_words "$((text1 - text0))"
store0=$(callops_counter slot_stores)
ktap_result "switch $n call sites to the list ops" \
	timed switch_to_list write "$T/instances/bench_b/current_tracer" function
bench_counter switch_to_list_text_words "$(($(callops_counter site_text_writes) - text1))"
bench_counter switch_to_list_slot_stores "$(($(callops_counter slot_stores) - store0))"
text2=$(callops_counter site_text_writes)
ktap_result "switch $n call sites back to one ops" \
	timed switch_back write "$T/instances/bench_b/current_tracer" nop
bench_counter switch_back_text_words "$(($(callops_counter site_text_writes) - text2))"
echo nop >"$T/current_tracer"
echo >"$T/set_ftrace_filter"
rmdir "$T/instances/bench_b"

# A module with 600 call sites (callops_many) against the same code
# without them (callops_many_notrace): load and unload of each, so that
# the difference is what ftrace (and, with the module, the provider: a slot
# and a prefix per call site) does per call site of a module.
# module_call_sites checks that the module really has its 600.  Each
# pair runs MODULE_RUNS times and the least of each count is kept: the
# waits of a load or unload (RCU grace periods) let kernel threads run on
# the CPU, and what they do shows in one sample or another (an unload of
# callops_many_notrace once counted 353,000 instead of 214,000).  Each
# count is the least on its own (guest time and instructions may come from
# different runs), and deferred work of an operation that runs after its
# syscall (freeing init text, call_rcu() callbacks) is in no count.
ST=/callops/selftests
MODULE_RUNS=5
for m in callops_many callops_many_notrace; do
	load_ns='' load_ir='' unload_ns='' unload_ir=''
	for i in $(seq "$MODULE_RUNS"); do
		if timed_sample insmod "$ST/$m.ko"; then
			ktap_test_pass "insmod $m.ko ($i of $MODULE_RUNS)"
			load_ns=$(least "$load_ns" "$ns") load_ir=$(least "$load_ir" "$ir")
		else
			ktap_test_fail "insmod $m.ko ($i of $MODULE_RUNS)"
		fi
		[ "$m$i" = callops_many1 ] &&
			bench module_call_sites "$(grep -c "\[$m\]" "$T/available_filter_functions")"
		if timed_sample rmmod "$m"; then
			ktap_test_pass "rmmod $m ($i of $MODULE_RUNS)"
			unload_ns=$(least "$unload_ns" "$ns") unload_ir=$(least "$unload_ir" "$ir")
		else
			ktap_test_fail "rmmod $m ($i of $MODULE_RUNS)"
		fi
	done
	# Only runs that were measured count (a failed one is a failed result).
	[ -z "$load_ns" ] || bench "load_${m}_ns" "$load_ns"
	[ -z "$load_ir" ] || bench "load_${m}_instret" "$load_ir"
	[ -z "$unload_ns" ] || bench "unload_${m}_ns" "$unload_ns"
	[ -z "$unload_ir" ] || bench "unload_${m}_instret" "$unload_ir"
done

# The provider's unregistration (every call site back on the list slot,
# the slots freed after the readers' grace periods), then its
# registration again, on a booted system.
if [ "${CALLOPS_BENCH_MODULE:-0}" = 1 ]; then
	ktap_result "rmmod callops (provider unregistration)" \
		timed provider_unregister rmmod callops
	ktap_result "insmod callops.ko again (provider registration)" \
		timed provider_reregister insmod /callops/callops.ko
else
	ktap_test_pass "no module requested (unload)"
	ktap_test_pass "no module requested (reload)"
fi
ktap_finish
