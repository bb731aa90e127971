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
 * functions, attach and detach timed (microseconds); a trampoline changed
 * under a call site; the ftrace-direct sample and BPF on the same function
 * and side by side; a tracing_multi link (one program on many functions:
 * cookies, function address, arguments, return value, session cookie) and
 * one on MANY functions, timed.  On the call ops kernel every BPF call site
 * is on ftrace's one direct ops, holds its own trampoline in its slot when
 * the callops module is loaded, and changing its trampoline writes no text
 * (the series' counters in riscv_callops/state).  -t runs one test (make
 * bench: -t many_trampolines).  Every count is exact.  Output is KTAP; a
 * missing feature is a skip.
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
#include <sys/utsname.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "cpu_instructions.h"

#include "kselftest.h"
#include "progs/multi.h"
#include "multi.skel.h"
#include "tramp.skel.h"
#include "testmod_hits.skel.h"
#include "wake_hits.skel.h"

#define TRACING		"/sys/kernel/tracing"
#define CALLOPS_DUMP	"/sys/kernel/debug/callops/dump"
#define CALLOPS_STATE	"/sys/kernel/debug/riscv_callops/state"
#define SAMPLE		"ftrace_direct"
#define SAMPLE_KO	"kernel/samples/ftrace/ftrace-direct.ko"
#define SAMPLE_FUNC	"wake_up_process"
#define BPF_JIT_ENABLE	"/proc/sys/net/core/bpf_jit_enable"
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

/* The call ops kernel of this series: its counters are in debugfs. */
static bool callops_kernel(void)
{
	return !access(CALLOPS_STATE, R_OK);
}

/* Call-site cost counters of the series (riscv_callops/state). */
struct site_costs {
	long long text;		/* jalr/nop words written */
	long long slots;	/* stores to per-call-site slots */
};

static long long callops_counter(const char *name)
{
	char key[64], line[128];
	long long v;

	snprintf(key, sizeof(key), "%s:", name);
	file_line(CALLOPS_STATE, key, line, sizeof(line));
	if (!line[0] || sscanf(line + strlen(key), "%lld", &v) != 1)
		return -1;
	return v;
}

static void read_costs(struct site_costs *c)
{
	c->text = callops_counter("site_text_writes");
	c->slots = callops_counter("slot_stores");
}

/*
 * Check what a change of call sites cost since @before: @text words
 * written, and @slots slot stores when the callops module gives the call
 * sites slots of their own (none are counted on the shared list slot).
 * Only on the call ops kernel: elsewhere there are no counters.
 */
static bool costs_are(const struct site_costs *before, long long text, long long slots,
		      const char *what)
{
	struct site_costs now;

	if (!callops_kernel())
		return true;
	read_costs(&now);
	if (access(CALLOPS_DUMP, R_OK))
		slots = 0;
	ksft_print_msg("%s: %lld text words, %lld slot stores; want %lld, %lld\n", what,
		       now.text - before->text, now.slots - before->slots, text, slots);
	return before->text >= 0 && now.text - before->text == text &&
	       now.slots - before->slots == slots;
}

/* The ops of an enabled_functions record ("... ops: OPS (FUNC) ..."), or "". */
static void record_ops(const char *line, char *ops, size_t size)
{
	const char *p = strstr(line, " ops: ");

	ops[0] = '\0';
	if (p)
		snprintf(ops, size, "%.*s", (int)strcspn(p + 6, " "), p + 6);
}

#define RECORD_LEN	512

struct named {
	const char *name;
	int i;
};

static int cmp_named(const void *a, const void *b)
{
	return strcmp(((const struct named *)a)->name, ((const struct named *)b)->name);
}

/*
 * The records of @text (a listing like find_line()'s) for each of the @n
 * functions @names, in one pass: element i of the result holds the record
 * of @names[i], or "" if there is none.  NULL if out of memory.
 */
static char (*records_of(const char *text, const char *const *names, int n))[RECORD_LEN]
{
	char (*records)[RECORD_LEN] = calloc(n ? n : 1, RECORD_LEN);
	struct named *sorted = calloc(n ? n : 1, sizeof(*sorted));
	const char *p = text;
	char name[256], *c;
	int i;

	if (!records || !sorted) {
		free(records);
		free(sorted);
		return NULL;
	}
	for (i = 0; i < n; i++)
		sorted[i] = (struct named){ names[i], i };
	qsort(sorted, n, sizeof(*sorted), cmp_named);
	while (*p) {
		const char *end = strchrnul(p, '\n');
		size_t len = strcspn(p, " \n");
		const struct named key = { name }, *found;

		snprintf(name, sizeof(name), "%.*s", (int)len, p);
		found = p[len] == ' ' ? bsearch(&key, sorted, n, sizeof(*sorted), cmp_named) : NULL;
		while (end[0] == '\n' && end[1] == '\t')
			end = strchrnul(end + 1, '\n');
		if (found) {
			c = records[found->i];
			snprintf(c, RECORD_LEN, "%.*s", (int)(end - p), p);
			while ((c = strpbrk(c, "\n\t")))
				*c = ' ';
		}
		p = *end ? end + 1 : end;
	}
	free(sorted);
	return records;
}

