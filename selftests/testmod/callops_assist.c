// SPDX-License-Identifier: GPL-2.0
/*
 * callops_assist: an ops that asks ftrace for recursion protection
 * (FTRACE_OPS_FL_RECURSION) must be called through ftrace_ops_assist_func(),
 * never directly from its call site's call ops, also when it is the ops
 * left after another one on the same function was removed.
 *
 * Its callback calls the traced function again, NESTED times deep: with
 * the assist (or the list function, which protects the same way), ftrace's
 * recursion protection drops the nested calls' callbacks but one (the
 * TRACE_CTX_TRANSITION allowance), so the callback runs twice per outer
 * call; called directly, 1 + NESTED times.  The load runs three phases,
 * each one outer call, and keeps the callback's runs in read-only
 * parameters for selftests/assist.sh, which wants all three equal and below
 * 1 + NESTED:
 *   both      the plain ops and the protected one on the function
 *   remaining the plain ops removed: the protected one alone
 *   alone     the protected one registered again, alone from the start
 * The load fails only if ftrace refuses an ops.
 */
#include <linux/ftrace.h>
#include <linux/module.h>

#define NESTED 3

static int nested = NESTED;
static int both, remaining, alone;
module_param(nested, int, 0444);
module_param(both, int, 0444);
module_param(remaining, int, 0444);
module_param(alone, int, 0444);

static int protected_runs, nesting;

static noinline void callops_assist_target(void)
{
	barrier();
}

static void notrace plain_func(unsigned long ip, unsigned long parent_ip,
			       struct ftrace_ops *op, struct ftrace_regs *fregs)
{
}

static void notrace protected_func(unsigned long ip, unsigned long parent_ip,
				   struct ftrace_ops *op, struct ftrace_regs *fregs)
{
	protected_runs++;
	if (nesting < NESTED) {
		nesting++;
		callops_assist_target();
		nesting--;
	}
}

static struct ftrace_ops plain_ops = {
	.func = plain_func,
};

static struct ftrace_ops protected_ops = {
	.func = protected_func,
	.flags = FTRACE_OPS_FL_RECURSION,
};

/* One outer call: how often the protected callback ran for it. */
static int runs_of_one_call(void)
{
	protected_runs = 0;
	callops_assist_target();
	return protected_runs;
}

static int __init callops_assist_init(void)
{
	unsigned long ip = (unsigned long)callops_assist_target;
	int ret;

	ret = ftrace_set_filter_ip(&plain_ops, ip, 0, 0);
	if (!ret)
		ret = ftrace_set_filter_ip(&protected_ops, ip, 0, 0);
	if (!ret)
		ret = register_ftrace_function(&plain_ops);
	if (ret)
		goto free;
	ret = register_ftrace_function(&protected_ops);
	if (ret) {
		unregister_ftrace_function(&plain_ops);
		goto free;
	}
	both = runs_of_one_call();
	unregister_ftrace_function(&plain_ops);
	remaining = runs_of_one_call();
	unregister_ftrace_function(&protected_ops);
	ret = register_ftrace_function(&protected_ops);
	if (ret)
		goto free;
	alone = runs_of_one_call();
	unregister_ftrace_function(&protected_ops);
free:
	ftrace_free_filter(&plain_ops);
	ftrace_free_filter(&protected_ops);
	return ret;
}

static void __exit callops_assist_exit(void)
{
}

module_init(callops_assist_init);
module_exit(callops_assist_exit);
MODULE_DESCRIPTION("Call ops and ftrace's recursion protection, for the callops selftests");
MODULE_LICENSE("GPL");
