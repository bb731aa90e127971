// SPDX-License-Identifier: GPL-2.0
/*
 * fentry/fexit on callops_testmod_target() of the test module; the target's
 * BTF comes from the module, resolved by libbpf when the program loads.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

__u64 entry_hits, exit_hits, arg_sum;

SEC("fentry/callops_testmod_target")
int BPF_PROG(testmod_entry, int n)
{
	entry_hits++;
	arg_sum += n;
	return 0;
}

SEC("fexit/callops_testmod_target")
int BPF_PROG(testmod_exit, int n, int ret)
{
	if (ret == n + 1)
		exit_hits++;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
