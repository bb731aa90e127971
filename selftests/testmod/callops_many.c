// SPDX-License-Identifier: GPL-2.0
/*
 * callops_many: a module with 600 ftrace call sites (one per function
 * below), for make bench's module load and unload rows: what ftrace and
 * the call ops provider do per call site of a module, measured as this
 * module's load minus callops_many_notrace's, the same code built without
 * call sites (callops_many_notrace.c).  Its init calls every function once,
 * so none is dropped.
 */
#include <linux/compiler.h>
#include <linux/module.h>

/* M(000) ... M(599): M applied to 600 three-digit numbers. */
#define CALLOPS_MANY_10(M, n)						\
	M(n##0) M(n##1) M(n##2) M(n##3) M(n##4)				\
	M(n##5) M(n##6) M(n##7) M(n##8) M(n##9)
#define CALLOPS_MANY_100(M, n)						\
	CALLOPS_MANY_10(M, n##0) CALLOPS_MANY_10(M, n##1)		\
	CALLOPS_MANY_10(M, n##2) CALLOPS_MANY_10(M, n##3)		\
	CALLOPS_MANY_10(M, n##4) CALLOPS_MANY_10(M, n##5)		\
	CALLOPS_MANY_10(M, n##6) CALLOPS_MANY_10(M, n##7)		\
	CALLOPS_MANY_10(M, n##8) CALLOPS_MANY_10(M, n##9)
#define CALLOPS_MANY_600(M)						\
	CALLOPS_MANY_100(M, 0) CALLOPS_MANY_100(M, 1) CALLOPS_MANY_100(M, 2) \
	CALLOPS_MANY_100(M, 3) CALLOPS_MANY_100(M, 4) CALLOPS_MANY_100(M, 5)

#define CALLOPS_MANY_FN(n)						\
	static noinline int callops_many_##n(int x)			\
	{								\
		return x + 0x##n;					\
	}
#define CALLOPS_MANY_PTR(n) callops_many_##n,

CALLOPS_MANY_600(CALLOPS_MANY_FN)

static int (*const callops_many_fns[])(int) = {
	CALLOPS_MANY_600(CALLOPS_MANY_PTR)
};

static int __init callops_many_init(void)
{
	int i, x = 0;

	for (i = 0; i < ARRAY_SIZE(callops_many_fns); i++)
		x = callops_many_fns[i](x);
	/* The sum of 0x000..0x599, not 0: the calls are not dropped. */
	return x ? 0 : -EINVAL;
}

static void __exit callops_many_exit(void)
{
}

module_init(callops_many_init);
module_exit(callops_many_exit);
MODULE_DESCRIPTION("Module with 600 ftrace call sites, for the callops benchmarks");
MODULE_LICENSE("GPL");
