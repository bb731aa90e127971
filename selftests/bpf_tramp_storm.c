// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_tramp_storm: attach and detach fentry and fexit on ksys_sync() from
 * two threads, CYCLES times each, while two other threads keep calling
 * sync().  Meant for several CPUs: make check runs it with 4 vCPUs.
 * Every attach and detach must succeed, the hits can only be calls that
 * were made, and afterwards one more attach counts exactly; the host
 * checks the console for WARNs and oopses.
 *
 *   bpf_tramp_storm [CYCLES]
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "kselftest.h"
#include "tramp.skel.h"

#define SYNCS		1000	/* sync() calls for the final exact count */
#define PROGRESS	25	/* cycles between progress lines */

static struct tramp *skel;
static int cycles = 25;
static atomic_int attachers_running;
static atomic_long calls, errors;

/* libbpf's warnings as KTAP diagnostics, in order with the results. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	printf("# libbpf: ");
	return vprintf(fmt, args);
}

static void *attacher(void *arg)
{
	struct bpf_program *prog = arg;
	int i;

	for (i = 0; i < cycles; i++) {
		struct bpf_link *link = bpf_program__attach(prog);

		if (!link) {
			if (atomic_fetch_add(&errors, 1) < 10)
				ksft_print_msg("attach %s, cycle %d: %s\n",
					       bpf_program__name(prog), i, strerror(errno));
			continue;
		}
		if (bpf_link__destroy(link) && atomic_fetch_add(&errors, 1) < 10)
			ksft_print_msg("detach %s, cycle %d: %s\n",
				       bpf_program__name(prog), i, strerror(errno));
		if ((i + 1) % PROGRESS == 0)
			ksft_print_msg("%s: %d cycles, %ld sync() calls so far\n",
				       bpf_program__name(prog), i + 1, atomic_load(&calls));
	}
	atomic_fetch_sub(&attachers_running, 1);
	return NULL;
}

static void *caller(void *arg)
{
	while (atomic_load(&attachers_running)) {
		sync();
		atomic_fetch_add(&calls, 1);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct bpf_program *progs[2];
	pthread_t threads[4];
	__u64 fentry, fexit;
	int i;

	/* Line by line: a crash must not swallow the results so far. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	libbpf_set_print(libbpf_print);
	if (argc > 1)
		cycles = atoi(argv[1]);
	ksft_print_header();
	ksft_set_plan(3);
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		for (i = 0; i < 3; i++)
			ksft_test_result_skip("no /sys/kernel/btf/vmlinux\n");
		ksft_finished();
	}
	skel = tramp__open_and_load();
	if (!skel)
		ksft_exit_fail_msg("fentry/fexit on ksys_sync: %s\n", strerror(errno));
	skel->bss->test_tgid = getpid();
	ksft_print_msg("%ld CPUs, %d attach/detach cycles per program\n",
		       sysconf(_SC_NPROCESSORS_ONLN), cycles);

	progs[0] = skel->progs.sync_entry;
	progs[1] = skel->progs.sync_exit;
	atomic_store(&attachers_running, 2);
	for (i = 0; i < 4; i++)
		if (pthread_create(&threads[i], NULL, i < 2 ? attacher : caller,
				   i < 2 ? (void *)progs[i] : NULL))
			ksft_exit_fail_msg("pthread_create: %s\n", strerror(errno));
	for (i = 0; i < 4; i++)
		pthread_join(threads[i], NULL);
	fentry = skel->bss->sync_entry_hits;
	fexit = skel->bss->sync_exit_hits;
	ksft_print_msg("%ld sync() calls, %llu fentry and %llu fexit hits, %ld errors\n",
		       atomic_load(&calls), fentry, fexit, atomic_load(&errors));
	ksft_test_result(!atomic_load(&errors), "attach_detach_storm\n");
	ksft_test_result(fentry <= atomic_load(&calls) && fexit <= atomic_load(&calls),
			 "hits_within_calls\n");

	skel->links.sync_entry = bpf_program__attach(skel->progs.sync_entry);
	skel->links.sync_exit = bpf_program__attach(skel->progs.sync_exit);
	if (!skel->links.sync_entry || !skel->links.sync_exit)
		ksft_exit_fail_msg("attach after the storm: %s\n", strerror(errno));
	for (i = 0; i < SYNCS; i++)
		sync();
	ksft_print_msg("after the storm: %d sync() calls, %llu fentry and %llu fexit hits\n",
		       SYNCS, skel->bss->sync_entry_hits - fentry,
		       skel->bss->sync_exit_hits - fexit);
	ksft_test_result(skel->bss->sync_entry_hits - fentry == SYNCS &&
			 skel->bss->sync_exit_hits - fexit == SYNCS, "exact_after_storm\n");
	tramp__destroy(skel);
	ksft_finished();
}
