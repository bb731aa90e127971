#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Count KTAP results in console logs and KTAP files.

    ktap.py --kernel VARIANT [FILE...] [--console LOG...] [--ktap FILE...]
        print failures, then "N passed, N failed, N skipped".  --kernel
        (callops, debug, vanilla, nocallops or series) names the kernel of the
        files after it and may come again.  Files after --console (until
        --ktap) are guest consoles: a missing boot, a missing end marker, an
        incomplete kernel log and kernel reports count as failures there
        too; a report's failure names its kind, log and line, and its
        first lines follow.

Leaf results are counted; a result line that closes a nested block of
results is a parent and only checked against its block's plan.  A block
that printed a plan fails each result it did not print, whether its parent
line came or not (a block left open when the input ends, or followed by
another block).  A result's name is its path from the top block, e.g.
"ftracetest/test.d/00basic/basic2.tc".

On the callops and debug kernels a skip fails unless selftests/expected-skips
lists it for that kernel; on vanilla every skip is only counted.

A guest test that makes the kernel WARN on purpose (badslot.sh: a provider
handing out bad slots) declares it in the kernel log first, through
/dev/kmsg: "callops-selftest: expect WARN: MESSAGE", and closes the
declaration with "callops-selftest: end of expected WARNs".  A WARNING
report between the two whose own message (within WARN_CONTEXT lines of its
"WARNING:" line, declarations aside) contains MESSAGE is printed as a note,
"note: expected kernel WARN ...", and does not fail the run; every other
WARNING, and every other kernel report, still does.
"""

import fnmatch
import itertools
import os
import re
import sys

RESULT = re.compile(r"^(not ok|ok) (\d+)\s*-?\s*(.*)$")
PLAN = re.compile(r"^1\.\.(\d+)")
DIRECTIVE = re.compile(r"(?:^|\s)#\s*")
# The guest console contract (scripts/guest/init, issue 11): the kernel log
# streamed as "# kmsg: " lines, its losses, and the end markers.
# /init prints START_MARKER before its KTAP document: the kernel's own
# KTAP on the console before it (KUnit's suites at boot, CONFIG_KUNIT) is
# not the guest's, and is not counted (selftests/kunit.sh reports KUnit).
START_MARKER = "# callops-guest: suites follow"
DONE_MARKER = "# callops-guest: done"
LOG_COMPLETE_MARKER = "# callops-guest: kernel log complete"
KMSG_LOST = re.compile(r"# callops-kmsg: (\d+) records lost")
KMSG = "# kmsg: "
# The boot's first record and /init's end marker, as streamed.
KMSG_FIRST = KMSG + "Linux version "
KMSG_END = KMSG + "callops-guest: end of the kernel log"
EXPECTED_SKIPS = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                              "..", "selftests", "expected-skips")
# Kernel variants, and whether expected-skips applies to them.  nocallops
# (the series with call ops compiled out) lacks the provider and direct
# calls, so, like vanilla, it keeps the skips of those suites.
# series: make check-series' kernels of the first patches only, whose
# smoke suites skip what those patches do not have yet.
VARIANTS = {"callops": True, "debug": True, "vanilla": False, "nocallops": False,
            "series": False}
REPORT_LINES = 8
EXPECT_WARN = re.compile(r"callops-selftest: expect WARN: (.+?)\s*$")
EXPECT_END = "callops-selftest: end of expected WARNs"
# How far from its "WARNING:" line a WARN's message may be: riscv's WARN()
# prints it just before (after the "cut here" line).
WARN_CONTEXT = 3

# Kernel reports that fail a run wherever they appear in a console line
# (kernel output can start in the middle of a user space line): (kind,
# pattern), the first matching kind names a line.  The strings are those of
# the 7.2 source (file named for each).
KERNEL_REPORTS = [(kind, re.compile(pattern)) for kind, pattern in [
    # kernel/watchdog.c (pr_fmt "watchdog: ")
    ("soft lockup", r"BUG: soft lockup - CPU#\d+ stuck for "),
    ("hard lockup", r"Watchdog detected hard LOCKUP on cpu \d+"),
    # mm/kasan/report.c, lib/ubsan.c: a report, not a mention of the word
    ("KASAN", r"BUG: KASAN: "),
    ("UBSAN", r"UBSAN: [\w-]+ in \S+:\d+"),
    # lib/list_debug.c
    ("list corruption", r"list_(add|del) corruption|list_add double add"),
    # kernel/locking/lockdep.c: its reports and its giving up; not a mention
    # such as the boot line "rcu: RCU lockdep checking is enabled."
    ("lockdep", r"(WARNING|INFO): (possible (circular|recursive) locking"
                r"|possible irq lock inversion|inconsistent lock state"
                r"|\S+-safe -> \S+-unsafe lock order|bad unlock balance"
                r"|bad contention|held lock freed|lock held when returning"
                r"|Nested lock was not taken|chain_key collision"
                r"|suspicious RCU usage|\S+ still has locks held"
                r"|lockdep is turned off|trying to register non-static key)"
                r"|\[ BUG: Invalid wait context \]"
                r"|turning off the locking correctness validator"),
    # kernel/hung_task.c: "blocked for", "blocked in I/O wait for"
    ("hung task", r"INFO: task \S+:\d+ blocked.* for more than \d+ seconds"),
    # kernel/rcu/tree_stall.h, tree_exp.h, tasks.h (pr_fmt "rcu: ")
    ("RCU stall", r"INFO: rcu_\w+ (self-detected stall|detected (expedited )?stall)"
                  r"|rcu_\w+ kthread starved for \d+ jiffies"),
    # kernel/panic.c __warn(): 7.2's "WARNING: FILE:LINE at FUNC, CPU#N: ..."
    # and "WARNING: at FUNC, ...", older "WARNING: CPU: N PID: N at ..."
    ("WARNING", r"WARNING: (CPU: \d+ PID: \d+ )?(\S+:\d+ )?at \S"),
    # lib/bug.c report_bug(), arch/riscv/kernel/traps.c die()
    ("kernel BUG", r"kernel BUG at |Kernel BUG \[#\d+\]"),
    # die() and the trap handlers ("Oops - illegal instruction [#1]"),
    # arch/riscv/mm/fault.c
    ("Oops", r"Oops( - .*)? \[#\d+\]|Oops - |Unable to handle kernel "),
    # "BUG: sleeping function called from invalid context", "BUG: scheduling
    # while atomic", "BUG: Bad page state", ...; not "DEBUG: "
    ("BUG", r"(?<![A-Z])BUG: "),
    ("kernel panic", r"Kernel panic - not syncing"),
]]


def error(msg):
    print(f"ktap.py: {msg}", file=sys.stderr)
    sys.exit(2)


class Counts:
    def __init__(self):
        self.passed = self.failed = self.skipped = 0
        self.failures = []
        self.notes = []

    def add(self, status, name, details=()):
        if status == "skip":
            self.skipped += 1
        elif status == "pass":
            self.passed += 1
        else:
            self.failed += 1
            self.failures.append((name, details))


class Block:
    """An open KTAP block: where it began, its plan, how many results of
    its own it printed, and the leaf results under it as (status, name,
    skip reason) with names relative to the block."""

    def __init__(self, lineno):
        self.lineno, self.plan, self.seen, self.leaves = lineno, None, 0, []

    def finish(self):
        """Its leaves and a failure for each result short of its plan."""
        return self.leaves + [("fail", f"result {i + 1} of {self.plan} missing", "")
                              for i in range(self.seen, self.plan or 0)]


def parse_ktap(lines, first=1):
    """Parse KTAP lines (indentation = nesting), the first of them line
    FIRST of its file: (leaves, any KTAP seen)."""
    blocks = {}  # depth -> open Block
    leaves = []

    def add(depth, results):
        """Give RESULTS to the nearest open block above DEPTH."""
        above = [d for d in blocks if d < depth]
        (blocks[max(above)].leaves if above else leaves).extend(results)

    def abandon(depth):
        """Close the open blocks at DEPTH and deeper that no parent closed."""
        for d in sorted((d for d in blocks if d >= depth), reverse=True):
            block = blocks.pop(d)
            prefix = f"unclosed block at line {block.lineno}/" if d > 0 else ""
            add(d, [(s, prefix + n, r) for s, n, r in block.finish()])

    for lineno, raw in enumerate(lines, first):
        line = raw.rstrip("\r\n")
        stripped = line.lstrip(" ")
        depth = (len(line) - len(stripped)) // 4
        if stripped.startswith("KTAP version"):
            abandon(depth)
            blocks[depth] = Block(lineno)
            continue
        m = PLAN.match(stripped)
        if m and depth in blocks:
            blocks[depth].plan = int(m.group(1))
            continue
        m = RESULT.match(stripped)
        if not m or depth not in blocks:
            continue
        ok, desc = m.group(1) == "ok", m.group(3)
        # The directive follows the first "#" that starts the description
        # or follows a blank: kselftest's ksft_test_result_skip() prints
        # "ok 3 # SKIP reason", with no name at all.
        d = DIRECTIVE.search(desc)
        name = desc[:d.start()].strip() if d else desc.strip()
        directive = desc[d.end():].strip() if d else ""
        abandon(depth + 2)
        block, child = blocks[depth], blocks.pop(depth + 1, None)
        block.seen += 1
        if child is not None and (child.plan or child.seen or child.leaves):
            # A parent closing its block: the block's results (and its
            # missing ones) under the parent's name.
            sub = [(s, f"{name}/{n}", r) for s, n, r in child.finish()]
            block.leaves += sub
            if not ok and not any(s == "fail" for s, _, _ in sub):
                block.leaves.append(("fail", f"{name}: failed without a failing subtest", ""))
        elif directive.upper().startswith("SKIP"):
            block.leaves.append(("skip", name, directive[4:].strip()))
        else:
            block.leaves.append(("pass" if ok else "fail", name, ""))
    abandon(0)
    return leaves, any(l.lstrip(" ").startswith("KTAP version") for l in lines)


def is_ktap(line):
    """Whether LINE is a KTAP line: header, plan, result or diagnostic."""
    stripped = line.lstrip(" ")
    return (stripped.startswith(("KTAP version", "#")) or
            bool(PLAN.match(stripped) or RESULT.match(stripped)))


def expected_warns(lines):
    """Indexes of the WARNING lines the guest declared as expected."""
    expected, message = set(), None
    for i, line in enumerate(lines):
        m = EXPECT_WARN.search(line)
        if m:
            message = m.group(1)
        elif EXPECT_END in line:
            message = None
        elif message and next((k for k, p in KERNEL_REPORTS if p.search(line)), None) == "WARNING":
            near = lines[max(0, i - WARN_CONTEXT):i + WARN_CONTEXT + 1]
            if any(message in l and not EXPECT_WARN.search(l) for l in near):
                expected.add(i)
    return expected


def guest_start(lines):
    """Index of the line after the guest's START_MARKER, or None."""
    return next((i + 1 for i, l in enumerate(lines) if l.startswith(START_MARKER)), None)


