// SPDX-License-Identifier: GPL-2.0
/*
 * timed_write: write STRING to FILE with one write(2) and print how long
 * the system call took.  Under qemu -icount shift=0 one guest nanosecond
 * is one instruction: `make bench` times tracefs writes (switching the ops
 * of many call sites) with it.
 *
 *   timed_write FILE STRING
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long nsec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long start, end;
	ssize_t ret;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: timed_write FILE STRING\n");
		return 2;
	}
	fd = open(argv[1], O_WRONLY | O_TRUNC);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	start = nsec();
	ret = write(fd, argv[2], strlen(argv[2]));
	end = nsec();
	if (ret != (ssize_t)strlen(argv[2])) {
		perror("write");
		return 1;
	}
	close(fd);
	printf("timed_write: %ld ns\n", end - start);
	return 0;
}
