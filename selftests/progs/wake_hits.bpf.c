// SPDX-License-Identifier: GPL-2.0
/*
 * fentry on wake_up_process() for bpf_tramp.c: counts the wakeups of the
 * test's own process (test_tgid), on the function the ftrace-direct sample
 * traces, to see BPF and the sample refuse each other there.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

__u32 test_tgid;
__u64 wake_hits;

SEC("fentry/wake_up_process")
int BPF_PROG(wake_entry, struct task_struct *p)
{
	if (p->tgid == test_tgid)
		__sync_fetch_and_add(&wake_hits, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
