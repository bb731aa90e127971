# SPDX-License-Identifier: GPL-2.0
#
# riscv-callops.  Two commands do everything on a fresh Debian machine:
#   make run      build what is missing, boot the callops kernel in QEMU,
#                 load the module, print a trace-cmd report
#   make check    host checks and every guest suite; ends with
#                 "N passed, N failed, N skipped"
# and: make check-full (whole ftracetest), make check-debug (check on a
# lockdep/KASAN kernel, 4 vCPUs), make check-series (every patch of the
# series built incrementally and booted with smoke suites: SERIES_SUITES,
# SERIES_LAST_SUITES), make bench (instruction counts against upstream
# 7.2, Documentation/benchmarks.md),
# make module KDIR=<configured 7.2 tree>.
# Variables: KERNEL=callops|vanilla|nocallops SUITES=a,b SMP=N MEM=2G TIMEOUT=s
#            TOOLCHAIN=chroot|host KDIR=... (module only)
# The kernel's build system reads ./Kbuild for the module itself.

PIPELINE_VARS := KERNEL SUITES SMP MEM TIMEOUT TOOLCHAIN APPEND SERIES_SUITES SERIES_LAST_SUITES
MODULE_VARS := KDIR ARCH LLVM CROSS_COMPILE MO V
given_vars := $(foreach v,$(.VARIABLES),$(if $(filter command line,$(origin $(v))),$(v)))
unknown_vars := $(filter-out $(PIPELINE_VARS) $(MODULE_VARS),$(given_vars))
ifneq ($(unknown_vars),)
$(error unknown variable(s) $(unknown_vars); known: $(PIPELINE_VARS) $(MODULE_VARS))
endif
export $(PIPELINE_VARS)

KDIR ?= /lib/modules/$(shell uname -r)/build

.PHONY: all module clean run check check-full check-debug check-series bench

all: module

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) LLVM=1 ARCH=riscv $(if $(MO),MO=$(MO))

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) LLVM=1 ARCH=riscv $(if $(MO),MO=$(MO)) clean

run check check-full check-debug:
	@bash scripts/pipeline.sh $@

check-series:
	@bash scripts/series.sh

bench:
	@bash scripts/bench.sh
