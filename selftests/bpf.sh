#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A bpftool-loaded fentry/fexit pair on ksys_sync counts exactly the sync()
# calls made, through the kernel's BPF trampoline, and detaches cleanly;
# and loading, attaching and detaching it changes no page permissions from
# an address inside a page (riscv's __set_memory() walks [addr, addr + n
# pages) as given, so it would rewrite the next page's PTE too: for the
# last page of a BPF prog pack, the guard page's, which vfree() WARNs on).
. /callops/selftests/ktap.sh

OBJ=/callops/selftests/sync_hits.bpf.o
PIN=/sys/fs/bpf/sync_hits
CALLS=1000
T=/sys/kernel/tracing
I=$T/instances/callops_bpf_set_memory
PROBE=callops_bpf_set_memory_ro

probe_remove()
{
	echo "-:$PROBE" >>"$T/kprobe_events"
	rmdir "$I"
}

ktap_plan 6
if ! grep -q '^ksys_sync$' /sys/kernel/tracing/available_filter_functions; then
	ktap_test_fail "ksys_sync is traceable"
	ktap_finish
fi
ktap_test_pass "ksys_sync is traceable"
# set_memory_x() and friends are only called after set_memory_ro() by the
# callers that matter here (set_memory_rox()), so one probe tells.
mkdir "$I"
probe_ok=0
if echo "p:$PROBE set_memory_ro addr=\$arg1:x64 pages=\$arg2:s32" >>"$T/kprobe_events" &&
	echo 'addr & 0xfff' >"$I/events/kprobes/$PROBE/filter" &&
	echo 1 >"$I/events/kprobes/$PROBE/enable"; then
	probe_ok=1
fi
if ! bpftool prog loadall "$OBJ" "$PIN" autoattach 2>/tmp/bpftool.err; then
	sed 's/^/# /' /tmp/bpftool.err | tail -n 20
	ktap_test_fail "load and attach fentry/fexit on ksys_sync"
	echo 0 >"$I/events/kprobes/$PROBE/enable"
	probe_remove
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
if [ "$probe_ok" = 1 ]; then
	echo 0 >"$I/events/kprobes/$PROBE/enable"
	unaligned=$(grep -c " $PROBE:" "$I/trace")
	grep " $PROBE:" "$I/trace" | head -n 5 | sed 's/^/# /'
	ktap_info "set_memory_ro() calls: $(kprobe_hits "$PROBE"), of them on an address inside a page: $unaligned"
fi
probe_remove
ktap_result "no set_memory_ro() on an address inside a page (kprobe on set_memory_ro)" [ "$unaligned" = 0 ]
ktap_finish
