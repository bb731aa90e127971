// SPDX-License-Identifier: GPL-2.0
/*
 * callops_testmod: a traceable module function for the BPF trampoline
 * selftest.  Writing N to /sys/kernel/debug/callops_testmod/call calls
 * callops_testmod_target(i) for i = 0 .. N - 1.
 *
 * Its init text has two call sites, callops_testmod_init() and
 * callops_testmod_init_files(), for the initslots suite: what becomes of
 * their slots once the init text is freed.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/module.h>

static struct dentry *callops_testmod_dir;

int callops_testmod_target(int n);

noinline int callops_testmod_target(int n)
{
	/* Keep the call: the compiler must not fold it into the caller. */
	asm volatile("" ::: "memory");
	return n + 1;
}

static ssize_t call_write(struct file *file, const char __user *ubuf,
			  size_t count, loff_t *ppos)
{
	unsigned int calls, i;
	int err;

	err = kstrtouint_from_user(ubuf, count, 0, &calls);
	if (err)
		return err;
	for (i = 0; i < calls; i++)
		callops_testmod_target(i);
	return count;
}

static const struct file_operations call_fops = {
	.owner = THIS_MODULE,
	.write = call_write,
};

/*
 * A call site of its own in the init text: noinline, so that it stays a
 * function with a patchable entry; the debugfs files it makes show that it
 * ran.
 */
static noinline void __init callops_testmod_init_files(void)
{
	callops_testmod_dir = debugfs_create_dir("callops_testmod", NULL);
	debugfs_create_file("call", 0200, callops_testmod_dir, NULL, &call_fops);
}

static int __init callops_testmod_init(void)
{
	callops_testmod_init_files();
	return 0;
}

static void __exit callops_testmod_exit(void)
{
	debugfs_remove_recursive(callops_testmod_dir);
}

module_init(callops_testmod_init);
module_exit(callops_testmod_exit);
MODULE_DESCRIPTION("Traceable module function for the callops BPF selftests");
MODULE_LICENSE("GPL");
