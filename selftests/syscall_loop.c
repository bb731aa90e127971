// SPDX-License-Identifier: GPL-2.0
/*
 * syscall_loop: make each named system call COUNT times, in order, and
 * print the mean time per call.  Under qemu -icount shift=0 one guest
 * nanosecond is one instruction, so the figure is instructions per call.
 * One process for several loops keeps tracing tests free of shell noise.
 *
 *   syscall_loop sync|getppid COUNT [sync|getppid COUNT]...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

static long nsec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

static int loop(const char *name, const char *count_arg)
{
	long nr, count, i, start, end;
	char *endp;

	if (!strcmp(name, "sync"))
		nr = SYS_sync;
	else if (!strcmp(name, "getppid"))
		nr = SYS_getppid;
	else
		return -1;
	count = strtol(count_arg, &endp, 10);
	if (*endp || count <= 0)
		return -1;

	start = nsec();
	for (i = 0; i < count; i++)
		syscall(nr);
	end = nsec();
	printf("syscall_loop: %s x %ld: %ld ns/call\n", name, count,
	       (end - start) / count);
	return 0;
}

int main(int argc, char **argv)
{
	int i;

	if (argc < 3 || argc % 2 != 1)
		goto usage;
	for (i = 1; i < argc; i += 2)
		if (loop(argv[i], argv[i + 1]))
			goto usage;
	return 0;
usage:
	fprintf(stderr, "usage: syscall_loop sync|getppid COUNT [sync|getppid COUNT]...\n");
	return 2;
}
