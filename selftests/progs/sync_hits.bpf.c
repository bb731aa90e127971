// SPDX-License-Identifier: GPL-2.0
/* Count entries to and exits from ksys_sync() with fentry/fexit programs. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

__u64 fentry_hits;
__u64 fexit_hits;

SEC("fentry/ksys_sync")
int BPF_PROG(sync_entry)
{
	__sync_fetch_and_add(&fentry_hits, 1);
	return 0;
}

SEC("fexit/ksys_sync")
int BPF_PROG(sync_exit)
{
	__sync_fetch_and_add(&fexit_hits, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
