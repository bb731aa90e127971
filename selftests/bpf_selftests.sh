#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The kernel's own BPF selftests: test_progs of the same tree, built by
# scripts/bpf_selftests.sh with the tests of issue 13 (tracing_multi,
# fentry/fexit, modify_return, trampoline_count, fexit_stress,
# module_attach, kprobe_multi, tracing_struct, attach_probe), run with
# upstream's DENYLIST.riscv64; test_progs loads bpf_testmod.ko itself.
# One KTAP result per subtest (a test without subtests is one result),
# nested under its test; a failure comes with the tail of its log, a skip
# with the line of its log that says why, if any.  A last result checks
# that test_progs exited as its results say (1 with a failure, else 0),
# so a crash after the last test is not lost.
. /callops/selftests/ktap.sh

DIR=/callops/bpf_selftests
# BPF_SELFTESTS_ARGS: more test_progs options, one word each (from the
# kernel command line: e.g. -dtracing_multi_bench_attach to leave a test out).
TEST_PROGS="./test_progs -d @DENYLIST.riscv64 ${BPF_SELFTESTS_ARGS:-}"
# test_progs kills itself (SIGSEGV) when one test runs longer than this;
# the bench-like tests attach to thousands of functions under TCG.
WATCHDOG=${BPF_SELFTESTS_WATCHDOG:-900}
TAIL=${BPF_SELFTESTS_LOG_TAIL:-40}

if ! cd "$DIR"; then
	ktap_plan 1
	ktap_test_fail "test_progs: $DIR missing from the initramfs"
	ktap_finish
fi
ktap_info "call ops provider: $(sed -n 's/^provider: //p' "$CALLOPS_STATE" 2>/dev/null || echo 'none (no call ops state file)')"
# test_progs registers its signing certificate first (add_key), then
# lists the tests the deny list leaves.
tests=$($TEST_PROGS -l 2>&1)
rc=$?
if [ "$rc" -ne 0 ]; then
	ktap_plan 1
	printf '%s\n' "$tests" | sed 's/^/# /'
	# Its only silent exit: add_key() of the certificate failed.
	[ -e /proc/keys ] || ktap_info "no /proc/keys: a kernel without CONFIG_KEYS, test_progs cannot register its signing certificate"
	ktap_test_fail "test_progs -l (exit $rc)"
	ktap_finish
fi
ntests=$(echo "$tests" | grep -c .)
ktap_info "tests: $(echo $tests)"
ktap_plan $((ntests + 1))

# The tests call kfuncs: the BPF JIT on for this suite only.
bpf_jit_on