/*
 * The call sites of the @n functions @names each call a BPF trampoline of
 * their own, and nothing else: in enabled_functions one user and a direct
 * call, with the callops module a direct slot.  On the call ops kernel
 * every one is on the same ops, ftrace's one direct ops of all BPF
 * trampolines (HAVE_SINGLE_FTRACE_DIRECT_OPS; upstream riscv has one ops
 * per trampoline).
 */
static bool sites_on_trampolines(const char *const *names, int n)
{
	char *enabled = read_file(TRACING "/enabled_functions");
	char *dump = access(CALLOPS_DUMP, R_OK) ? NULL : read_file(CALLOPS_DUMP);
	char (*records)[RECORD_LEN] = enabled ? records_of(enabled, names, n) : NULL;
	char (*slots)[RECORD_LEN] = dump ? records_of(dump, names, n) : NULL;
	char ops[64], first_ops[64] = "";
	int i, bad = 0, other_ops = 0;
	bool ok = records && (!dump || slots);

	for (i = 0; ok && i < n; i++) {
		bool site_ok;

		site_ok = strstr(records[i], " (1) ") &&
			  strstr(records[i], " direct-->bpf_trampoline_");
		record_ops(records[i], ops, sizeof(ops));
		if (!i)
			snprintf(first_ops, sizeof(first_ops), "%s", ops);
		if (!ops[0] || strcmp(ops, first_ops))
			other_ops++;
		if (slots && !strstr(slots[i], " ops=- func=- direct=bpf_trampoline_")) {
			if (bad < 5)
				ksft_print_msg("slot: %s\n", slots[i][0] ? slots[i] : names[i]);
			site_ok = false;
		}
		if (!site_ok && bad++ < 5)
			ksft_print_msg("enabled: %s\n", records[i][0] ? records[i] : names[i]);
	}
	if (ok)
		ksft_print_msg("%d BPF call sites: %d not a direct call alone, %d not on the ops %s\n",
			       n, bad, other_ops, first_ops[0] ? first_ops : "(none)");
	free(records);
	free(slots);
	free(enabled);
	free(dump);
	if (!callops_kernel())
		other_ops = 0;
	return ok && !bad && !other_ops;
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
 * many_funcs are loaded; @fds gets them, @names their targets and @ids
 * the targets' BTF ids.
 */
static int load_many(struct btf *btf, int *fds, char **names, __u32 *ids)
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
		ids[loaded] = target->btf_id;
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
 * Wait until none of the @n functions @names has a direct call any more
 * (trampolines go after an RCU grace period); say which are left.
 */
static bool none_enabled(char *const *names, int n)
{
	char *enabled = NULL;
	int i, left;

	for (i = 0; i < 50; i++) {
		free(enabled);
		enabled = read_file(TRACING "/enabled_functions");
		if (!enabled || !count_substr(enabled, "direct-->"))
			break;
		usleep(100000);
	}
	for (i = 0, left = 0; i < n; i++) {
		char line[512];

		find_line(enabled ? enabled : "", names[i], line, sizeof(line));
		if (line[0] && left++ < 10)
			ksft_print_msg("still enabled: %s\n", line);
	}
	if (!enabled || left)
		ksft_print_msg("%d of %d functions still enabled after detach\n", left, n);
	free(enabled);
	return enabled && !left;
}

/*
 * many_funcs trampolines at once: every one attaches, each call site calls
 * its own trampoline (enabled_functions: exactly that many direct calls,
 * all on the one direct ops of the call ops kernel; the module's dump as
 * many direct slots), attaching and detaching cost one text word (and
 * with the module one slot store) per call site, and after the detach
 * none of the functions is enabled.
 */
static int test_many(void)
{
	int fds[MANY_MAX], links[MANY_MAX], nprogs = 0, nlinks = 0, i;
	struct rlimit nofile = { 4 * MANY_MAX, 4 * MANY_MAX };
	struct site_costs costs;
	char *names[MANY_MAX];
	__u32 ids[MANY_MAX];
	struct btf *btf = NULL;
	int ret = KSFT_FAIL, failed = 0;
	int counter = cpu_instructions_open();
	uint64_t retired;
	long long t;

	CHECK(!setrlimit(RLIMIT_NOFILE, &nofile), "RLIMIT_NOFILE: %s", strerror(errno));
	btf = btf__load_vmlinux_btf();
	CHECK(btf, "vmlinux BTF: %s", strerror(errno));
	t = now_us();
	nprogs = load_many(btf, fds, names, ids);
	ksft_print_msg("load %d: %lld us\n", nprogs, now_us() - t);
	CHECK_EQ(nprogs, many_funcs);
	CHECK(counter >= 0, "instruction counter (perf_event_open): %s", strerror(errno));

	read_costs(&costs);
	t = now_us();
	retired = cpu_instructions(counter);
	for (i = 0; i < nprogs; i++) {
		int fd = bpf_link_create(fds[i], 0, BPF_TRACE_FENTRY, NULL);

		if (fd < 0) {
			if (failed++ < 10)
				ksft_print_msg("attach %s: %s\n", names[i], strerror(errno));
			continue;
		}
		links[nlinks++] = fd;
	}
	retired = cpu_instructions(counter) - retired;
	ksft_print_msg("attach %d: %lld us, %llu instret\n", nlinks, now_us() - t,
		       (unsigned long long)retired);
	CHECK_EQ(failed, 0);
	CHECK(costs_are(&costs, nlinks, nlinks, "attach"), "attach: not one word per call site");
	CHECK_EQ(count_in_file(TRACING "/enabled_functions", "direct-->"), many_funcs);
	if (!access(CALLOPS_DUMP, R_OK))
		CHECK_EQ(count_in_file(CALLOPS_DUMP, " direct=bpf_trampoline_"), many_funcs);
	CHECK(sites_on_trampolines((const char *const *)names, nprogs),
	      "not every call site on its own trampoline through one direct ops");
	ret = KSFT_PASS;
out:
	read_costs(&costs);
	t = now_us();
	retired = counter >= 0 ? cpu_instructions(counter) : 0;
	for (i = 0; i < nlinks; i++)
		close(links[i]);
	if (nlinks) {
		retired = cpu_instructions(counter) - retired;
		ksft_print_msg("detach %d: %lld us, %llu instret\n", nlinks, now_us() - t,
			       (unsigned long long)retired);
	}
	for (i = 0; i < nprogs; i++)
		close(fds[i]);
	if (!none_enabled(names, nprogs))
		ret = KSFT_FAIL;
	else if (ret == KSFT_PASS && !costs_are(&costs, nlinks, nlinks, "detach"))
		ret = KSFT_FAIL;
	for (i = 0; i < nprogs; i++)
		free(names[i]);
	btf__free(btf);
	if (counter >= 0)
		close(counter);
	return ret;
}

/*
 * A new trampoline under a call site: fentry on ksys_sync, then fexit added
 * (BPF builds the trampoline anew with both), then fentry taken away.  Each
 * change retargets the call site (update_ftrace_direct_mod()): no text is
 * written, its slot is stored twice (the list ops while ftrace changes the
 * per-ip target, then the new trampoline), and the counts stay exact.  The
 * trampoline on bpf_fentry_test1 beside it is on the same direct ops.
 */
static int test_retarget(void)
{
	static const char *const funcs[] = { "ksys_sync", "bpf_fentry_test1" };
	struct tramp *skel = open_tramp();
	struct site_costs costs;
	int ret = KSFT_FAIL;

	CHECK(skel, "no skeleton");
	CHECK(attach(skel->progs.test1_entry, &skel->links.test1_entry), "attach");
	CHECK(attach(skel->progs.sync_entry, &skel->links.sync_entry), "attach");
	CHECK(sites_on_trampolines(funcs, 2), "fentry: not on one direct ops");
	do_syncs(SYNCS);
	CHECK_EQ(skel->bss->sync_entry_hits, SYNCS);

	read_costs(&costs);
	CHECK(attach(skel->progs.sync_exit, &skel->links.sync_exit), "attach");
	CHECK(costs_are(&costs, 0, 2, "fexit added"), "fexit added: not 2 slot stores alone");
	CHECK(sites_on_trampolines(funcs, 2), "fexit added: not on one direct ops");
	do_syncs(SYNCS);
	CHECK_EQ(skel->bss->sync_entry_hits, 2 * SYNCS);
	CHECK_EQ(skel->bss->sync_exit_hits, SYNCS);

	read_costs(&costs);
	bpf_link__destroy(skel->links.sync_entry);
	skel->links.sync_entry = NULL;
	CHECK(costs_are(&costs, 0, 2, "fentry removed"), "fentry removed: not 2 slot stores alone");
	CHECK(sites_on_trampolines(funcs, 2), "fentry removed: not on one direct ops");
	do_syncs(SYNCS);
	CHECK_EQ(skel->bss->sync_entry_hits, 2 * SYNCS);
	CHECK_EQ(skel->bss->sync_exit_hits, 2 * SYNCS);
	CHECK(test_run_all(skel->progs.test1_entry, RUNS), "test runs");
	CHECK_EQ(skel->bss->test1_entry_hits, RUNS);
	ret = KSFT_PASS;
out:
	tramp__destroy(skel);
	if (!gone_from_enabled("ksys_sync") || !gone_from_enabled("bpf_fentry_test1"))
		ret = KSFT_FAIL;
	return ret;
}

/* The ftrace-direct sample of the running kernel (it traces SAMPLE_FUNC). */
static int load_sample(void)
{
	char path[512];
	struct utsname u;

	if (uname(&u))
		return -1;
	snprintf(path, sizeof(path), "/lib/modules/%s/" SAMPLE_KO, u.release);
	return load_module(path);
}

#define WAKEUPS		20	/* sleeps, each woken by wake_up_process() */

static void sleep_wakeups(void)
{
	int i;

	for (i = 0; i < WAKEUPS; i++)
		usleep(1000);
}

/*
 * The sample's trace_printk lines ("waking up COMM-PID") for this process
 * while it sleeps WAKEUPS times: one per sleep.
 */
static int sample_wakeups(void)
{
	char comm[32] = "", needle[64];
	char *text = read_file("/proc/self/comm");

	if (text)
		snprintf(comm, sizeof(comm), "%.*s", (int)strcspn(text, "\n"), text);
	free(text);
	snprintf(needle, sizeof(needle), "waking up %s-%d\n", comm, getpid());
	if (write_file(TRACING "/trace", ""))
		return -1;
	sleep_wakeups();
	return count_in_file(TRACING "/trace", needle);
}

/*
 * wake_hits.bpf.c counted @want wakeups of this process.  Every wakeup in
 * the system runs the program: one that comes in an interrupt while the
 * program runs on that CPU is skipped by BPF's recursion check (and
 * counted in the program's recursion_misses), so a skipped one of ours
 * is not a lost call.
 */
static bool wake_hits_are(struct wake_hits *wake, __u64 want)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	__u64 hits = wake->bss->wake_hits;

	if (bpf_prog_get_info_by_fd(bpf_program__fd(wake->progs.wake_entry), &info, &len)) {
		ksft_print_msg("bpf_prog_get_info_by_fd: %s\n", strerror(errno));
		return false;
	}
	ksft_print_msg("wake_hits = %llu, want %llu (recursion misses of all wakeups: %llu)\n",
		       (unsigned long long)hits, (unsigned long long)want,
		       (unsigned long long)info.recursion_misses);
	return hits <= want && hits + info.recursion_misses >= want;
}

