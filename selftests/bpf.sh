#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A bpftool-loaded fentry/fexit pair on ksys_sync counts exactly the sync()
# calls made, through the kernel's BPF trampoline, and detaches cleanly;
# and updating the trampoline changes no page permissions from an address
# inside a page.  riscv's __set_memory() takes the address as given: from a
# trampoline chunk in a BPF prog pack's last page, its walk crosses into the
# next 2 MiB, which for a 2 MiB-aligned pack is its vmalloc guard page, and
# vfree() of the pack WARNs on that PTE (patch 29; upstream 7.2 has the bug,
# and vanilla counts it as a skip with its evidence).
. /callops/selftests/ktap.sh

OBJ=/callops/selftests/sync_hits.bpf.o
PIN=/sys/fs/bpf/sync_hits
CALLS=1000
T=/sys/kernel/tracing
I=$T/instances/callops_bpf_set_memory
PROBE=callops_bpf_set_memory_ro
TRAMP=callops_bpf_prepare_trampoline

# Quietly, so that it also clears what a killed earlier run left.
probes_remove()
{
	{
		echo 0 >"$I/events/kprobes/enable"
		echo "-:$PROBE" >>"$T/kprobe_events"
		echo "-:$TRAMP" >>"$T/kprobe_events"
		rmdir "$I"
	} 2>/dev/null
}

ktap_plan 6
if ! grep -q '^ksys_sync$' /sys/kernel/tracing/available_filter_functions; then
	ktap_test_fail "ksys_sync is traceable"
	ktap_finish
fi
ktap_test_pass "ksys_sync is traceable"
# set_memory_rox() is set_memory_ro(), then set_memory_x(): one probe
# tells.  A second one counts the trampoline updates (arch_prepare_bpf_
# trampoline(): one per image made), so that a pass means they happened.
probes_remove
probe_ok=0
if ! mkdir "$I"; then
	ktap_info "cannot make the trace instance $I"
elif ! echo "p:$PROBE set_memory_ro addr=\$arg1:x64 pages=\$arg2:s32" >>"$T/kprobe_events" ||
	! echo "p:$TRAMP arch_prepare_bpf_trampoline" >>"$T/kprobe_events"; then
	ktap_info "cannot add kprobes on set_memory_ro and arch_prepare_bpf_trampoline"
elif ! echo 'addr & 0xfff' >"$I/events/kprobes/$PROBE/filter" ||
	! echo 1 >"$I/events/kprobes/enable"; then
	ktap_info "cannot filter $PROBE or enable the kprobes in $I"
else
	probe_ok=1
fi
if ! bpftool prog loadall "$OBJ" "$PIN" autoattach 2>/tmp/bpftool.err; then
	sed 's/^/# /' /tmp/bpftool.err | tail -n 20
	ktap_test_fail "load and attach fentry/fexit on ksys_sync"
	probes_remove
	ktap_finish
fi
ktap_test_pass "load and attach fentry/fexit on ksys_sync"
grep ksys_sync /sys/kernel/tracing/enabled_functions | sed 's/^/# enabled: /'
/callops/selftests/syscall_loop sync "$CALLS" | sed 's/^/# /'
entry=$(sync_hits fentry_hits)
exit=$(sync_hits fexit_hits)
ktap_info "fentry_hits=$entry fexit_hits=$exit after $CALLS sync() calls"
if [ -z "$entry" ] || [ -z "$exit" ]; then
	bpftool map list 2>&1 | sed 's/^/# map: /'
	bpftool map dump name sync_hit.bss 2>&1 | sed 's/^/# dump: /'
fi
ktap_result "fentry count is exactly $CALLS" [ "$entry" = "$CALLS" ]
ktap_result "fexit count is exactly $CALLS" [ "$exit" = "$CALLS" ]
rm -rf "$PIN"
# Detach is asynchronous (RCU); give the trampoline a moment to go.
for _ in 1 2 3 4 5 6 7 8 9 10; do
	grep -q ksys_sync /sys/kernel/tracing/enabled_functions || break
	sleep 1
done
ktap_result "detached: ksys_sync no longer enabled" \
	sh -c '! grep -q ksys_sync /sys/kernel/tracing/enabled_functions'
unaligned=-1
updates=0
if [ "$probe_ok" = 1 ]; then
	echo 0 >"$I/events/kprobes/enable"
	unaligned=$(grep -c " $PROBE:" "$I/trace")
	updates=$(kprobe_hits "$TRAMP")
	grep " $PROBE:" "$I/trace" | head -n 5 | sed 's/^/# /'
fi
what="trampoline images made: $updates; set_memory_ro() calls: $(kprobe_hits "$PROBE"), on an address inside a page: $unaligned"
ktap_info "$what"
probes_remove
name="no set_memory_ro() on an address inside a page while trampolines are made"
if [ "$unaligned" = 0 ] && [ "${updates:-0}" -gt 0 ]; then
	ktap_test_pass "$name"
elif [ ! -r "$CALLOPS_STATE" ] && ! logged_at_boot "patching call sites" &&
	[ "$unaligned" -gt 0 ]; then
	ktap_skip "$name" "upstream 7.2 bug reproduced: $what"
else
	ktap_test_fail "$name"
fi
ktap_finish
