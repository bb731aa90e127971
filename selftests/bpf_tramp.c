// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_tramp: BPF trampolines on the call ops kernel (or any 7.2 kernel).
 *
 *   bpf_tramp [-n MANY] [-t TEST] [TESTMOD.ko]
 *
 * fentry, fexit and fmod_ret through BPF_PROG_TEST_RUN; fentry/fexit on
 * ksys_sync() reached by sync(); the same trampoline alone (direct call)
 * and next to the function tracer (list ops), checked in enabled_functions
 * and, when the callops module is loaded, in its slot dump; fentry on a
 * function of TESTMOD.ko across an unload and reload of the module; one
 * trampoline on each of MANY (default and most: MANY_MAX) kernel
 * functions, attach and detach timed (microseconds).  -t runs one test
 * (make bench: -t many_trampolines).  Every count is exact.  Output is
 * KTAP; a missing feature is a skip.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "kselftest.h"
#include "tramp.skel.h"
#include "testmod_hits.skel.h"

#define TRACING		"/sys/kernel/tracing"
#define CALLOPS_DUMP	"/sys/kernel/debug/callops/dump"
#define TESTMOD		"callops_testmod"
#define TESTMOD_CALL	"/sys/kernel/debug/" TESTMOD "/call"
#define TESTMOD_FUNC	"callops_testmod_target"

#define RUNS		10	/* BPF_PROG_TEST_RUN runs per test */
#define SYNCS		1000	/* sync() calls per count */
#define MOD_CALLS	100	/* calls of the test module's function */
#define MANY_MAX	1000	/* functions with a trampoline at once */

static const char *testmod_path;
static int many_funcs = MANY_MAX;

/* Report a failed check and leave the test through its cleanup. */
#define CHECK(cond, fmt, ...) do {					\
	if (!(cond)) {							\
		ksft_print_msg("%s: " fmt "\n", __func__, ##__VA_ARGS__); \
		goto out;						\
	}								\
} while (0)

/* Show a count and check it; both sides are printed either way. */
#define CHECK_EQ(got, want) do {					\
	long long got_ = (got), want_ = (want);				\
									\
	ksft_print_msg("%s: %s = %lld, want %lld\n", __func__, #got,	\
		       got_, want_);					\
	if (got_ != want_)						\
		goto out;						\
} while (0)

/* libbpf's warnings as KTAP diagnostics, in order with the results. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	printf("# libbpf: ");
	return vprintf(fmt, args);
}

/* Under qemu -icount shift=0 a nanosecond is one instruction. */
static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long long now_us(void)
{
	return now_ns() / 1000;
}

/* The whole of a (tracefs or debugfs) file, NUL-terminated, or NULL. */
static char *read_file(const char *path)
{
	size_t len = 0, size = 65536;
	char *buf = malloc(size);
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0 || !buf)
		goto fail;
	while ((n = read(fd, buf + len, size - len - 1)) > 0) {
		len += n;
		if (len + 1 == size) {
			char *bigger = realloc(buf, size *= 2);

			if (!bigger)
				goto fail;
			buf = bigger;
		}
	}
	if (n < 0)
		goto fail;
	close(fd);
	buf[len] = '\0';
	return buf;
fail:
	if (fd >= 0)
		close(fd);
	free(buf);
	return NULL;
}

/* Replace a file's content (O_TRUNC: an empty string clears a filter). */
static int write_file(const char *path, const char *s)
{
	size_t len = strlen(s);
	int fd, ok;

	fd = open(path, O_WRONLY | O_TRUNC);
	if (fd < 0)
		return -1;
	ok = write(fd, s, len) == (ssize_t)len;
	close(fd);
	return ok ? 0 : -1;
}

/*
 * Copy the record of a listing that starts with the word @name into @line
 * (empty if there is none), its continuation lines (enabled_functions
 * puts "\tdirect-->..." on one) joined with spaces.  Both enabled_functions
 * and the callops dump start each record with the function's name and a
 * space.
 */
