// SPDX-License-Identifier: GPL-2.0
/*
 * BPF trampoline programs for bpf_tramp.c: fentry/fexit/fmod_ret on the
 * kernel's BPF_PROG_TEST_RUN targets, fentry/fexit on ksys_sync().  Each
 * program counts only calls made by the test's own process (test_tgid), so
 * that nothing else running in the guest changes the counts.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

__u32 test_tgid;

static bool from_test(void)
{
	return bpf_get_current_pid_tgid() >> 32 == test_tgid;
}

/* bpf_fentry_test1(a) returns a + 1; BPF_PROG_TEST_RUN calls it with 1. */
__u64 test1_entry_hits, test1_entry_arg;
__u64 test1_exit_hits, test1_exit_ret;

SEC("fentry/bpf_fentry_test1")
int BPF_PROG(test1_entry, int a)
{
	if (!from_test())
		return 0;
	test1_entry_hits++;
	test1_entry_arg = a;
	return 0;
}

SEC("fexit/bpf_fentry_test1")
int BPF_PROG(test1_exit, int a, int ret)
{
	if (!from_test())
		return 0;
	test1_exit_hits++;
	test1_exit_ret = ret;
	return 0;
}

/*
 * bpf_modify_return_test(a, b) does *b += 1 and returns a + *b.  A non-zero
 * return of an fmod_ret program skips the function and becomes its result.
 */
int modify_retval;
__u64 modify_hits, modify_exit_hits;
int modify_exit_ret;

SEC("fmod_ret/bpf_modify_return_test")
int BPF_PROG(modify_ret, int a, int *b, int ret)
{
	if (!from_test())
		return ret;
	modify_hits++;
	return modify_retval;
}

SEC("fexit/bpf_modify_return_test")
int BPF_PROG(modify_exit, int a, int *b, int ret)
{
	if (!from_test())
		return 0;
	modify_exit_hits++;
	modify_exit_ret = ret;
	return 0;
}

/* ksys_sync(), reached by sync(2). */
__u64 sync_entry_hits, sync_exit_hits;

SEC("fentry/ksys_sync")
int BPF_PROG(sync_entry)
{
	if (from_test())
		__sync_fetch_and_add(&sync_entry_hits, 1);
	return 0;
}

SEC("fexit/ksys_sync")
int BPF_PROG(sync_exit)
{
	if (from_test())
		__sync_fetch_and_add(&sync_exit_hits, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
