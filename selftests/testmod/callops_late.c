// SPDX-License-Identifier: GPL-2.0
/*
 * callops_late: a module whose code still runs after its exit function, as
 * the module loader allows: its exit schedules an async function, which
 * delete_module() waits for (async_synchronize_full()) only after
 * ftrace_release_mod().  That function sleeps, then calls a traced function
 * of the module, whose call site still leads to its slot.  release.sh
 * checks that the provider frees the module's slots only after that call.
 */
#include <linux/async.h>
#include <linux/delay.h>
#include <linux/module.h>

/* Called once, from the async function, after the module's exit. */
static noinline void callops_late_target(void)
{
	barrier();
}

static void callops_late_call(void *data, async_cookie_t cookie)
{
	/* Past ftrace_release_mod() and any grace period it might wait for. */
	msleep(1000);
	callops_late_target();
}

static int __init callops_late_init(void)
{
	return 0;
}

static void __exit callops_late_exit(void)
{
	async_schedule(callops_late_call, NULL);
}

module_init(callops_late_init);
module_exit(callops_late_exit);
MODULE_DESCRIPTION("Module whose code runs after its exit, for the callops selftests");
MODULE_LICENSE("GPL");
