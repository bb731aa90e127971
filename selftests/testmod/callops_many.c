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

#define CALLOPS_MANY_FN(n)						\
	static noinline int callops_many_##n(int x)			\
	{								\
		return x + 0x##n;					\
	}
#define CALLOPS_MANY_FN10(n)						\
	CALLOPS_MANY_FN(n##0) CALLOPS_MANY_FN(n##1) CALLOPS_MANY_FN(n##2) \
	CALLOPS_MANY_FN(n##3) CALLOPS_MANY_FN(n##4) CALLOPS_MANY_FN(n##5) \
	CALLOPS_MANY_FN(n##6) CALLOPS_MANY_FN(n##7) CALLOPS_MANY_FN(n##8) \
	CALLOPS_MANY_FN(n##9)
#define CALLOPS_MANY_FN100(n)						\
	CALLOPS_MANY_FN10(n##0) CALLOPS_MANY_FN10(n##1)			\
	CALLOPS_MANY_FN10(n##2) CALLOPS_MANY_FN10(n##3)			\
	CALLOPS_MANY_FN10(n##4) CALLOPS_MANY_FN10(n##5)			\
	CALLOPS_MANY_FN10(n##6) CALLOPS_MANY_FN10(n##7)			\
	CALLOPS_MANY_FN10(n##8) CALLOPS_MANY_FN10(n##9)

CALLOPS_MANY_FN100(0)
CALLOPS_MANY_FN100(1)
CALLOPS_MANY_FN100(2)
CALLOPS_MANY_FN100(3)
CALLOPS_MANY_FN100(4)
CALLOPS_MANY_FN100(5)

#define CALLOPS_MANY_PTR(n) callops_many_##n,
#define CALLOPS_MANY_PTR10(n)						\
	CALLOPS_MANY_PTR(n##0) CALLOPS_MANY_PTR(n##1) CALLOPS_MANY_PTR(n##2) \
	CALLOPS_MANY_PTR(n##3) CALLOPS_MANY_PTR(n##4) CALLOPS_MANY_PTR(n##5) \
	CALLOPS_MANY_PTR(n##6) CALLOPS_MANY_PTR(n##7) CALLOPS_MANY_PTR(n##8) \
	CALLOPS_MANY_PTR(n##9)
#define CALLOPS_MANY_PTR100(n)						\
	CALLOPS_MANY_PTR10(n##0) CALLOPS_MANY_PTR10(n##1)		\
	CALLOPS_MANY_PTR10(n##2) CALLOPS_MANY_PTR10(n##3)		\
	CALLOPS_MANY_PTR10(n##4) CALLOPS_MANY_PTR10(n##5)		\
	CALLOPS_MANY_PTR10(n##6) CALLOPS_MANY_PTR10(n##7)		\
	CALLOPS_MANY_PTR10(n##8) CALLOPS_MANY_PTR10(n##9)

static int (*const callops_many_fns[])(int) = {
	CALLOPS_MANY_PTR100(0) CALLOPS_MANY_PTR100(1) CALLOPS_MANY_PTR100(2)
	CALLOPS_MANY_PTR100(3) CALLOPS_MANY_PTR100(4) CALLOPS_MANY_PTR100(5)
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
