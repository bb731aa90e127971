/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The instructions CPU 0 retires, every task and mode: a perf counter of
 * PERF_COUNT_HW_INSTRUCTIONS (riscv's SBI PMU counts instret, which QEMU
 * derives from its instruction count).  Under qemu -icount sleep=off with
 * one vCPU the difference of two reads is the work done between them,
 * kernel threads' included, without the idle time the guest waited
 * through (RCU grace periods), which guest time includes.
 */
#ifndef CALLOPS_CPU_INSTRUCTIONS_H
#define CALLOPS_CPU_INSTRUCTIONS_H

#include <linux/perf_event.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The counter, or -1 with errno set. */
static inline int cpu_instructions_open(void)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_HARDWARE,
		.size = sizeof(attr),
		.config = PERF_COUNT_HW_INSTRUCTIONS,
	};

	return syscall(SYS_perf_event_open, &attr, -1, 0, -1, 0);
}

/* The counter's value, or 0 with errno set if it cannot be read. */
static inline uint64_t cpu_instructions(int counter)
{
	uint64_t value;

	if (read(counter, &value, sizeof(value)) != sizeof(value))
		return 0;
	return value;
}

#endif /* CALLOPS_CPU_INSTRUCTIONS_H */