/* SAMPLE_FUNC's enabled_functions record names one user and @direct. */
static bool sample_site_is(const char *direct)
{
	char line[512], want[64];

	file_line(TRACING "/enabled_functions", SAMPLE_FUNC, line, sizeof(line));
	ksft_print_msg("enabled: %s\n", line);
	snprintf(want, sizeof(want), " direct-->%s", direct);
	return strstr(line, " (1) ") && strstr(line, want);
}

/*
 * The ftrace-direct sample (its own ops, a direct call on wake_up_process)
 * and BPF on the same function: ftrace takes one direct call per function,
 * so whichever comes second is refused with ftrace's errno (BPF through the
 * one direct ops: update_ftrace_direct_add() says EINVAL; BPF with an ops
 * of its own and the sample: register_ftrace_direct() says EBUSY), and the
 * first keeps counting every call.  Beside the sample, BPF on ksys_sync
 * counts exactly, each call site on its own trampoline.
 */
static int test_sample_and_bpf(void)
{
	static const char *const sync_func[] = { "ksys_sync" };
	struct wake_hits *wake = NULL;
	struct tramp *skel = NULL;
	struct bpf_link *link;
	bool sample = false;
	int ret = KSFT_FAIL, err;

	if (access(TRACING "/trace", W_OK)) {
		ksft_print_msg("no %s/trace\n", TRACING);
		return KSFT_SKIP;
	}
	wake = wake_hits__open_and_load();
	CHECK(wake, "wake_hits__open_and_load: %s", strerror(errno));
	wake->bss->test_tgid = getpid();

	/* The sample first: BPF is refused, the sample keeps counting. */
	CHECK(!load_sample(), "insmod %s: %s", SAMPLE_KO, strerror(errno));
	sample = true;
	CHECK(sample_site_is("my_tramp"), "sample: not a direct call");
	CHECK_EQ(sample_wakeups(), WAKEUPS);
	link = bpf_program__attach(wake->progs.wake_entry);
	err = link ? 0 : errno;
	bpf_link__destroy(link);
	ksft_print_msg("BPF on %s after the sample: %s\n", SAMPLE_FUNC,
		       err ? strerror(err) : "attached");
	CHECK_EQ(err, callops_kernel() ? EINVAL : EBUSY);
	CHECK(sample_site_is("my_tramp"), "sample: not a direct call after the refusal");
	CHECK_EQ(sample_wakeups(), WAKEUPS);
	CHECK_EQ(wake->bss->wake_hits, 0);

	/* BPF on another function, beside the sample. */
	skel = open_tramp();
	CHECK(skel, "no skeleton");
	CHECK(attach(skel->progs.sync_entry, &skel->links.sync_entry), "attach");
	CHECK(sites_on_trampolines(sync_func, 1), "BPF beside the sample: not a direct call");
	do_syncs(SYNCS);
	CHECK_EQ(skel->bss->sync_entry_hits, SYNCS);
	CHECK_EQ(sample_wakeups(), WAKEUPS);
	tramp__destroy(skel);
	skel = NULL;

	CHECK(!unload_module(SAMPLE), "rmmod %s: %s", SAMPLE, strerror(errno));
	sample = false;
	CHECK(gone_from_enabled(SAMPLE_FUNC), "sample gone: still enabled");

	/* BPF first: the sample is refused, BPF keeps counting. */
	link = bpf_program__attach(wake->progs.wake_entry);
	CHECK(link, "attach %s: %s", SAMPLE_FUNC, strerror(errno));
	wake->links.wake_entry = link;
	sleep_wakeups();
	CHECK(wake_hits_are(wake, WAKEUPS), "BPF: wakeups lost");
	err = load_sample() ? errno : 0;
	if (!err) {
		sample = true;
		CHECK(0, "the sample loaded over BPF's direct call");
	}
	ksft_print_msg("the sample after BPF on %s: %s\n", SAMPLE_FUNC, strerror(err));
	CHECK_EQ(err, EBUSY);
	CHECK(sample_site_is("bpf_trampoline_"), "BPF: not a direct call after the refusal");
	sleep_wakeups();
	CHECK(wake_hits_are(wake, 2 * WAKEUPS), "BPF: wakeups lost after the refusal");
	ret = KSFT_PASS;
out:
	tramp__destroy(skel);
	wake_hits__destroy(wake);
	if (sample && unload_module(SAMPLE)) {
		ksft_print_msg("rmmod %s: %s\n", SAMPLE, strerror(errno));
		ret = KSFT_FAIL;
	}
	if (!gone_from_enabled(SAMPLE_FUNC) || !gone_from_enabled("ksys_sync"))
		ret = KSFT_FAIL;
	return ret;
}

