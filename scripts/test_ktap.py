#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Self-test of scripts/ktap.py on made-up consoles; KTAP on stdout.

    python3 scripts/test_ktap.py

Each case writes a console (or a KTAP file) into a temporary directory,
runs ktap.py's main() on it and checks its exit code, its FAILED lines in
order, the report lines printed after a kernel report's FAILED line, its
notes and its summary line.  Consoles: a clean one; every kernel report
kind of ktap.py, each in the "# kmsg: " form and the raw console form;
near-misses that must pass; truncated nested plans; the end markers and
lost kernel log records; skips against an expected-skips list; WARNs
declared as expected by the guest, and near-misses of them; bad input;
and ktap.py run as a program, for its exit status.  Exit code 0 when
every case passes, 1 if not.
"""

import contextlib
import io
import os
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # scripts/ stays as git has it
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ktap  # noqa: E402

BOOT = [
    "OpenSBI v1.7",
    "# kmsg: Linux version 7.2.12 (callops@localhost) (clang version 21.1.8) #1 SMP",
    "# kmsg: Kernel command line: console=ttyS0 panic=-1 CALLOPS_SUITES=callops,hits",
    "# kmsg: Run /init as init process",
    ktap.START_MARKER,
]
# What KUnit prints on the console at boot, before /init (CONFIG_KUNIT).
KUNIT_BOOT = """\
KTAP version 1
1..2
    KTAP version 1
    # Subtest: rust_kernel_ftrace
    1..2
    ok 1 rust_ftrace_ops_filter
    not ok 2 rust_ftrace_ops_unregistered
not ok 1 rust_kernel_ftrace
ok 2 rust_kernel_ftrace_callops""".splitlines()
# The KTAP document of two suites, 5 results; reports go after INSERT_AFTER.
SUITES = """\
KTAP version 1
1..2
    KTAP version 1
    1..3
    ok 1 patching mode logged at boot
    ok 2 patching mode in debugfs
    ok 3 no provider without the module
# callops: exit 0, 1.52s -> 2.01s uptime
ok 1 callops
    KTAP version 1
    1..2
    ok 1 filter ksys_sync
# kmsg: callops: provider registered
    ok 2 empty write stops counting
