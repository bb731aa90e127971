#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The BPF trampoline kselftest (bpf_tramp.c): fentry, fexit and fmod_ret
# through BPF_PROG_TEST_RUN, fentry/fexit on ksys_sync as a direct call and
# next to the function tracer (list ops; with the callops module, its slot
# dump too), a test module's function across unload and reload, and
# BPF_TRAMP_MANY (default 1,000) trampolines at once; its KTAP is nested
# here.
. /callops/selftests/ktap.sh

ktap_plan 1
ktap_subtest bpf_tramp /callops/selftests/bpf_tramp ${BPF_TRAMP_MANY:+-n "$BPF_TRAMP_MANY"} \
	/callops/selftests/callops_testmod.ko
ktap_finish
