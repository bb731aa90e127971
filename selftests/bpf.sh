#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A bpftool-loaded fentry/fexit pair on ksys_sync counts exactly the sync()
# calls made, through the kernel's BPF trampoline, and detaches cleanly.
. /callops/selftests/ktap.sh

OBJ=/callops/selftests/sync_hits.bpf.o
PIN=/sys/fs/bpf/sync_hits
CALLS=1000

ktap_plan 5
if ! grep -q '^ksys_sync$' /sys/kernel/tracing/available_filter_functions; then
	ktap_test_fail "ksys_sync is traceable"
	ktap_finish
fi
ktap_test_pass "ksys_sync is traceable"
if ! bpftool prog loadall "$OBJ" "$PIN" autoattach 2>/tmp/bpftool.err; then
	sed 's/^/# /' /tmp/bpftool.err | tail -n 20
	ktap_test_fail "load and attach fentry/fexit on ksys_sync"
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
ktap_finish