# hits: exit 0, 2.01s -> 3.40s uptime
ok 2 hits""".splitlines()
INSERT_AFTER = "    ok 1 patching mode logged at boot"
END = [ktap.KMSG_END, ktap.LOG_COMPLETE_MARKER, ktap.DONE_MARKER]
CLEAN = "5 passed, 0 failed, 0 skipped"

# (kind, report): a report's first line is the one ktap.py must find.
REPORTS = [
    ("WARNING", ["WARNING: kernel/foo.c:12 at bar+0x10/0x20, CPU#0: swapper/0/1",
                 "Modules linked in: callops",
                 "CPU: 0 UID: 0 PID: 1 Comm: swapper/0 Not tainted 7.2.12 #1 NONE"]),
    ("WARNING", ["WARNING: at bar+0x10/0x20, CPU#1: sh/123", "Modules linked in:"]),
    ("WARNING", ["WARNING: CPU: 0 PID: 1 at kernel/foo.c:12 bar+0x10/0x20",
                 "Modules linked in:"]),
    ("WARNING", ["WARNING: at kernel/foo.c:12 bar()", "Modules linked in:"]),
    ("kernel BUG", ["kernel BUG at mm/slub.c:123!", "Modules linked in: callops"]),
    ("kernel BUG", ["Kernel BUG [#1]", "Modules linked in: callops"]),
    ("BUG", ["BUG: sleeping function called from invalid context at kernel/locking/mutex.c:580",
             "in_atomic(): 1, irqs_disabled(): 0, non_block: 0, pid: 123, name: sh"]),
    ("BUG", ["BUG: scheduling while atomic: sh/123/0x00000002", "Modules linked in:"]),
    ("Oops", ["Oops [#1]", "Modules linked in: callops"]),
    ("Oops", ["Oops - illegal instruction [#1]", "Modules linked in: callops"]),
    ("Oops", ["Unable to handle kernel NULL pointer dereference at virtual address 0000000000000008",
              "Current sh pgtable: 4K pagesize, 57-bit VAs, pgdp=0x0000000081234000"]),
    ("kernel panic", ["Kernel panic - not syncing: Fatal exception",
                      "CPU: 0 UID: 0 PID: 123 Comm: sh Tainted: G      D  7.2.12 #1 NONE"]),
    ("lockdep", ["WARNING: possible circular locking dependency detected",
                 "7.2.12 #1 Not tainted",
                 "------------------------------------------------------",
                 "sh/123 is trying to acquire lock:"]),
    ("lockdep", ["WARNING: possible recursive locking detected", "7.2.12 #1 Not tainted"]),
    ("lockdep", ["WARNING: inconsistent lock state", "7.2.12 #1 Not tainted"]),
    ("lockdep", ["WARNING: HARDIRQ-safe -> HARDIRQ-unsafe lock order detected",
                 "7.2.12 #1 Not tainted"]),
    ("lockdep", ["WARNING: bad unlock balance detected!", "7.2.12 #1 Not tainted"]),
    ("lockdep", ["WARNING: sh/123 still has locks held!", "7.2.12 #1 Not tainted"]),
    ("lockdep", ["WARNING: suspicious RCU usage", "7.2.12 #1 Not tainted",
                 "kernel/foo.c:12 suspicious rcu_dereference_check() usage!"]),
    ("lockdep", ["[ BUG: Invalid wait context ]", "7.2.12 #1 Not tainted"]),
    ("lockdep", ["INFO: trying to register non-static key.",
                 "The code is fine but needs lockdep annotation, or maybe"]),
    ("lockdep", ["turning off the locking correctness validator.",
                 "CPU: 0 UID: 0 PID: 1 Comm: swapper/0 Not tainted 7.2.12 #1 NONE"]),
    ("lockdep", ["INFO: lockdep is turned off."]),
    ("KASAN", ["BUG: KASAN: slab-use-after-free in callops_init+0x10/0x20",
               "Read of size 8 at addr ff60000081234560 by task insmod/123"]),
    ("UBSAN", ["UBSAN: shift-out-of-bounds in lib/foo.c:12:3",
               "shift exponent 64 is too large for 64-bit type 'unsigned long'"]),
    ("RCU stall", ["rcu: INFO: rcu_sched self-detected stall on CPU",
                   "rcu: \t0-....: (5249 ticks this GP) idle=c4b4/1/0x4000000000000002"]),
    ("RCU stall", ["rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:",
                   "rcu: \tTasks blocked on level-0 rcu_node (CPUs 0-1): P123"]),
    ("RCU stall", ["rcu: INFO: rcu_preempt detected expedited stalls on CPUs/tasks: { 1-... } 21 jiffies",
                   "Sending NMI from CPU 0 to CPUs 1:"]),
    ("RCU stall", ["INFO: rcu_tasks detected stalls on tasks:", "00000000b1b2c3d4: .. nvcsw: 1/1"]),
    ("RCU stall", ["rcu: rcu_preempt kthread starved for 2102 jiffies! g1234 f0x0 RCU_GP_WAIT_FQS(5)",
                   "rcu: \tUnless rcu_preempt kthread gets sufficient CPU time, OOM is now"
                   " expected behavior."]),
    ("soft lockup", ["watchdog: BUG: soft lockup - CPU#0 stuck for 22s! [sh:123]",
                     "Modules linked in: callops"]),
    ("hard lockup", ["watchdog: CPU0: Watchdog detected hard LOCKUP on cpu 1",
                     "Modules linked in: callops"]),
    ("hung task", ["INFO: task sh:123 blocked for more than 120 seconds.",
                   "      Not tainted 7.2.12 #1",
                   '"echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.']),
    ("hung task", ["INFO: task sync:77 blocked in I/O wait for more than 122 seconds.",
                   "      Not tainted 7.2.12 #1"]),
    ("list corruption", ["list_add corruption. prev->next should be next (ff60000081234560), "
                         "but was 0000000000000000. (prev=ff60000081234500).",
                         "Modules linked in: callops"]),
    ("list corruption", ["list_del corruption, ff60000081234a00->next is LIST_POISON1 (dead000000000100)",
                         "Modules linked in: callops"]),
    ("list corruption", ["list_add double add: new=ff60000081234a00, prev=ff60000081234a00, "
                         "next=ff60000081234b00.", "Modules linked in: callops"]),
]
# Kernel messages that are not reports.
NEAR_MISSES = [
    "rcu: RCU lockdep checking is enabled.",
    "Lock dependency validator: Copyright (c) 2006 Red Hat, Inc., Ingo Molnar",
    "kasan: KernelAddressSanitizer initialized (generic)",
    "**   This means that this is a DEBUG kernel and it is     **",
    "callops: hit_filter: no traceable function matches 'nosuchfunction'",
    "callops: hit_filter: cannot register ftrace ops: EINVAL",
    "DEBUG: not a report",
]
FORMS = {"kmsg": lambda l: ktap.KMSG + l, "raw": lambda l: f"[   12.345678] {l}"}
# The list the skip cases use (not selftests/expected-skips, which they
# would otherwise depend on).
SKIP_LIST = """\
# made-up entries for scripts/test_ktap.py
callops callops/needs * # made up: a feature this guest lacks
debug ftracetest/test.d/00basic/basic2.tc # traces every call site: too slow on a KASAN kernel
debug ftracetest/never-skipped.tc # made up: no result matches it
"""


KTAP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ktap.py")
CASES = []


def case(name, files, rc, failed=(), summary=None, sequence=(), notes=(), err=None,
         kernel="callops", skip_list="", argv=None, process=False):
    """A case: ktap.py on FILES ((console?, lines) or (console?, lines,
    kernel), KERNEL by default) must exit with RC and print the FAILED lines
    FAILED in that order ("{0}" and "{1}" stand for the first and second
    file's paths), SUMMARY
    as its last line, the lines SEQUENCE in a row, exactly the notes NOTES
    and ERR on stderr.  ARGV replaces the arguments made from FILES;
    SKIP_LIST is the text of the expected-skips list (None: the checked-in
    selftests/expected-skips); PROCESS runs ktap.py as a program."""
    assert " # " not in name, name
    CASES.append(dict(name=name, files=files, rc=rc, failed=failed, summary=summary,
                      sequence=sequence, notes=notes, err=err, kernel=kernel,
                      skip_list=skip_list, argv=argv, process=process))


def console(insert=(), suites=SUITES, end=END):
    """BOOT, SUITES with INSERT after INSERT_AFTER, then END."""
    at = suites.index(INSERT_AFTER) + 1
    return BOOT + suites[:at] + list(insert) + suites[at:] + list(end)


def one_suite(*results, plan=None, parent="ok 1 callops"):
    """A console whose only suite printed PLAN (default: as many as
    RESULTS) and RESULTS, closed by PARENT."""
    plan = len(results) if plan is None else plan
    return (BOOT + ["KTAP version 1", "1..1", "    KTAP version 1", f"    1..{plan}"] +
            ["    " + r for r in results] + [parent] + END)


def checked_in_notes(kernel, occurred=()):
    """The notes ktap.py prints for the entries of the checked-in
    selftests/expected-skips for KERNEL, but those with a glob in OCCURRED."""
    return [f"note: expected skip did not occur: {e['variant']} {e['glob']} # {e['reason']}"
            for e in ktap.load_expected_skips(ktap.EXPECTED_SKIPS)
            if e["variant"] == kernel and e["glob"] not in occurred]


def line_of(lines, line):
    return lines.index(line) + 1


def report_cases():
    for kind, report in REPORTS:
        for form, wrap in FORMS.items():
            lines = [wrap(l) for l in report]
            c = console(lines)
            failed = f"{kind}: {{0}}:{line_of(c, lines[0])}"
            case(f"{kind} ({form}): {report[0][:50].rstrip()}", [(True, c)], 1, [failed],
                 "5 passed, 1 failed, 0 skipped",
                 [f"FAILED: {failed}"] + [f"    | {l}" for l in lines])
    for line in NEAR_MISSES:
        for form, wrap in FORMS.items():
            case(f"no report ({form}): {line[:50].rstrip()}", [(True, console([wrap(line)]))], 0, [], CLEAN)

    mid = "# callops: 1.52s -> 2.0Kernel panic - not syncing: Attempted to kill init!"
    c = console([mid])
    case("report in the middle of a console line", [(True, c)], 1,
         [f"kernel panic: {{0}}:{line_of(c, mid)}"])
    long = [ktap.KMSG + "BUG: KASAN: slab-out-of-bounds in f+0x1/0x2"] + \
        [ktap.KMSG + f"report line {i}" for i in range(2, 13)]
    c = console(long)
    failed = f"KASAN: {{0}}:{line_of(c, long[0])}"
    case("a report's first 8 lines, not more", [(True, c)], 1, [failed],
         sequence=[f"FAILED: {failed}"] + [f"    | {l}" for l in long[:8]] +
         ["5 passed, 1 failed, 0 skipped"])
    both = [ktap.KMSG + l for l in [
        "list_add corruption. next->prev should be prev (ff60000081234560), but was 0.",
        "WARNING: lib/list_debug.c:32 at __list_add_valid_or_report+0x7c/0xa0, CPU#0: sh/1",
        "WARNING: lib/list_debug.c:32 at __list_add_valid_or_report+0x7c/0xa0, CPU#1: sh/2"]]
    c = console(both)
    n = line_of(c, both[0])
    case("two kinds in one console, the second one twice", [(True, c)], 1,
         [f"list corruption: {{0}}:{n}", f"WARNING: {{0}}:{n + 1} (and 1 more: line {n + 2})"])


def ktap_cases():
    case("clean console", [(True, console())], 0, [], CLEAN)
    case("nested plan 1..9, no result, parent ok", [(True, one_suite(plan=9))], 1,
         [f"callops/result {i} of 9 missing ({{0}})" for i in range(1, 10)],
         "0 passed, 9 failed, 0 skipped")
    case("nested plan 1..3, one result, parent ok", [(True, one_suite("ok 1 a", plan=3))], 1,
         [f"callops/result {i} of 3 missing ({{0}})" for i in (2, 3)],
         "1 passed, 2 failed, 0 skipped")
    case("parent not ok, every result ok", [(True, one_suite("ok 1 a", parent="not ok 1 callops"))],
         1, ["callops: failed without a failing subtest ({0})"])
    doc = ["KTAP version 1", "1..2",
           "    KTAP version 1", "    1..3", "    ok 1 a",
           "    KTAP version 1", "    1..1", "    ok 1 b", "ok 2 hits"]
    c = BOOT + doc + END
    n = line_of(c, "    KTAP version 1")
    case("nested plan, no parent line, the next suite follows", [(True, c)], 1,
         [f"unclosed block at line {n}/result {i} of 3 missing ({{0}})" for i in (2, 3)] +
         ["result 2 of 2 missing ({0})"], "2 passed, 3 failed, 0 skipped")
    case("nested plan, the console ends inside the block", [(True, BOOT + doc[:5])], 1,
         ["guest did not finish (timeout or crash) ({0})"] +
         [f"unclosed block at line {n}/result {i} of 3 missing ({{0}})" for i in (2, 3)] +
         [f"result {i} of 2 missing ({{0}})" for i in (1, 2)], "1 passed, 5 failed, 0 skipped")
    doc = ["KTAP version 1", "1..1", "    KTAP version 1", "    1..1",
           "        KTAP version 1", "        1..4", "        ok 1 x",
           "    ok 1 fentry", "ok 1 bpf_tramp"]
    case("twice nested plan 1..4, one result (KTAP file)", [(False, doc)], 1,
         [f"bpf_tramp/fentry/result {i} of 4 missing ({{0}})" for i in (2, 3, 4)],
         "1 passed, 3 failed, 0 skipped")
    case("KTAP file without KTAP", [(False, ["checkpatch says nothing"])], 1,
         ["no KTAP results in {0}"])
    case("a console, then a KTAP file after --ktap", [(True, console()), (False, doc)], 1,
         [f"bpf_tramp/fentry/result {i} of 4 missing ({{1}})" for i in (2, 3, 4)])


def console_contract_cases():
    lost = "# callops-kmsg: 12 records lost"
    c = console([lost])
    case("kmsg records lost", [(True, c)], 1,
         [f"kernel log incomplete: 12 records lost ({{0}}:{line_of(c, lost)})"],
         "5 passed, 1 failed, 0 skipped")
    case("done marker without kernel log complete", [(True, console(end=[ktap.DONE_MARKER]))], 1,
         [f"kernel log not complete: no '{ktap.LOG_COMPLETE_MARKER}' ({{0}})"])
    streamed = (f"kernel log not complete: no streamed '{ktap.KMSG_FIRST}' and "
                f"'{ktap.KMSG_END}' lines ({{0}})")
    case("kernel log complete, but the end marker was never streamed",
         [(True, console(end=[ktap.LOG_COMPLETE_MARKER, ktap.DONE_MARKER]))], 1, [streamed])
    c = [l for l in console() if not l.startswith(ktap.KMSG_FIRST)]
    case("kernel log complete, but the boot's first record was never streamed",
         [(True, c)], 1, [streamed])
    case("no done marker", [(True, console(end=[ktap.LOG_COMPLETE_MARKER]))], 1,
         ["guest did not finish (timeout or crash) ({0})"])
    case("no KTAP on the console", [(True, BOOT)], 1,
         ["boot: no KTAP output from the guest ({0})"])
    # KUnit's boot KTAP, even a failing one, is not the guest's document:
    # selftests/kunit.sh reports it from debugfs.
    c = BOOT[:1] + KUNIT_BOOT + BOOT[1:] + SUITES + END
    case("KUnit's KTAP before the guest's start marker is not counted", [(True, c)], 0, [], CLEAN)
    no_start = [l for l in c if l != ktap.START_MARKER]
    case("KUnit's KTAP, then no start marker: the guest never started", [(True, no_start)], 1,
         [f"boot: the guest's suites never started (no '{ktap.START_MARKER}') ({{0}})"],
         "0 passed, 1 failed, 0 skipped")
    c = BOOT + SUITES + ["    KTAP version 1", "    1..1"] + END
    n = line_of(c, "    1..1")
    case("line numbers count from the file's start, not the marker",
         [(True, c)], 1, [f"unclosed block at line {n - 1}/result 1 of 1 missing ({{0}})"],
         "5 passed, 1 failed, 0 skipped")


def skip_cases():
    callops_note = ("note: expected skip did not occur: callops callops/needs *"
                    " # made up: a feature this guest lacks")
    case("callops: expected skip",
         [(True, one_suite("ok 1 a", "ok 2 needs hotplug # SKIP no CPU hotplug"))], 0, [],
         "1 passed, 0 failed, 1 skipped", skip_list=SKIP_LIST)
    unexpected = one_suite("ok 1 a", "ok 2 patching mode in debugfs # SKIP not a call ops kernel")
    case("callops: unexpected skip", [(True, unexpected)], 1,
         ["unexpected skip: callops/patching mode in debugfs: not a call ops kernel ({0})"],
         "1 passed, 1 failed, 0 skipped", skip_list=SKIP_LIST, notes=[callops_note])
    case("vanilla: a skip is counted", [(True, unexpected)], 0, [],
         "1 passed, 0 failed, 1 skipped", kernel="vanilla", skip_list=SKIP_LIST)
    case("debug: the callops entries do not apply",
         [(True, one_suite("ok 1 needs x # SKIP y"))], 1,
         ["unexpected skip: callops/needs x: y ({0})"], kernel="debug", skip_list=SKIP_LIST, notes=[
             "note: expected skip did not occur: debug ftracetest/test.d/00basic/basic2.tc"
             " # traces every call site: too slow on a KASAN kernel",
             "note: expected skip did not occur: debug ftracetest/never-skipped.tc"
             " # made up: no result matches it"])
    basic2 = ("ok 1 test.d/00basic/basic2.tc # SKIP traces every call site: "
              "too slow on a KASAN kernel under TCG")
    case("debug: expected skip naming KASAN, unmatched entry noted",
         [(True, one_suite(basic2, parent="ok 1 ftracetest"))], 0, [],
         "0 passed, 0 failed, 1 skipped", kernel="debug", skip_list=SKIP_LIST,
         notes=["note: expected skip did not occur: debug ftracetest/never-skipped.tc"
                " # made up: no result matches it"])
    direct = "ok 2 test.d/direct/ftrace-direct.tc # SKIP traces every call site"
    case("debug: the checked-in list allows ftracetest's two KASAN skips",
         [(True, one_suite(basic2, direct, parent="ok 1 ftracetest"))], 0, [],
         "0 passed, 0 failed, 2 skipped", kernel="debug", skip_list=None,
         notes=checked_in_notes("debug", ("ftracetest/test.d/00basic/basic2.tc",
                                          "ftracetest/test.d/direct/ftrace-direct.tc")))
    case("callops: the checked-in list allows no ftracetest skip",
         [(True, one_suite(basic2, direct, parent="ok 1 ftracetest"))], 1,
         ["unexpected skip: ftracetest/test.d/00basic/basic2.tc: traces every call site: "
          "too slow on a KASAN kernel under TCG ({0})",
          "unexpected skip: ftracetest/test.d/direct/ftrace-direct.tc: traces every call site ({0})"],
         skip_list=None, notes=checked_in_notes("callops"))
    doc = BOOT + ["KTAP version 1", "1..1", "    KTAP version 1", "    1..1",
                  "        KTAP version 1", "        1..1", "        ok 1 attach # SKIP no BTF",
                  "    ok 1 fentry", "ok 1 bpf_tramp"] + END
    case("callops: unexpected skip, twice nested", [(True, doc)], 1,
         ["unexpected skip: bpf_tramp/fentry/attach: no BTF ({0})"])
    # kselftest's ksft_test_result_skip() names no test: "ok 1 # SKIP why".
    doc = BOOT + ["KTAP version 1", "1..1", "    KTAP version 1", "    1..1",
                  "    ok 1 # SKIP no BTF", "ok 1 bpf_tramp"] + END
    case("vanilla: a nameless kselftest skip is a skip, not a pass", [(True, doc)], 0, [],
         "0 passed, 0 failed, 1 skipped", kernel="vanilla")
    case("callops: a nameless kselftest skip is an unexpected skip", [(True, doc)], 1,
         ["unexpected skip: bpf_tramp/: no BTF ({0})"])
    host = ["KTAP version 1", "1..2", "ok 1 rustfmt --check rust/",
            "ok 2 clippy (make CLIPPY=1) on rust/ # SKIP kernel has no call ops provider interface"]
    case("callops: unexpected skip in a host KTAP file", [(False, host)], 1,
         ["unexpected skip: clippy (make CLIPPY=1) on rust/: "
          "kernel has no call ops provider interface ({0})"])
    case("a vanilla host file, then a callops console",
         [(False, host, "vanilla"), (True, console())], 0, [], "6 passed, 0 failed, 1 skipped")


def expected_warn_cases():
    msg = ("call ops provider callops_badslot: slot for callops_badslot_bad "
           "[callops_badslot] refused, misaligned")
    declare = ktap.KMSG + "callops-selftest: expect WARN: " + msg
    end = ktap.KMSG + ktap.EXPECT_END
    warn = [ktap.KMSG + l for l in [
        "------------[ cut here ]------------",
        "ftrace: " + msg + "; it keeps the list slot",
        "WARNING: arch/riscv/kernel/ftrace.c:301 at callops_provider_slot+0x8c/0xb8, CPU#1: insmod/99",
        "Modules linked in: callops_badslot(+)"]]
    c = console([declare] + warn + [end])
    n = line_of(c, warn[2])
    case("declared WARN: a note, no failure", [(True, c)], 0, [], CLEAN,
         notes=[f"note: expected kernel WARN, declared by the guest: {{0}}:{n}: {warn[2]}"])
    c = console(warn)
    case("the same WARN undeclared fails", [(True, c)], 1, [f"WARNING: {{0}}:{line_of(c, warn[2])}"])
    c = console([declare] + [warn[0], warn[1].replace("misaligned", "not writable")] + warn[2:] + [end])
    case("declared WARN, another message, fails", [(True, c)], 1,
         [f"WARNING: {{0}}:{line_of(c, warn[2])}"])
    c = console([declare, end] + warn)
    case("WARN after the end of the declaration fails", [(True, c)], 1,
         [f"WARNING: {{0}}:{line_of(c, warn[2])}"])
    lockdep = [ktap.KMSG + "ftrace: " + msg, ktap.KMSG + "WARNING: possible circular locking dependency detected"]
    c = console([declare] + lockdep + [end])
    case("a lockdep report inside a declaration fails", [(True, c)], 1,
         [f"lockdep: {{0}}:{line_of(c, lockdep[1])}"])


def bad_input_cases():
    case("no --kernel", [], 2, argv=["x.log"], err="--kernel VARIANT must come before x.log")
    case("unknown kernel", [], 2, argv=["--kernel", "upstream", "x.log"],
         err="--kernel wants one of callops, debug, vanilla, nocallops, series, got 'upstream'")
    case("no files", [], 2, argv=["--kernel", "callops"], err="no files")
    case("a file that is not there", [], 2, argv=["--kernel", "vanilla", "/nonexistent/guest.log"],
         err="cannot read /nonexistent/guest.log: No such file or directory")
    case("expected-skips line without a reason", [(True, console())], 2,
         skip_list="callops callops/x\n", err="1: want '<kernel> <result-name-glob> # <reason>'")
    case("expected-skips entry for vanilla", [(True, console())], 2,
         skip_list="vanilla callops/x # why\n", err="1: kernel 'vanilla' has no expected skips")


def process_cases():
    case("exit status 0 of ktap.py, clean console", [(True, console())], 0, [], CLEAN,
         notes=checked_in_notes("callops"), process=True)
    warn = ktap.KMSG + REPORTS[0][1][0]
    c = console([warn])
    case("exit status 1 of ktap.py, a WARNING", [(True, c)], 1,
         [f"WARNING: {{0}}:{line_of(c, warn)}"], notes=checked_in_notes("callops"),
         process=True)


def run_case(c, tmp):
    """ktap.py on case C's files in TMP: its problems (empty: passed)."""
    paths, argv, after_console = [], [], False
    for i, (is_console, lines, *kernel) in enumerate(c["files"]):
        path = os.path.join(tmp, f"{i}.{'log' if is_console else 'ktap'}")
        with open(path, "w") as f:
            f.write("".join(l + "\n" for l in lines))
        paths.append(path)
        argv += ["--kernel", kernel[0] if kernel else c["kernel"]]
        # A KTAP file is a plain argument, as pipeline.sh gives host.ktap,
        # until a console came; then it needs --ktap.
        argv += ["--console", path] if is_console else ["--ktap", path] if after_console else [path]
        after_console = after_console or is_console
    argv = argv if c["argv"] is None else c["argv"]
    skip_list = ktap.EXPECTED_SKIPS
    if c["skip_list"] is not None:
        skip_list = os.path.join(tmp, "expected-skips")
        with open(skip_list, "w") as f:
            f.write(c["skip_list"])
    if c["process"]:
        p = subprocess.run([sys.executable, "-B", KTAP] + argv, capture_output=True, text=True)
        rc, out, err = p.returncode, p.stdout, p.stderr
    else:
        saved = ktap.EXPECTED_SKIPS
        ktap.EXPECTED_SKIPS = skip_list
        stdout, stderr = io.StringIO(), io.StringIO()
        try:
            with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
                rc = ktap.main(argv)
        except SystemExit as e:
            rc = e.code
        finally:
            ktap.EXPECTED_SKIPS = saved
        out, err = stdout.getvalue(), stderr.getvalue()

    out = out.splitlines()
    first = paths[0] if paths else ""
    problems = []
    if rc != c["rc"]:
        problems.append(f"exit code {rc}, want {c['rc']}")
    got = [l[len("FAILED: "):] for l in out if l.startswith("FAILED: ")]
    second = paths[1] if len(paths) > 1 else ""
    want = [f.replace("{0}", first).replace("{1}", second) for f in c["failed"]]
    if got != want:
        problems.append(f"FAILED lines {got}, want {want}")
    if c["summary"] is not None and out[-1:] != [c["summary"]]:
        problems.append(f"last line {out[-1:]}, want {c['summary']!r}")
    seq = [s.replace("{0}", first) for s in c["sequence"]]
    if seq and not any(out[i:i + len(seq)] == seq for i in range(len(out))):
        problems.append(f"not printed in a row: {seq}")
    notes = [l for l in out if l.startswith("note: ")]
    want = [n.replace("{0}", first) for n in c["notes"]]
    if notes != want:
        problems.append(f"notes {notes}, want {want}")
    if c["err"] is not None and c["err"] not in err:
        problems.append(f"stderr {err!r} lacks {c['err']!r}")
    if problems:
        problems += [f"ktap.py printed: {l}" for l in out[:30]]
    return problems


def main():
    for cases in (report_cases, ktap_cases, console_contract_cases, skip_cases,
                  expected_warn_cases, bad_input_cases, process_cases):
        cases()
    print("KTAP version 1")
    print(f"1..{len(CASES)}")
    failed = 0
    for n, c in enumerate(CASES, 1):
        with tempfile.TemporaryDirectory() as tmp:
            try:
                problems = run_case(c, tmp)
            except Exception as e:  # a broken ktap.py: this case fails, the rest run
                problems = [f"{type(e).__name__}: {e}"]
        for p in problems:
            print(f"# {p}")
        print(f"{'not ok' if problems else 'ok'} {n} {c['name']}")
        failed += bool(problems)
    print(f"# ktap.py self-test: {len(CASES) - failed} of {len(CASES)} cases passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