static void find_line(const char *text, const char *name, char *line, size_t size)
{
	size_t nlen = strlen(name);
	const char *p = text;
	char *c;

	line[0] = '\0';
	while (p && *p) {
		const char *end = strchrnul(p, '\n');

		if (!strncmp(p, name, nlen) && p[nlen] == ' ') {
			while (end[0] == '\n' && end[1] == '\t')
				end = strchrnul(end + 1, '\n');
			snprintf(line, size, "%.*s", (int)(end - p), p);
			for (c = line; (c = strpbrk(c, "\n\t")); )
				*c = ' ';
			return;
		}
		p = *end ? end + 1 : NULL;
	}
}

static void file_line(const char *path, const char *name, char *line, size_t size)
{
	char *text = read_file(path);

	find_line(text ? text : "", name, line, size);
	free(text);
}

static int count_substr(const char *text, const char *needle)
{
	int n = 0;

	while ((text = strstr(text, needle))) {
		n++;
		text += strlen(needle);
	}
	return n;
}

static int count_in_file(const char *path, const char *needle)
{
	char *text = read_file(path);
	int n;

	if (!text)
		return -1;
	n = count_substr(text, needle);
	free(text);
	return n;
}

/* Wait (detach frees trampolines through RCU) until @name is not enabled. */
static bool gone_from_enabled(const char *name)
{
	char line[512];
	int i;

	for (i = 0; i < 50; i++) {
		file_line(TRACING "/enabled_functions", name, line, sizeof(line));
		if (!line[0])
			return true;
		usleep(100000);
	}
	ksft_print_msg("still enabled: %s\n", line);
	return false;
}

static void do_syncs(int n)
{
	while (n--)
		sync();
}

static struct tramp *open_tramp(void)
{
	struct tramp *skel = tramp__open_and_load();

	if (!skel) {
		ksft_print_msg("tramp__open_and_load: %s\n", strerror(errno));
		return NULL;
	}
	skel->bss->test_tgid = getpid();
	return skel;
}

static int test_run(struct bpf_program *prog, __u32 *retval)
{
	LIBBPF_OPTS(bpf_test_run_opts, topts);
	int err = bpf_prog_test_run_opts(bpf_program__fd(prog), &topts);

	if (err)
		ksft_print_msg("bpf_prog_test_run_opts(%s): %s\n",
			       bpf_program__name(prog), strerror(errno));
	*retval = topts.retval;
	return err;
}

/*
 * Run a program @runs times through BPF_PROG_TEST_RUN, each run returning 0
 * (the traced bpf_fentry_test*() calls all return what they should).
 */
static bool test_run_all(struct bpf_program *prog, int runs)
{
	__u32 retval;
	int i;

	for (i = 0; i < runs; i++) {
		CHECK(!test_run(prog, &retval), "test run %d", i);
		CHECK(retval == 0, "test run %d: retval %u", i, retval);
	}
	return true;
out:
	return false;
}

/* Attach one program of a skeleton; its link goes with the skeleton. */
static bool attach(struct bpf_program *prog, struct bpf_link **link)
{
	*link = bpf_program__attach(prog);
	if (!*link)
		ksft_print_msg("%s %s: %s\n", __func__, bpf_program__name(prog),
			       strerror(errno));
	return *link;
}

/* fentry on bpf_fentry_test1(1), which BPF_PROG_TEST_RUN calls once a run. */
static int test_fentry(void)
{
	struct tramp *skel = open_tramp();
	int ret = KSFT_FAIL;

	CHECK(skel, "no skeleton");
	CHECK(attach(skel->progs.test1_entry, &skel->links.test1_entry), "attach");
	CHECK(test_run_all(skel->progs.test1_entry, RUNS), "test runs");
	CHECK_EQ(skel->bss->test1_entry_hits, RUNS);
	CHECK_EQ(skel->bss->test1_entry_arg, 1);
	ret = KSFT_PASS;
out:
	tramp__destroy(skel);
	return ret;
}

