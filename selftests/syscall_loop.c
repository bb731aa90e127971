// SPDX-License-Identifier: GPL-2.0
/*
 * syscall_loop: make one system call COUNT times and print the mean time
 * per call.  Under qemu -icount shift=0 one guest nanosecond is one
 * instruction, so the figure is instructions per call.
 *
 *   syscall_loop sync|getppid COUNT
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

int main(int argc, char **argv)
{
	long nr, count, i, start, end;
	char *endp;

	if (argc != 3)
		goto usage;
	if (!strcmp(argv[1], "sync"))
		nr = SYS_sync;
	else if (!strcmp(argv[1], "getppid"))
		nr = SYS_getppid;
	else
		goto usage;
	count = strtol(argv[2], &endp, 10);
	if (*endp || count <= 0)
		goto usage;

	start = nsec();
	for (i = 0; i < count; i++)
		syscall(nr);
	end = nsec();
	printf("syscall_loop: %s x %ld: %ld ns/call\n", argv[1], count,
	       (end - start) / count);
	return 0;
usage:
	fprintf(stderr, "usage: syscall_loop sync|getppid COUNT\n");
	return 2;
}