rm -f /tmp/bpf_selftests.rc /tmp/bpf_selftests.counts
# -v: every test's log, streamed in order (test_progs and libbpf print to
# stdout); without it, test_progs keeps only the logs of failures.  Each
# log precedes its result line: "#12/3   test/subtest:OK|FAIL|SKIP", then
# "#12     test:OK|FAIL|SKIP|OK (SKIP: n/m)".
{ $TEST_PROGS -v -w "$WATCHDOG" 2>&1; echo "rc=$?" >/tmp/bpf_selftests.rc; } | awk -v tail="$TAIL" -v tests="$tests" '
# The log since the last result: the last `tail` lines, and their count.
function log_tail(prefix,    i, first) {
	first = nlog > tail ? nlog - tail + 1 : 1
	if (first > 1)
		emit(prefix "# (" first - 1 " earlier log lines)")
	for (i = first; i <= nlog; i++)
		emit(prefix "# " logs[i % tail])
}
function skip_reason(    i, r) {
	r = ""
	for (i = (nlog > tail ? nlog - tail + 1 : 1); i <= nlog; i++)
		if (logs[i % tail] ~ /SKIP|[Ss]kip/)
			r = logs[i % tail]
	return r == "" ? "no reason in its log" : r
}
# emit LINE: into the current test block while subtests are open, else out.
function emit(line) {
	if (inblock)
		block[++nblock] = line
	else
		print line
}
# leaf NUMBER NAME STATUS: one KTAP result with its log tail or skip reason.
# passed, failed, skipped count the leaves; top_* the results of the
# top block (a test, with or without subtests), for the counters of ktap.sh.
function leaf(num, name, status,    p) {
	p = inblock ? "    " : ""
	if (status == "FAIL") {
		log_tail(p)
		emit(p "not ok " num " " name)
		failed++
		blockfail++
		if (!inblock)
			top_failed++
	} else if (status ~ /^SKIP/) {
		emit(p "ok " num " " name " # SKIP " skip_reason())
		skipped++
		if (!inblock)
			top_skipped++
	} else {
		emit(p "ok " num " " name)
		passed++
		if (!inblock)
			top_passed++
	}
	nlog = 0
}
function close_block(    i) {
	inblock = 0
	print "    KTAP version 1"
	print "    1.." nsub
	for (i = 1; i <= nblock; i++)
		print block[i]
	nblock = nsub = blockfail = 0
}
{ sub(/\r$/, "") }
/^#[0-9]+\/[0-9]+ +.*:(OK|FAIL|SKIP)$/ {
	line = $0
	sub(/^#[0-9]+\/[0-9]+ +/, "", line)
	status = line; sub(/.*:/, "", status)
	name = line; sub(/:[A-Z]+$/, "", name); sub(/^[^\/]*\//, "", name)
	inblock = 1
	leaf(++nsub, name, status)
	next
}
/^#[0-9]+ +[^ ]+:(OK|FAIL|SKIP)( \(SKIP: [0-9]+\/[0-9]+\)| \(not built\))?$/ {
	line = $0
	sub(/^#[0-9]+ +/, "", line)
	status = line; sub(/^[^:]*:/, "", status)
	name = line; sub(/:.*/, "", name)
	n++
	if (inblock) {
		# A failure outside every subtest fails the test too.
		if (status == "FAIL" && !blockfail)
			leaf(++nsub, "(outside its subtests)", "FAIL")
		close_block()
		print (status == "FAIL" ? "not ok " : "ok ") n " " name
		if (status == "FAIL")
			top_failed++
		else
			top_passed++
		nlog = 0
	} else {
		leaf(n, name, status)
	}
	fflush()
	next
}
{ logs[++nlog % tail] = $0 }
END {
	summary = 0
	for (i = (nlog > tail ? nlog - tail + 1 : 1); i <= nlog; i++)
		if (logs[i % tail] ~ /^Summary: /)
			summary = 1
	if (inblock || !summary) {
		# test_progs ended inside a test (a crash, its watchdog).
		n++
		split(tests, names, "\n")
		name = names[n] " (test_progs ended inside it)"
		if (inblock) {
			leaf(++nsub, "(end of output)", "FAIL")
			close_block()
			print "not ok " n " " name
			top_failed++
		} else
			leaf(n, name, "FAIL")
	} else {
		log_tail("")
	}
	print passed + 0, failed + 0, skipped + 0, n + 0, top_passed + 0, top_failed + 0,
		top_skipped + 0 >"/tmp/bpf_selftests.counts"
}'
rc=$(sed -n 's/^rc=//p' /tmp/bpf_selftests.rc)
bpf_jit_restore
read -r passed failed skipped seen top_passed top_failed top_skipped </tmp/bpf_selftests.counts
ktap_info "test_progs exit $rc: $seen results for $ntests tests; $passed passed, $failed failed, $skipped skipped"
# The results awk printed, in ktap_helpers.sh's counters for ktap_finish.
KTAP_TESTNO=$((seen + 1))
KTAP_CNT_PASS=$top_passed
KTAP_CNT_FAIL=$top_failed
KTAP_CNT_SKIP=$top_skipped
want=0
[ "$failed" -eq 0 ] || want=1
ktap_expect "test_progs exit code" "$rc" "$want"
ktap_finish
