// SPDX-License-Identifier: GPL-2.0
/*
 * callops_notrace: a module without ftrace call sites (built without the
 * patchable function entries), for the selftest that unloading it does not
 * wait for call ops slot readers (release.sh).
 */
#include <linux/module.h>

static int __init callops_notrace_init(void)
{
	return 0;
}

static void __exit callops_notrace_exit(void)
{
}

module_init(callops_notrace_init);
module_exit(callops_notrace_exit);
MODULE_DESCRIPTION("Module without ftrace call sites, for the callops selftests");
MODULE_LICENSE("GPL");