/* One tracing_multi link: @prog_fd on the BTF functions @ids, one cookie each. */
static int tracing_multi_link(int prog_fd, enum bpf_attach_type type, const __u32 *ids,
			      const __u64 *cookies, __u32 cnt)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = prog_fd;
	attr.link_create.attach_type = type;
	attr.link_create.tracing_multi.ids = (unsigned long)ids;
	attr.link_create.tracing_multi.cookies = (unsigned long)cookies;
	attr.link_create.tracing_multi.cnt = cnt;
	return syscall(__NR_bpf, BPF_LINK_CREATE, &attr, sizeof(attr));
}

/* The address of the vmlinux function @name in /proc/kallsyms, or 0. */
static unsigned long long kallsyms_addr(const char *name)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	unsigned long long addr, found = 0;
	char sym[256], type;

	while (f && fscanf(f, "%llx %c %255s%*[^\n]", &addr, &type, sym) == 3) {
		if (!strcmp(sym, name)) {
			found = addr;
			break;
		}
	}
	if (f)
		fclose(f);
	return found;
}

/*
 * What BPF_PROG_TEST_RUN of a tracing program passes bpf_fentry_test<N>()
 * (N = 1..6: integer arguments) and gets back: the argument count, the sum
 * of the arguments, the return value.
 */
