#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The KUnit suites of the kernel crate's ftrace abstractions
# (rust/kernel/ftrace.rs and ftrace/callops.rs, CONFIG_RUST_FTRACE_KUNIT_TEST):
# the kernel ran them at boot, before user space; their KTAP results come
# from debugfs, each suite a nested block.  They register an ftrace ops on
# int_pow() and a call ops provider, so they ran on this boot's patching
# path (live or stop_machine), before the callops module could be loaded.
. /callops/selftests/ktap.sh

KUNIT=/sys/kernel/debug/kunit
SUITES="rust_kernel_ftrace rust_kernel_ftrace_callops"

# kunit_results SUITE: print the suite's results; fail unless it passed
# with no case skipped (KUnit reports a suite whose cases all skipped as
# "ok 1 SUITE" without a directive).
kunit_results()
{
	cat "$KUNIT/$1/results" || return 1
	tail -n 1 "$KUNIT/$1/results" | grep -qx "ok 1 $1" &&
		! grep -q '# SKIP' "$KUNIT/$1/results"
}

set -- $SUITES
ktap_plan $#
if [ ! -r "$CALLOPS_STATE" ]; then
	ktap_skip_plan $# "kunit" "not a call ops kernel (no $CALLOPS_STATE)"
fi
for suite in $SUITES; do
	if [ -r "$KUNIT/$suite/results" ]; then
		ktap_subtest "$suite" kunit_results "$suite"
	else
		ktap_info "no $KUNIT/$suite/results: kernel without CONFIG_RUST_FTRACE_KUNIT_TEST?"
		ktap_test_fail "$suite"
	fi
done
ktap_finish
