/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by progs/multi.bpf.c and bpf_tramp.c: what the tracing_multi
 * programs record per function (per attach cookie 1..MULTI_MAX).
 */
#ifndef CALLOPS_MULTI_H
#define CALLOPS_MULTI_H

#define MULTI_MAX	6	/* bpf_fentry_test1..6: integer arguments only */

struct multi_call {
	__u64 hits;
	__u64 ip;		/* bpf_get_func_ip() */
	__u64 nr_args;		/* bpf_get_func_arg_cnt() */
	__u64 arg_sum;		/* of bpf_get_func_arg() */
	__u64 ret;		/* bpf_get_func_ret(), on return */
	__u64 session_ok;	/* returns that found the entry's session cookie */
};

#endif /* CALLOPS_MULTI_H */