static const struct {
	const char *name;
	__u64 nr_args, arg_sum, ret;
} multi_funcs[] = {
	{ "bpf_fentry_test1", 1, 1, 2 },
	{ "bpf_fentry_test2", 2, 5, 5 },
	{ "bpf_fentry_test3", 3, 15, 15 },
	{ "bpf_fentry_test4", 4, 34, 34 },
	{ "bpf_fentry_test5", 5, 65, 65 },
	{ "bpf_fentry_test6", 6, 111, 111 },
};
#define MULTI_FUNCS	ARRAY_SIZE(multi_funcs)

/* A record of multi.bpf.c: @runs calls of function @i, each seen as it was. */
static bool multi_call_is(const struct multi_call *call, size_t i, unsigned long long ip,
			  bool exit, int runs, const char *what)
{
	ksft_print_msg("%s %s: hits %llu ip %#llx args %llu sum %llu ret %llu session %llu\n",
		       what, multi_funcs[i].name, call->hits, call->ip, call->nr_args,
		       call->arg_sum, call->ret, call->session_ok);
	return call->hits == runs && call->ip == ip &&
	       call->nr_args == multi_funcs[i].nr_args &&
	       call->arg_sum == multi_funcs[i].arg_sum &&
	       call->ret == (exit ? multi_funcs[i].ret : 0);
}

