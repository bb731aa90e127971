// SPDX-License-Identifier: GPL-2.0
/*
 * timed_syscall: make one system call and print what it took, as guest
 * time and as instructions retired on CPU 0:
 *
 *   timed_syscall write FILE STRING    write(2) STRING to FILE
 *   timed_syscall insmod MODULE.ko     finit_module(2), no parameters
 *   timed_syscall rmmod NAME           delete_module(2)
 *
 * prints "timed_syscall: N ns, M instret": M instructions retired on CPU 0
 * (cpu_instructions.h); under qemu -icount shift=0,sleep=off with one
 * vCPU, the work the call caused, its kernel threads' included, and N is M
 * plus the idle time it waited through (grace periods), which sleep=off
 * skips through as guest time.
 * make bench reports both for tracefs writes that switch the ops of many
 * call sites, and for loading and unloading the call ops provider.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "cpu_instructions.h"

static long nsec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

static int usage(void)
{
	fprintf(stderr, "usage: timed_syscall write FILE STRING | insmod MODULE.ko | rmmod NAME\n");
	return 2;
}

int main(int argc, char **argv)
{
	uint64_t i_start, i_end;
	long start, end, ret;
	int fd = -1, counter;

	if (argc < 3)
		return usage();
	if (!strcmp(argv[1], "write") && argc == 4)
		fd = open(argv[2], O_WRONLY | O_TRUNC);
	else if (!strcmp(argv[1], "insmod") && argc == 3)
		fd = open(argv[2], O_RDONLY | O_CLOEXEC);
	else if (strcmp(argv[1], "rmmod") || argc != 3)
		return usage();
	if (strcmp(argv[1], "rmmod") && fd < 0) {
		perror(argv[2]);
		return 1;
	}
	counter = cpu_instructions_open();
	if (counter < 0) {
		perror("perf_event_open: hardware instructions on CPU 0");
		return 1;
	}

	start = nsec();
	i_start = cpu_instructions(counter);
	if (!strcmp(argv[1], "write"))
		ret = write(fd, argv[3], strlen(argv[3])) == (ssize_t)strlen(argv[3]) ? 0 : -1;
	else if (!strcmp(argv[1], "insmod"))
		ret = syscall(SYS_finit_module, fd, "", 0);
	else
		ret = syscall(SYS_delete_module, argv[2], O_NONBLOCK);
	i_end = cpu_instructions(counter);
	end = nsec();
	if (!i_start || !i_end) {
		perror("reading the instruction counter");
		return 1;
	}
	if (ret) {
		fprintf(stderr, "timed_syscall %s %s: %s\n", argv[1], argv[2], strerror(errno));
		return 1;
	}
	if (fd >= 0)
		close(fd);
	printf("timed_syscall: %ld ns, %llu instret\n", end - start,
	       (unsigned long long)(i_end - i_start));
	return 0;
}