/* fexit on bpf_fentry_test1(1) sees its return value, 2. */
static int test_fexit(void)
{
	struct tramp *skel = open_tramp();
	int ret = KSFT_FAIL;

	CHECK(skel, "no skeleton");
	CHECK(attach(skel->progs.test1_exit, &skel->links.test1_exit), "attach");
	CHECK(test_run_all(skel->progs.test1_exit, RUNS), "test runs");
	CHECK_EQ(skel->bss->test1_exit_hits, RUNS);
	CHECK_EQ(skel->bss->test1_exit_ret, 2);
	ret = KSFT_PASS;
out:
	tramp__destroy(skel);
	return ret;
}

/*
 * The cost of a direct trampoline per call: COST_RUNS BPF_PROG_TEST_RUN
 * runs of the fentry program on bpf_fentry_test1() (each run calls it
 * once), timed before and after the program is attached.  Prints
 * "# test_run plain: N ns/run" and "# test_run fentry: N ns/run"; make bench
 * tabulates them (instructions under -icount shift=0).
 */
#define COST_RUNS	1000

static bool time_runs(struct bpf_program *prog, const char *what)
{
	long long start = now_ns();

	if (!test_run_all(prog, COST_RUNS))
		return false;
	ksft_print_msg("test_run %s: %lld ns/run\n", what,
		       (now_ns() - start) / COST_RUNS);
	return true;
}

static int test_run_cost(void)
{
	struct tramp *skel = open_tramp();
	int ret = KSFT_FAIL;

	CHECK(skel, "no skeleton");
	CHECK(time_runs(skel->progs.test1_entry, "plain"), "unattached runs");
	CHECK_EQ(skel->bss->test1_entry_hits, 0);
	CHECK(attach(skel->progs.test1_entry, &skel->links.test1_entry), "attach");
	CHECK(time_runs(skel->progs.test1_entry, "fentry"), "attached runs");
	CHECK_EQ(skel->bss->test1_entry_hits, COST_RUNS);
	ret = KSFT_PASS;
out:
	tramp__destroy(skel);
	return ret;
}

/*
 * fmod_ret on bpf_modify_return_test(1, &b), b = 2, which does *b += 1 and
 * returns 1 + 3 = 4.  BPF_PROG_TEST_RUN reports (side effects << 16) | (its
 * result + that of the untraced bpf_modify_return_test2(1, &b, 3, 4, 5, 6,
 * 7), 1 + 3 + 25 = 29), a side effect being a function that incremented b.
 * fmod_ret returning 0 lets the function run; returning MODIFIED skips it
 * and makes MODIFIED its result, also for fexit.
 */
#define MODIFY_TEST2_RESULT	29
#define MODIFIED		1000

static int test_fmod_ret(void)
{
	struct tramp *skel = open_tramp();
	int ret = KSFT_FAIL, i;
	__u32 retval = 0;

	CHECK(skel, "no skeleton");
	CHECK(attach(skel->progs.modify_ret, &skel->links.modify_ret), "attach");
	CHECK(attach(skel->progs.modify_exit, &skel->links.modify_exit), "attach");

	skel->bss->modify_retval = 0;
	for (i = 0; i < RUNS; i++)
		CHECK(!test_run(skel->progs.modify_ret, &retval), "test run %d", i);
	CHECK_EQ(retval, (2 << 16) | (4 + MODIFY_TEST2_RESULT));
	CHECK_EQ(skel->bss->modify_exit_ret, 4);

	skel->bss->modify_retval = MODIFIED;
	for (i = 0; i < RUNS; i++)
		CHECK(!test_run(skel->progs.modify_ret, &retval), "test run %d", i);
	CHECK_EQ(retval, (1 << 16) | (MODIFIED + MODIFY_TEST2_RESULT));
	CHECK_EQ(skel->bss->modify_exit_ret, MODIFIED);
	CHECK_EQ(skel->bss->modify_hits, 2 * RUNS);
	CHECK_EQ(skel->bss->modify_exit_hits, 2 * RUNS);
	ret = KSFT_PASS;
out:
	tramp__destroy(skel);
	return ret;
}