/*
 * tracing_multi: an fentry, an fexit and a session program, each linked to
 * bpf_fentry_test1..6 by one link with cookies 1..6.  Every call reaches
 * its program with its own cookie, the traced function's address, its
 * arguments (count and values) and, on return, its return value; the
 * session cookie written on entry is there on return.  Each call site
 * calls its own trampoline through the one direct ops.  A kernel without
 * single direct ops (upstream riscv) cannot make the link: a skip, except
 * on the call ops kernel.
 */
static int test_multi(void)
{
	static const struct {
		const char *sec;
		enum bpf_attach_type type;
	} secs[] = {
		{ "fentry.multi", BPF_TRACE_FENTRY_MULTI },
		{ "fexit.multi", BPF_TRACE_FEXIT_MULTI },
		{ "fsession.multi", BPF_TRACE_FSESSION_MULTI },
	};
	int handlers[ARRAY_SIZE(secs)] = {}, links[ARRAY_SIZE(secs)], nlinks = 0;
	struct bpf_program *progs[ARRAY_SIZE(secs)];
	int ret = KSFT_FAIL, i;
	char *jit = NULL;
	unsigned long long addrs[MULTI_FUNCS];
	const char *names[MULTI_FUNCS];
	__u64 cookies[MULTI_FUNCS];
	__u32 ids[MULTI_FUNCS];
	struct multi *skel = NULL;
	struct btf *btf;

	_Static_assert(ARRAY_SIZE(multi_funcs) == MULTI_MAX, "multi.h: one record per function");
	btf = btf__load_vmlinux_btf();
	CHECK(btf, "vmlinux BTF: %s", strerror(errno));
	for (i = 0; i < MULTI_FUNCS; i++) {
		int id = btf__find_by_name_kind(btf, multi_funcs[i].name, BTF_KIND_FUNC);

		CHECK(id > 0, "%s: not in BTF", multi_funcs[i].name);
		ids[i] = id;
		cookies[i] = i + 1;
		names[i] = multi_funcs[i].name;
		addrs[i] = kallsyms_addr(names[i]);
		CHECK(addrs[i], "%s: not in /proc/kallsyms", names[i]);
	}
	/*
	 * The session program calls kfuncs, which need the JIT; this kernel
	 * (riscv has no ARCH_WANT_DEFAULT_BPF_JIT) interprets programs unless
	 * told otherwise.  Only these programs are JITed: restored below.
	 */
	jit = read_file(BPF_JIT_ENABLE);
	CHECK(jit && !write_file(BPF_JIT_ENABLE, "1"), "%s: %s", BPF_JIT_ENABLE, strerror(errno));
	/* libbpf 1.7 knows no tracing_multi sections: handlers of our own. */
	for (i = 0; i < ARRAY_SIZE(secs); i++) {
		handlers[i] = libbpf_register_prog_handler(secs[i].sec, BPF_PROG_TYPE_TRACING,
							   secs[i].type, NULL);
		CHECK(handlers[i] > 0, "section handler %s: %d", secs[i].sec, handlers[i]);
	}
	skel = multi__open_and_load();
	CHECK(skel, "multi__open_and_load: %s", strerror(errno));
	CHECK(!write_file(BPF_JIT_ENABLE, jit), "%s: %s", BPF_JIT_ENABLE, strerror(errno));
	free(jit);
	jit = NULL;
	skel->bss->test_tgid = getpid();
	progs[0] = skel->progs.multi_entry;
	progs[1] = skel->progs.multi_exit;
	progs[2] = skel->progs.multi_session;

	for (i = 0; i < ARRAY_SIZE(secs); i++) {
		int fd = tracing_multi_link(bpf_program__fd(progs[i]), secs[i].type, ids, cookies,
					    MULTI_FUNCS);

		if (fd < 0 && errno == EOPNOTSUPP && !callops_kernel()) {
			ksft_print_msg("no tracing_multi links (no single direct ops)\n");
			ret = KSFT_SKIP;
			goto out;
		}
		CHECK(fd >= 0, "tracing_multi link of %s: %s", bpf_program__name(progs[i]),
		      strerror(errno));
		links[nlinks++] = fd;
	}
	CHECK(sites_on_trampolines(names, MULTI_FUNCS), "not each on its own trampoline");
	CHECK(test_run_all(skel->progs.multi_entry, RUNS), "test runs");
	for (i = 0; i < MULTI_FUNCS; i++) {
		CHECK(multi_call_is(&skel->bss->entry_calls[i], i, addrs[i], false, RUNS,
				    "fentry"), "fentry");
		CHECK(multi_call_is(&skel->bss->exit_calls[i], i, addrs[i], true, RUNS,
				    "fexit"), "fexit");
		CHECK(multi_call_is(&skel->bss->session_entry[i], i, addrs[i], false, RUNS,
				    "session entry"), "session entry");
		CHECK(multi_call_is(&skel->bss->session_exit[i], i, addrs[i], true, RUNS,
				    "session return"), "session return");
		CHECK_EQ(skel->bss->session_exit[i].session_ok, RUNS);
	}
	CHECK_EQ(skel->bss->bad_cookie, 0);
	ret = KSFT_PASS;
out:
	for (i = 0; i < nlinks; i++)
		close(links[i]);
	multi__destroy(skel);
	for (i = 0; i < ARRAY_SIZE(secs); i++)
		if (handlers[i] > 0)
			libbpf_unregister_prog_handler(handlers[i]);
	if (jit && write_file(BPF_JIT_ENABLE, jit)) {
		ksft_print_msg("%s: not restored: %s\n", BPF_JIT_ENABLE, strerror(errno));
		ret = KSFT_FAIL;
	}
	free(jit);
	btf__free(btf);
	if (nlinks && !none_enabled((char *const *)names, MULTI_FUNCS))
		ret = KSFT_FAIL;
	return ret;
}