def scan_console(lines, log, counts):
    """The console's own failures: boot, end markers, kernel log, reports."""
    start = guest_start(lines)
    if start is None:
        counts.add("fail", f"boot: the guest's suites never started (no '{START_MARKER}') ({log})")
    elif not any(l.startswith("KTAP version") for l in lines[start:]):
        counts.add("fail", f"boot: no KTAP output from the guest ({log})")
    elif not any(l.startswith(DONE_MARKER) for l in lines):
        counts.add("fail", f"guest did not finish (timeout or crash) ({log})")
    elif not any(l.startswith(LOG_COMPLETE_MARKER) for l in lines):
        counts.add("fail", f"kernel log not complete: no '{LOG_COMPLETE_MARKER}' ({log})")
    elif not (any(l.startswith(KMSG_FIRST) for l in lines) and
              any(l.startswith(KMSG_END) for l in lines)):
        # The guest's word alone is not enough: the stream must show the
        # boot's first record and the end marker itself.
        counts.add("fail", f"kernel log not complete: no streamed '{KMSG_FIRST}' and "
                   f"'{KMSG_END}' lines ({log})")
    hits = {}  # kind -> line indexes, in order of first appearance
    expected = expected_warns(lines)
    for i, line in enumerate(lines):
        m = KMSG_LOST.search(line)
        if m:
            counts.add("fail", f"kernel log incomplete: {m.group(1)} records lost ({log}:{i + 1})")
        kind = next((k for k, pattern in KERNEL_REPORTS if pattern.search(line)), None)
        if i in expected:
            counts.notes.append(f"note: expected kernel WARN, declared by the guest: "
                                f"{log}:{i + 1}: {line.strip()}")
        elif kind:
            hits.setdefault(kind, []).append(i)
    for kind, found in hits.items():
        more = ""
        if len(found) > 1:
            shown = ", ".join(str(i + 1) for i in found[1:4])
            more = f" (and {len(found) - 1} more: line {shown}{'...' if len(found) > 4 else ''})"
        # The report's first lines: its first line and the kernel lines of
        # the same form after it ("# kmsg: " lines, or raw console lines
        # that are not KTAP).
        first = lines[found[0]]
        report = (l.rstrip("\r\n") for l in lines[found[0] + 1:]
                  if (KMSG in l if KMSG in first else not is_ktap(l)))
        counts.add("fail", f"{kind}: {log}:{found[0] + 1}{more}",
                   [first.rstrip("\r\n")] + list(itertools.islice(report, REPORT_LINES - 1)))