/* fentry + fexit on ksys_sync(): SYNCS sync() calls, SYNCS hits each. */
static int test_sync(void)
{
	struct tramp *skel = open_tramp();
	int ret = KSFT_FAIL;

	CHECK(skel, "no skeleton");
	CHECK(attach(skel->progs.sync_entry, &skel->links.sync_entry), "attach");
	CHECK(attach(skel->progs.sync_exit, &skel->links.sync_exit), "attach");
	do_syncs(SYNCS);
	CHECK_EQ(skel->bss->sync_entry_hits, SYNCS);
	CHECK_EQ(skel->bss->sync_exit_hits, SYNCS);
	ret = KSFT_PASS;
out:
	tramp__destroy(skel);
	if (!gone_from_enabled("ksys_sync"))
		ret = KSFT_FAIL;
	return ret;
}

/*
 * How ksys_sync's call site dispatches, from enabled_functions ("ksys_sync
 * (N) flags ... direct-->tramp"; the O flag: one ops, called directly) and,
 * with the callops module, from its slot dump ("ksys_sync slot=G:I ops=...
 * func=... direct=..."): @users ftrace users, a direct call, and with
 * @list the list ops rather than the trampoline.
 */
static bool sync_site_is(int users, bool list)
{
	char line[512], want[16];
	bool ok = true;

	file_line(TRACING "/enabled_functions", "ksys_sync", line, sizeof(line));
	ksft_print_msg("enabled: %s\n", line);
	snprintf(want, sizeof(want), " (%d) ", users);
	ok &= strstr(line, want) && strstr(line, "direct-->");
	ok &= !strstr(line, " O ") == list;
	if (access(CALLOPS_DUMP, R_OK))
		return ok;
	file_line(CALLOPS_DUMP, "ksys_sync", line, sizeof(line));
	ksft_print_msg("slot: %s\n", line);
	if (list)
		ok &= strstr(line, " func=arch_ftrace_ops_list_func ") &&
		      strstr(line, " direct=-");
	else
		ok &= !!strstr(line, " ops=- func=- direct=bpf_trampoline_");
	return ok;
}

/*
 * One trampoline on ksys_sync, alone (direct call), then with the function
 * tracer on the same function (list ops), then alone again: the BPF counts
 * and the tracer's are exact throughout.
 */
static int test_direct_and_list(void)
{
	struct tramp *skel = open_tramp();
	int ret = KSFT_FAIL;
	bool tracer = false;

	CHECK(skel, "no skeleton");
	CHECK(attach(skel->progs.sync_entry, &skel->links.sync_entry), "attach");
	CHECK(attach(skel->progs.sync_exit, &skel->links.sync_exit), "attach");
	CHECK(sync_site_is(1, false), "BPF alone: not a direct call");
	do_syncs(SYNCS);
	CHECK_EQ(skel->bss->sync_entry_hits, SYNCS);
	CHECK_EQ(skel->bss->sync_exit_hits, SYNCS);

	tracer = true;
	CHECK(!write_file(TRACING "/set_ftrace_filter", "ksys_sync") &&
	      !write_file(TRACING "/current_tracer", "function") &&
	      !write_file(TRACING "/trace", ""), "function tracer: %s", strerror(errno));
	CHECK(sync_site_is(2, true), "BPF and the function tracer: not the list ops");
	do_syncs(SYNCS);
	CHECK_EQ(skel->bss->sync_entry_hits, 2 * SYNCS);
	CHECK_EQ(skel->bss->sync_exit_hits, 2 * SYNCS);
	CHECK_EQ(count_in_file(TRACING "/trace", " ksys_sync <-"), SYNCS);

	tracer = false;
	CHECK(!write_file(TRACING "/current_tracer", "nop") &&
	      !write_file(TRACING "/set_ftrace_filter", ""), "tracer off: %s", strerror(errno));
	CHECK(sync_site_is(1, false), "BPF alone again: not a direct call");
	do_syncs(SYNCS);
	CHECK_EQ(skel->bss->sync_entry_hits, 3 * SYNCS);
	CHECK_EQ(skel->bss->sync_exit_hits, 3 * SYNCS);
	ret = KSFT_PASS;
out:
	if (tracer) {
		write_file(TRACING "/current_tracer", "nop");
		write_file(TRACING "/set_ftrace_filter", "");
	}
	tramp__destroy(skel);
	if (!gone_from_enabled("ksys_sync"))
		ret = KSFT_FAIL;
	return ret;
}