/*
 * One tracing_multi link with a "return 0" program on the many_funcs
 * functions of many_trampolines: attach and detach timed, each call site
 * on its own trampoline through the one direct ops, one text word (and
 * with the module one slot store) per call site each way.
 */
static int test_many_multi(void)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = BPF_TRACE_FENTRY_MULTI);
	int fds[MANY_MAX], nprogs = 0, prog = -1, link = -1, i;
	struct rlimit nofile = { 4 * MANY_MAX, 4 * MANY_MAX };
	int ret = KSFT_FAIL;
	struct site_costs costs;
	char *names[MANY_MAX];
	__u32 ids[MANY_MAX];
	struct btf *btf = NULL;
	int counter = cpu_instructions_open();
	uint64_t retired;
	long long t;

	CHECK(!setrlimit(RLIMIT_NOFILE, &nofile), "RLIMIT_NOFILE: %s", strerror(errno));
	btf = btf__load_vmlinux_btf();
	CHECK(btf, "vmlinux BTF: %s", strerror(errno));
	/* The functions single fentry programs load for. */
	nprogs = load_many(btf, fds, names, ids);
	for (i = 0; i < nprogs; i++)
		close(fds[i]);
	CHECK_EQ(nprogs, many_funcs);
	prog = bpf_prog_load(BPF_PROG_TYPE_TRACING, NULL, "GPL", insns, ARRAY_SIZE(insns),
			     &opts);
	CHECK(prog >= 0, "load fentry.multi: %s", strerror(errno));
	CHECK(counter >= 0, "instruction counter (perf_event_open): %s", strerror(errno));

	read_costs(&costs);
	t = now_us();
	retired = cpu_instructions(counter);
	link = tracing_multi_link(prog, BPF_TRACE_FENTRY_MULTI, ids, NULL, nprogs);
	retired = cpu_instructions(counter) - retired;
	if (link < 0 && errno == EOPNOTSUPP && !callops_kernel()) {
		ksft_print_msg("no tracing_multi links (no single direct ops)\n");
		ret = KSFT_SKIP;
		goto out;
	}
	CHECK(link >= 0, "tracing_multi link on %d functions: %s", nprogs, strerror(errno));
	ksft_print_msg("multi attach %d: %lld us, %llu instret\n", nprogs, now_us() - t,
		       (unsigned long long)retired);
	CHECK(costs_are(&costs, nprogs, nprogs, "multi attach"), "attach: not one word per call site");
	CHECK_EQ(count_in_file(TRACING "/enabled_functions", "direct-->"), nprogs);
	CHECK(sites_on_trampolines((const char *const *)names, nprogs),
	      "not every call site on its own trampoline through one direct ops");
	ret = KSFT_PASS;
