#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# BPF trampoline attach/detach storm (bpf_tramp_storm.c): two threads attach
# and detach fentry/fexit on ksys_sync BPF_STORM_CYCLES times (default 25)
# while two threads call sync(); make check runs it on 4 vCPUs, alone:
#   make check SUITES=insmod,bpf_storm,rmmod SMP=4 [APPEND=BPF_STORM_CYCLES=N]
. /callops/selftests/ktap.sh

ktap_plan 1
ktap_subtest bpf_tramp_storm /callops/selftests/bpf_tramp_storm ${BPF_STORM_CYCLES:-}
ktap_finish