static int load_module(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), err;

	if (fd < 0)
		return -1;
	err = syscall(__NR_finit_module, fd, "", 0);
	close(fd);
	return err;
}

static int unload_module(const char *name)
{
	return syscall(__NR_delete_module, name, O_NONBLOCK);
}

/* Attach to the loaded test module's function, call it MOD_CALLS times. */
static bool testmod_counts(void)
{
	struct testmod_hits *skel = testmod_hits__open_and_load();
	char calls[16];
	bool ok = false;

	CHECK(skel, "testmod_hits__open_and_load: %s", strerror(errno));
	CHECK(!testmod_hits__attach(skel), "attach: %s", strerror(errno));
	snprintf(calls, sizeof(calls), "%d", MOD_CALLS);
	CHECK(!write_file(TESTMOD_CALL, calls), "write %s: %s", TESTMOD_CALL, strerror(errno));
	CHECK_EQ(skel->bss->entry_hits, MOD_CALLS);
	CHECK_EQ(skel->bss->exit_hits, MOD_CALLS);
	CHECK_EQ(skel->bss->arg_sum, MOD_CALLS * (MOD_CALLS - 1) / 2);
	/* The trampoline holds the module: it cannot go while attached. */
	CHECK(unload_module(TESTMOD) && errno == EWOULDBLOCK,
	      "rmmod with fentry attached: %s, want EWOULDBLOCK", strerror(errno));
	ok = true;
out:
	testmod_hits__destroy(skel);
	return ok;
}

/*
 * fentry/fexit on a function of a module, then the module unloaded (the
 * trampoline keeps it until detached) and loaded again: exact counts both
 * times, and nothing of it left enabled.
 */
static int test_module_reload(void)
{
	int ret = KSFT_FAIL, round;

	if (!testmod_path || access(testmod_path, R_OK)) {
		ksft_print_msg("no test module given\n");
		return KSFT_SKIP;
	}
	for (round = 1; round <= 2; round++) {
		ksft_print_msg("round %d: insmod %s\n", round, testmod_path);
		CHECK(!load_module(testmod_path), "insmod: %s", strerror(errno));
		if (!testmod_counts()) {
			unload_module(TESTMOD);
			goto out;
		}
		CHECK(!unload_module(TESTMOD), "rmmod after detach: %s", strerror(errno));
		CHECK(gone_from_enabled(TESTMOD_FUNC), "module function still enabled");
	}
	ret = KSFT_PASS;
out:
	return ret;
}

/*
 * Functions not to put a trampoline on: what the trampoline, the BPF
 * program's entry and exit, text patching and RCU run themselves, and the
 * scheduler, interrupt and timekeeping paths every CPU takes all the time.
 */
static const char *const many_deny[] = {
	"bpf", "trace", "ftrace", "kprobe", "patch", "text", "stop_machine",
	"rcu", "lock", "mutex", "sem", "preempt", "sched", "irq", "idle",
	"cpu", "smp", "clock", "time", "tick", "printk", "console", "nmi",
	"entry", "exit", "fault", "tlb", "flush", "sbi", "panic", "die",
	"switch", "wake", "signal", "percpu", "atomic", "alloc", "free",
	"kmem", "slab", "page", "vm", "mm", "migrate", "work", "softirq",
	"ipi", "stack", "memcpy", "memset", "memmove", "str",
};

/* A function name and, for a BTF FUNC, its type id. */
struct func {
	const char *name;
	__u32 btf_id;
};

static int cmp_func(const void *a, const void *b)
{
	return strcmp(((const struct func *)a)->name, ((const struct func *)b)->name);
}

/* @name's entry in the sorted @funcs if it occurs exactly once, or NULL. */
static const struct func *unique_in(const struct func *funcs, size_t n, const char *name)
{
	const struct func key = { .name = name };
	const struct func *p = bsearch(&key, funcs, n, sizeof(*funcs), cmp_func);

	if (!p || (p > funcs && !strcmp(p[-1].name, name)) ||
	    (p < funcs + n - 1 && !strcmp(p[1].name, name)))
		return NULL;
	return p;
}

