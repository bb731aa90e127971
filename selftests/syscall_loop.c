// SPDX-License-Identifier: GPL-2.0
/*
 * syscall_loop: make each named system call COUNT times, in order, and
 * print the mean time per call.  Under qemu -icount shift=0 one guest
 * nanosecond is one instruction, so the figure is instructions per call.
 * One process for several loops keeps tracing tests free of shell noise.
 * "fault" is no system call: it touches COUNT fresh anonymous pages, one
 * page fault (one handle_mm_fault() call) each.  "readers" makes no call
 * either: it waits until trace-cmd's readers of COUNT trace buffers (one per
 * CPU and buffer) have opened them (see wait_readers()).
 *
 *   syscall_loop sync|getppid|fault|readers COUNT [... COUNT]...
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>

static long nsec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

/*
 * Touch count fresh pages, twice: the first pass takes pages the kernel has
 * not handed out before (buddy splits, page tables), so only the second,
 * with pages recycled from the first, is timed.  Mapping and unmapping are
 * untimed.
 */
static long fault_loop(long count)
{
	long page = sysconf(_SC_PAGESIZE), i, pass, start = 0, end = 0;
	volatile char *mem;

	for (pass = 0; pass < 2; pass++) {
		mem = mmap(NULL, count * page, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (mem == MAP_FAILED) {
			perror("syscall_loop: mmap");
			exit(1);
		}
		start = nsec();
		for (i = 0; i < count; i++)
			mem[i * page] = 1;
		end = nsec();
		munmap((void *)mem, count * page);
	}
	return end - start;
}

static long syscall_loop(long nr, long count)
{
	long i, start = nsec();

	for (i = 0; i < count; i++)
		syscall(nr);
	return nsec() - start;
}

/* Open trace_pipe_raw files of all processes. */
static long open_readers(void)
{
	char path[PATH_MAX], target[PATH_MAX];
	struct dirent *proc, *fd;
	DIR *procs, *fds;
	long readers = 0;
	ssize_t len;

	procs = opendir("/proc");
	if (!procs)
		return -1;
	while ((proc = readdir(procs))) {
		if (proc->d_name[0] < '0' || proc->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fd", proc->d_name);
		fds = opendir(path);
		if (!fds)
			continue;
		while ((fd = readdir(fds))) {
			snprintf(path, sizeof(path), "/proc/%s/fd/%s",
				 proc->d_name, fd->d_name);
			len = readlink(path, target, sizeof(target) - 1);
			if (len < 0)
				continue;
			target[len] = 0;
			if (strstr(target, "/trace_pipe_raw"))
				readers++;
		}
		closedir(fds);
	}
	closedir(procs);
	return readers;
}

/*
 * trace-cmd record forks one reader per CPU and buffer and runs the command
 * without waiting for them; a reader told to stop before it has opened its
 * buffer exits without flushing it, and a short command's events are lost
 * (Documentation/testing.md).  Run as trace-cmd's command, wait until the
 * readers of @buffers buffers are open, for up to 60 seconds.  trace-cmd
 * starts a reader for each configured CPU.
 */
static long wait_readers(long buffers)
{
	long start = nsec(), readers;
	long count = buffers * sysconf(_SC_NPROCESSORS_CONF);

	while ((readers = open_readers()) < count) {
		if (nsec() - start > 60000000000L) {
			fprintf(stderr, "syscall_loop: %ld of %ld trace_pipe_raw readers after 60 s\n",
				readers, count);
			exit(1);
		}
		usleep(10000);
	}
	return nsec() - start;
}

static int loop(const char *name, const char *count_arg)
{
	long count, elapsed;
	char *endp;

	count = strtol(count_arg, &endp, 10);
	if (*endp || count <= 0)
		return -1;
	if (!strcmp(name, "readers")) {
		printf("syscall_loop: trace_pipe_raw readers of %ld buffer(s) open after %ld us\n",
		       count, wait_readers(count) / 1000);
		return 0;
	}
	if (!strcmp(name, "sync"))
		elapsed = syscall_loop(SYS_sync, count);
	else if (!strcmp(name, "getppid"))
		elapsed = syscall_loop(SYS_getppid, count);
	else if (!strcmp(name, "fault"))
		elapsed = fault_loop(count);
	else
		return -1;
	printf("syscall_loop: %s x %ld: %ld ns/call\n", name, count,
	       elapsed / count);
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
	fprintf(stderr, "usage: syscall_loop sync|getppid|fault|readers COUNT [... COUNT]...\n");
	return 2;
}