def load_expected_skips(path):
    """Entries "<variant> <result-name-glob> # <reason>" of PATH."""
    entries = []
    try:
        with open(path) as f:
            lines = f.readlines()
    except OSError as e:
        error(f"cannot read {path}: {e.strerror}")
    for lineno, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        what, sep, reason = line.partition(" # ")
        variant, _, glob = what.strip().partition(" ")
        if not sep or not reason.strip() or not glob.strip():
            error(f"{path}:{lineno}: want '<kernel> <result-name-glob> # <reason>'")
        if not VARIANTS.get(variant):
            kernels = ", ".join(v for v, listed in VARIANTS.items() if listed)
            error(f"{path}:{lineno}: kernel '{variant}' has no expected skips ({kernels})")
        entries.append({"variant": variant, "glob": glob.strip(),
                        "reason": reason.strip(), "seen": False})
    return entries


def count_leaves(leaves, path, kernel, expected, counts):
    """Count a file's leaf results; a skip on a kernel with expected skips
    fails unless an entry of EXPECTED for it matches its name."""
    for status, name, reason in leaves:
        if status == "skip" and VARIANTS[kernel]:
            entry = next((e for e in expected if e["variant"] == kernel and
                          fnmatch.fnmatchcase(name, e["glob"])), None)
            if entry is None:
                status, name = "fail", f"unexpected skip: {name}: {reason or 'no reason given'}"
            else:
                entry["seen"] = True
        counts.add(status, f"{name} ({path})" if status == "fail" else name)