static bool denied(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(many_deny); i++)
		if (strstr(name, many_deny[i]))
			return true;
	return false;
}

/*
 * Load one "return 0" fentry program per traceable kernel function (an
 * unambiguous name in available_filter_functions and in the BTF) until
 * many_funcs are loaded; @fds gets them, @names their targets.
 */
static int load_many(struct btf *btf, int *fds, char **names)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	char *avail = read_file(TRACING "/available_filter_functions");
	struct func *funcs = NULL, *sorted = NULL, *btf_funcs = NULL;
	size_t nfuncs = 0, nbtf = 0, i;
	int loaded = 0, rejected = 0;
	__u32 id, types = btf__type_cnt(btf);
	char *line;

	if (!avail)
		return -1;
	for (line = avail; *line; line++)
		nfuncs += *line == '\n';
	funcs = calloc(nfuncs, sizeof(*funcs));
	sorted = calloc(nfuncs, sizeof(*sorted));
	btf_funcs = calloc(types, sizeof(*btf_funcs));
	if (!funcs || !sorted || !btf_funcs)
		goto out;
	nfuncs = 0;
	for (line = strtok(avail, "\n"); line; line = strtok(NULL, "\n")) {
		/* Module functions are "name [module]": vmlinux only. */
		if (!strchr(line, ' '))
			funcs[nfuncs++].name = line;
	}
	memcpy(sorted, funcs, nfuncs * sizeof(*funcs));
	qsort(sorted, nfuncs, sizeof(*sorted), cmp_func);
	for (id = 1; id < types; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);

		if (btf_is_func(t)) {
			btf_funcs[nbtf].name = btf__name_by_offset(btf, t->name_off);
			btf_funcs[nbtf++].btf_id = id;
		}
	}
	qsort(btf_funcs, nbtf, sizeof(*btf_funcs), cmp_func);

	for (i = 0; i < nfuncs && loaded < many_funcs; i++) {
		LIBBPF_OPTS(bpf_prog_load_opts, opts,
			    .expected_attach_type = BPF_TRACE_FENTRY);
		const struct func *target;
		int fd;

		if (denied(funcs[i].name) || !unique_in(sorted, nfuncs, funcs[i].name))
			continue;
		target = unique_in(btf_funcs, nbtf, funcs[i].name);
		if (!target)
			continue;
		opts.attach_btf_id = target->btf_id;
		fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, NULL, "GPL", insns,
				   ARRAY_SIZE(insns), &opts);
		if (fd < 0) {
			/* The verifier's call: e.g. a prototype it cannot map. */
			rejected++;
			continue;
		}
		names[loaded] = strdup(funcs[i].name);
		if (!names[loaded]) {
			close(fd);
			break;
		}
		fds[loaded++] = fd;
	}
	ksft_print_msg("%zu traceable vmlinux functions, %zu in BTF, %d loaded, %d refused\n",
		       nfuncs, nbtf, loaded, rejected);
out:
	free(btf_funcs);
	free(sorted);
	free(funcs);
	free(avail);
	return loaded;
}

/*
 * many_funcs trampolines at once: every one attaches, enabled_functions
 * lists exactly that many direct calls (the module's dump as many direct
 * slots), and after the detach none of the functions is enabled.
 */