out:
	if (link >= 0) {
		read_costs(&costs);
		t = now_us();
		retired = cpu_instructions(counter);
		close(link);
		retired = cpu_instructions(counter) - retired;
		ksft_print_msg("multi detach %d: %lld us, %llu instret\n", nprogs, now_us() - t,
			       (unsigned long long)retired);
		if (!none_enabled(names, nprogs))
			ret = KSFT_FAIL;
		else if (ret == KSFT_PASS && !costs_are(&costs, nprogs, nprogs, "multi detach"))
			ret = KSFT_FAIL;
	}
	if (prog >= 0)
		close(prog);
	for (i = 0; i < nprogs; i++)
		free(names[i]);
	btf__free(btf);
	if (counter >= 0)
		close(counter);
	return ret;
}

/* An empty tracing program (returns 0) of @type for the BTF function @btf_id. */
static int load_empty(enum bpf_attach_type type, __u32 btf_id)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = type,
		    .attach_btf_id = btf_id);

	return bpf_prog_load(BPF_PROG_TYPE_TRACING, NULL, "GPL", insns, ARRAY_SIZE(insns),
			     &opts);
}

/* The mean cost of one sync() call over SYNC_COST_CALLS calls, printed as WHAT. */
#define SYNC_COST_CALLS	2000
static void time_syncs(const char *what)
{
	long long start = now_ns();

	do_syncs(SYNC_COST_CALLS);
	ksft_print_msg("sync %s: %lld ns/call\n", what, (now_ns() - start) / SYNC_COST_CALLS);
}

/*
 * LINK is the only user of ksys_sync's call site, a direct call: time
 * sync() as WHAT, close LINK and see the call site go.  True if all held.
 */
static bool time_link_alone(int link, const char *what)
{
	bool ok = false;
	char line[512];

	file_line(TRACING "/enabled_functions", "ksys_sync", line, sizeof(line));
	CHECK(strstr(line, " (1) ") && strstr(line, "direct-->"), "ksys_sync: %s", line);
	time_syncs(what);
	close(link);
	link = -1;
	CHECK(gone_from_enabled("ksys_sync"), "ksys_sync still enabled after the %s link", what);
	ok = true;
out:
	if (link >= 0)
		close(link);
	return ok;
}

/*
 * What an empty fentry program on ksys_sync adds to a sync() call, through
 * a single fentry link and through a tracing_multi link: "sync none|fentry|
 * multi: N ns/call" (instructions under -icount shift=0), each link alone on
 * ksys_sync's call site, a direct call with one user (its own trampoline
 * through the one direct ops on the call ops kernel), and nothing left after
 * each detach.  A kernel without tracing_multi links prints no multi line:
 * a skip, except on the call ops kernel.
 */
static int test_sync_link_cost(void)
{
	int single = -1, multi = -1, link = -1, ret = KSFT_FAIL;
	struct btf *btf = btf__load_vmlinux_btf();
	bool alone;
	__s32 id;

	CHECK(btf, "vmlinux BTF: %s", strerror(errno));
	id = btf__find_by_name_kind(btf, "ksys_sync", BTF_KIND_FUNC);
	CHECK(id > 0, "ksys_sync not in the BTF");
	single = load_empty(BPF_TRACE_FENTRY, id);
	CHECK(single >= 0, "load fentry: %s", strerror(errno));
	time_syncs("none");

	link = bpf_link_create(single, 0, BPF_TRACE_FENTRY, NULL);
	CHECK(link >= 0, "fentry link on ksys_sync: %s", strerror(errno));
	alone = time_link_alone(link, "fentry");
	link = -1;
	CHECK(alone, "the fentry link");

	multi = load_empty(BPF_TRACE_FENTRY_MULTI, 0);
	CHECK(multi >= 0, "load fentry.multi: %s", strerror(errno));
	link = tracing_multi_link(multi, BPF_TRACE_FENTRY_MULTI, (__u32 *)&id, NULL, 1);
	if (link < 0 && errno == EOPNOTSUPP && !callops_kernel()) {
		ksft_print_msg("no tracing_multi links (no single direct ops)\n");
		ret = KSFT_SKIP;
		goto out;
	}
	CHECK(link >= 0, "tracing_multi link on ksys_sync: %s", strerror(errno));
	alone = time_link_alone(link, "multi");
	link = -1;
	CHECK(alone, "the multi link");
	ret = KSFT_PASS;
out:
	if (link >= 0)
		close(link);
	if (multi >= 0)
		close(multi);
	if (single >= 0)
		close(single);
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
	{ "retarget_is_slot_store", test_retarget },
	{ "direct_sample_and_bpf", test_sample_and_bpf },
	{ "tracing_multi", test_multi },
	{ "tracing_multi_many", test_many_multi },
	{ "sync_link_cost", test_sync_link_cost },
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
