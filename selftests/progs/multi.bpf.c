// SPDX-License-Identifier: GPL-2.0
/*
 * tracing_multi programs for bpf_tramp.c: one program on many functions
 * through one link (BPF_LINK_CREATE with link_create.tracing_multi), each
 * function with an attach cookie.  libbpf 1.7 knows no "fentry.multi"
 * sections: bpf_tramp.c registers handlers for them that give the
 * programs their BPF_TRACE_*_MULTI attach types (and no attach BTF id,
 * which the kernel refuses for them).
 *
 * Every program records, per cookie (1..MULTI_MAX), what the trampoline
 * handed it (struct multi_call, multi.h): the traced function's address (bpf_get_func_ip()), its
 * argument count and the sum of its arguments, its return value, and for
 * the session program whether the session cookie written on entry was
 * there on return.  bpf_tramp.c compares them with what the functions
 * called by BPF_PROG_TEST_RUN were given.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "multi.h"

#define MAX_ARGS	6

__u32 test_tgid;
/* Calls whose attach cookie was not 1..MULTI_MAX. */
__u64 bad_cookie;
struct multi_call entry_calls[MULTI_MAX], exit_calls[MULTI_MAX];
struct multi_call session_entry[MULTI_MAX], session_exit[MULTI_MAX];

static struct multi_call *record(void *ctx, struct multi_call *calls)
{
	__u64 cookie = bpf_get_attach_cookie(ctx), sum = 0, value;
	struct multi_call *call;
	int i;

	if (bpf_get_current_pid_tgid() >> 32 != test_tgid)
		return NULL;
	if (cookie < 1 || cookie > MULTI_MAX) {
		__sync_fetch_and_add(&bad_cookie, 1);
		return NULL;
	}
	call = &calls[cookie - 1];
	call->hits++;
	call->ip = bpf_get_func_ip(ctx);
	call->nr_args = bpf_get_func_arg_cnt(ctx);
	for (i = 0; i < MAX_ARGS; i++) {
		if (bpf_get_func_arg(ctx, i, &value))
			break;
		sum += value;
	}
	call->arg_sum = sum;
	return call;
}

SEC("fentry.multi")
int multi_entry(__u64 *ctx)
{
	record(ctx, entry_calls);
	return 0;
}

SEC("fexit.multi")
int multi_exit(__u64 *ctx)
{
	struct multi_call *call = record(ctx, exit_calls);
	__u64 ret = 0;

	if (call && !bpf_get_func_ret(ctx, &ret))
		call->ret = ret;
	return 0;
}

/* The session cookie carries the function's address from entry to return. */
SEC("fsession.multi")
int multi_session(__u64 *ctx)
{
	__u64 *cookie = bpf_session_cookie(ctx);
	struct multi_call *call;
	__u64 ret = 0;

	if (!bpf_session_is_return(ctx)) {
		record(ctx, session_entry);
		*cookie = bpf_get_func_ip(ctx);
		return 0;
	}
	call = record(ctx, session_exit);
	if (!call)
		return 0;
	if (!bpf_get_func_ret(ctx, &ret))
		call->ret = ret;
	call->session_ok += *cookie == call->ip;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