def main(argv):
    counts = Counts()
    files = []  # (path, kernel, console)
    kernel, console = None, False
    args = iter(argv)
    for arg in args:
        if arg == "--console":
            console = True
        elif arg == "--ktap":
            console = False
        elif arg == "--kernel":
            kernel = next(args, None)
            if kernel not in VARIANTS:
                error(f"--kernel wants one of {', '.join(VARIANTS)}, got {kernel!r}")
        elif arg.startswith("--"):
            error(f"unknown option {arg}")
        elif kernel is None:
            error(f"--kernel VARIANT must come before {arg}")
        else:
            files.append((arg, kernel, console))
    if not files:
        error("no files (usage: ktap.py --kernel VARIANT [FILE...] [--console LOG...] "
              "[--ktap FILE...])")
    expected = []
    if any(VARIANTS[k] for _, k, _ in files):
        expected = load_expected_skips(EXPECTED_SKIPS)

    for path, kernel, console in files:
        try:
            with open(path, errors="replace") as f:
                lines = f.readlines()
        except OSError as e:
            error(f"cannot read {path}: {e.strerror}")
        if console:
            start = guest_start(lines)
            start = len(lines) if start is None else start
            leaves, seen_any = parse_ktap(lines[start:], start + 1)
        else:
            leaves, seen_any = parse_ktap(lines)
        if console:
            scan_console(lines, path, counts)
        elif not seen_any:
            counts.add("fail", f"no KTAP results in {path}")
        count_leaves(leaves, path, kernel, expected, counts)

    kernels = {k for _, k, _ in files}
    for e in expected:
        if e["variant"] in kernels and not e["seen"]:
            print(f"note: expected skip did not occur: {e['variant']} {e['glob']} # {e['reason']}")
    for note in counts.notes:
        print(note)
    for name, details in counts.failures:
        print(f"FAILED: {name}")
        for line in details:
            print(f"    | {line}")
    print(f"{counts.passed} passed, {counts.failed} failed, {counts.skipped} skipped")
    return 1 if counts.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
