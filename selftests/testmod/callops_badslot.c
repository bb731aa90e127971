// SPDX-License-Identifier: GPL-2.0
/*
 * callops_badslot: a RISC-V call ops provider with one bad slot, for the
 * selftest of the kernel's checks of ->site_slot() (badslot.sh).
 *
 * It gives slots to two functions of its own and to nothing else:
 * callops_badslot_good() gets a fresh slot, callops_badslot_bad() the slot
 * named by the module parameter "bad":
 *   none        no slot (NULL): the call site keeps the list slot
 *   misaligned  4 bytes into a fresh slot
 *   far         a zeroed kmalloc() word, out of reach of a 32-bit prefix
 *   shared      the slot already handed to callops_badslot_good()
 *   readonly    a zero word in this module's .rodata
 * The kernel must refuse all but "none" with a WARN and leave the call
 * site on the list slot.
 *
 * debugfs callops_badslot/sites shows, for each function, whether its
 * prefix leads to the slot handed out for it and what that slot holds;
 * writing N to callops_badslot/call calls each function N times.
 */
#include <linux/debugfs.h>
#include <linux/ftrace.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/ftrace_callops.h>

static char *bad = "none";
module_param(bad, charp, 0444);
MODULE_PARM_DESC(bad, "slot for callops_badslot_bad(): none, misaligned, far, shared, readonly");

int callops_badslot_good(int n);
int callops_badslot_bad(int n);

/* Defined in this order, so that the kernel asks for good's slot first. */
noinline int callops_badslot_good(int n)
{
	asm volatile("" ::: "memory");
	return n + 1;
}

noinline int callops_badslot_bad(int n)
{
	asm volatile("" ::: "memory");
	return n + 2;
}

static const unsigned long callops_badslot_ro __aligned(8);

static unsigned long *chunk;		/* from ftrace_callops_alloc() */
static unsigned long *far_word;		/* from kzalloc() */
static unsigned long *good_slot, *bad_slot;
static unsigned long good_ip, bad_ip;	/* their call sites (rec->ip) */
static struct dentry *dir;

static unsigned long *badslot_site_slot(struct ftrace_callops_provider *prov,
					struct module *mod, unsigned long ip)
{
	if (ip == good_ip)
		return good_slot;
	if (ip == bad_ip)
		return bad_slot;
	return NULL;
}

static void badslot_release_module(struct ftrace_callops_provider *prov,
				   struct module *mod)
{
}

static struct ftrace_callops_provider provider = {
	.name = "callops_badslot",
	.site_slot = badslot_site_slot,
	.release_module = badslot_release_module,
};

/*
 * The slot the prefix at func-4 leads to (&slot = func + 8 + offset),
 * whether it is the one handed out for the function, and the callback of
 * the ops it holds: ftrace_ops_nop_func for a disabled call site with a
 * slot of its own, ftrace_ops_list_func for the list slot.
 */
static void show_site(struct seq_file *m, const char *name, void *func,
		      unsigned long *handed)
{
	unsigned long addr = (unsigned long)func;
	struct ftrace_ops *ops;
	unsigned long *slot, value;
	ftrace_func_t op_func;
	s32 offset;

	if (get_kernel_nofault(offset, (s32 *)(addr - 4))) {
		seq_printf(m, "%s prefix=unreadable\n", name);
		return;
	}
	slot = (unsigned long *)(addr + 8 + offset);
	seq_printf(m, "%s slot=%s", name, slot == handed ? "handed" : "other");
	if (get_kernel_nofault(value, slot)) {
		seq_puts(m, " func=unreadable\n");
		return;
	}
	if ((long)value >= 0) {
		seq_printf(m, " direct=%ps\n", (void *)(value << 1));
		return;
	}
	ops = (struct ftrace_ops *)value;
	if (get_kernel_nofault(op_func, &ops->func))
		seq_puts(m, " func=unreadable\n");
	else
		seq_printf(m, " func=%ps\n", op_func);
}

static int sites_show(struct seq_file *m, void *v)
{
	show_site(m, "callops_badslot_good", callops_badslot_good, good_slot);
	show_site(m, "callops_badslot_bad", callops_badslot_bad, bad_slot);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(sites);

static ssize_t call_write(struct file *file, const char __user *ubuf,
			  size_t count, loff_t *ppos)
{
	unsigned int calls, i;
	int err;

	err = kstrtouint_from_user(ubuf, count, 0, &calls);
	if (err)
		return err;
	for (i = 0; i < calls; i++) {
		callops_badslot_good(i);
		callops_badslot_bad(i);
	}
	return count;
}

static const struct file_operations call_fops = {
	.owner = THIS_MODULE,
	.write = call_write,
};

static int __init callops_badslot_init(void)
{
	int ret;

	/* A call site's rec->ip is its jalr, after the function's auipc. */
	good_ip = (unsigned long)callops_badslot_good + MCOUNT_AUIPC_SIZE;
	bad_ip = (unsigned long)callops_badslot_bad + MCOUNT_AUIPC_SIZE;
	if (good_ip > bad_ip) {
		pr_err("callops_badslot: callops_badslot_good() must come first in .text\n");
		return -EINVAL;
	}
	chunk = ftrace_callops_alloc(PAGE_SIZE);
	far_word = kzalloc(sizeof(*far_word), GFP_KERNEL);
	if (!chunk || !far_word) {
		ret = -ENOMEM;
		goto free;
	}
	good_slot = &chunk[0];
	if (!strcmp(bad, "none")) {
		bad_slot = NULL;
	} else if (!strcmp(bad, "misaligned")) {
		bad_slot = (unsigned long *)((char *)&chunk[2] + 4);
	} else if (!strcmp(bad, "far")) {
		bad_slot = far_word;
	} else if (!strcmp(bad, "shared")) {
		bad_slot = good_slot;
	} else if (!strcmp(bad, "readonly")) {
		bad_slot = (unsigned long *)&callops_badslot_ro;
	} else {
		pr_err("callops_badslot: unknown bad=%s\n", bad);
		ret = -EINVAL;
		goto free;
	}
	pr_info("callops_badslot: bad=%s: slot %px for callops_badslot_bad, %px for callops_badslot_good\n",
		bad, bad_slot, good_slot);

	ret = ftrace_callops_register(&provider);
	if (ret)
		goto free;
	dir = debugfs_create_dir("callops_badslot", NULL);
	debugfs_create_file("sites", 0444, dir, NULL, &sites_fops);
	debugfs_create_file("call", 0200, dir, NULL, &call_fops);
	return 0;
free:
	kfree(far_word);
	if (chunk)
		ftrace_callops_free(chunk);
	return ret;
}

static void __exit callops_badslot_exit(void)
{
	debugfs_remove_recursive(dir);
	ftrace_callops_unregister(&provider);
	kfree(far_word);
	ftrace_callops_free(chunk);
}

module_init(callops_badslot_init);
module_exit(callops_badslot_exit);
MODULE_DESCRIPTION("Call ops provider handing out a bad slot, for the callops selftests");
MODULE_LICENSE("GPL");