static int test_many(void)
{
	int fds[MANY_MAX], links[MANY_MAX], nprogs = 0, nlinks = 0, i;
	struct rlimit nofile = { 4 * MANY_MAX, 4 * MANY_MAX };
	char *names[MANY_MAX], *enabled = NULL;
	struct btf *btf = NULL;
	int ret = KSFT_FAIL, failed = 0, left;
	long long t;

	CHECK(!setrlimit(RLIMIT_NOFILE, &nofile), "RLIMIT_NOFILE: %s", strerror(errno));
	btf = btf__load_vmlinux_btf();
	CHECK(btf, "vmlinux BTF: %s", strerror(errno));
	t = now_us();
	nprogs = load_many(btf, fds, names);
	ksft_print_msg("load %d: %lld us\n", nprogs, now_us() - t);
	CHECK_EQ(nprogs, many_funcs);

	t = now_us();
	for (i = 0; i < nprogs; i++) {
		int fd = bpf_link_create(fds[i], 0, BPF_TRACE_FENTRY, NULL);

		if (fd < 0) {
			if (failed++ < 10)
				ksft_print_msg("attach %s: %s\n", names[i], strerror(errno));
			continue;
		}
		links[nlinks++] = fd;
	}
	ksft_print_msg("attach %d: %lld us\n", nlinks, now_us() - t);
	CHECK_EQ(failed, 0);
	CHECK_EQ(count_in_file(TRACING "/enabled_functions", "direct-->"), many_funcs);
	if (!access(CALLOPS_DUMP, R_OK))
		CHECK_EQ(count_in_file(CALLOPS_DUMP, " direct=bpf_trampoline_"), many_funcs);
	ret = KSFT_PASS;
out:
	t = now_us();
	for (i = 0; i < nlinks; i++)
		close(links[i]);
	if (nlinks)
		ksft_print_msg("detach %d: %lld us\n", nlinks, now_us() - t);
	for (i = 0; i < nprogs; i++)
		close(fds[i]);
	/* Trampolines go after an RCU grace period: give them a moment. */
	for (i = 0; i < 50; i++) {
		free(enabled);
		enabled = read_file(TRACING "/enabled_functions");
		if (!enabled || !count_substr(enabled, "direct-->"))
			break;
		usleep(100000);
	}
	for (i = 0, left = 0; i < nprogs; i++) {
		char line[512];

		find_line(enabled ? enabled : "", names[i], line, sizeof(line));
		if (line[0] && left++ < 10)
			ksft_print_msg("still enabled: %s\n", line);
		free(names[i]);
	}
	if (!enabled || left) {
		ksft_print_msg("%d of %d functions still enabled after detach\n", left, nprogs);
		ret = KSFT_FAIL;
	}
	free(enabled);
	btf__free(btf);
	return ret;
}

static const struct {
	const char *name;
	int (*run)(void);
} tests[] = {
	{ "fentry_test_run", test_fentry },
	{ "fexit_test_run", test_fexit },
	{ "fmod_ret_test_run", test_fmod_ret },
	{ "fentry_test_run_cost", test_run_cost },
	{ "fentry_fexit_sync", test_sync },
	{ "direct_then_list_then_direct", test_direct_and_list },
	{ "module_unload_reload", test_module_reload },
	{ "many_trampolines", test_many },
};

int main(int argc, char **argv)
{
	const char *only = NULL;
	size_t i, planned;
	int opt;

	/* Line by line: a crash must not swallow the results so far. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	libbpf_set_print(libbpf_print);
	while ((opt = getopt(argc, argv, "n:t:")) != -1) {
		if (opt == 't') {
			only = optarg;
			continue;
		}
		many_funcs = opt == 'n' ? atoi(optarg) : 0;
		if (many_funcs < 1 || many_funcs > MANY_MAX)
			ksft_exit_fail_msg("usage: %s [-n 1..%d] [-t TEST] [TESTMOD.ko]\n",
					   argv[0], MANY_MAX);
	}
	testmod_path = optind < argc ? argv[optind] : NULL;
	for (i = 0, planned = 0; i < ARRAY_SIZE(tests); i++)
		planned += !only || !strcmp(only, tests[i].name);
	if (!planned)
		ksft_exit_fail_msg("-t %s: no such test\n", only);
	ksft_print_header();
	ksft_set_plan(planned);
	for (i = 0; i < ARRAY_SIZE(tests); i++) {
		if (only && strcmp(only, tests[i].name))
			continue;
		if (access("/sys/kernel/btf/vmlinux", R_OK))
			ksft_test_result_skip("%s: no /sys/kernel/btf/vmlinux\n", tests[i].name);
		else
			ksft_test_result_code(tests[i].run(), tests[i].name, NULL);
	}
	ksft_finished();
}
