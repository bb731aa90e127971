#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Count KTAP results in console logs and KTAP files.

    ktap.py [FILE...] [--console LOG...]
        print failures, then "N passed, N failed, N skipped"; files after
        --console are guest consoles: a missing boot, a missing completion
        marker and kernel error reports count as failures there too

Leaf results are counted; a result line that closes a nested block of
results is a parent and only checked against its block's plan.  Missing
results (plan larger than the results seen) count as failures.
"""

import re
import sys

RESULT = re.compile(r"^(not ok|ok) (\d+)\s*-?\s*(.*)$")
PLAN = re.compile(r"^1\.\.(\d+)")
DONE_MARKER = "# callops-guest: done"
# Kernel reports that make a run fail wherever they appear in the console.
KERNEL_ERRORS = [
    (re.compile(r"\bOops\b|Unable to handle kernel"), "kernel oops"),
    (re.compile(r"\bBUG:"), "kernel BUG"),
    (re.compile(r"WARNING: .*(CPU|at )"), "kernel WARN"),
    (re.compile(r"Kernel panic"), "kernel panic"),
    # Lockdep's reports ("WARNING: possible circular locking dependency
    # detected", "... inconsistent lock state", "... suspicious RCU usage",
    # "... bad unlock balance detected!", ...) and its giving up; not a
    # mention such as the boot line "RCU lockdep checking is enabled".
    (re.compile(r"(WARNING|INFO): .*(lock|RCU usage)|"
                r"turning off the locking correctness validator"),
     "lockdep report"),
    # "BUG: KASAN: use-after-free in ...", "UBSAN: shift-out-of-bounds in ...";
    # not a mere mention such as a skip reason naming a KASAN kernel.
    (re.compile(r"\b(KASAN|UBSAN): "), "sanitizer report"),
    (re.compile(r"rcu_.*(stall|self-detected)|INFO: task .* blocked"), "stall report"),
]


class Counts:
    def __init__(self):
        self.passed = self.failed = self.skipped = 0
        self.failures = []

    def add(self, status, name):
        if status == "skip":
            self.skipped += 1
        elif status == "pass":
            self.passed += 1
        else:
            self.failed += 1
            self.failures.append(name)


def parse_ktap(lines, counts, where):
    """Parse KTAP lines (indentation = nesting) into counts."""
    # Per nesting depth: plan, results seen, and failure names not yet
    # prefixed with the parent's name (KTAP gives a parent after its block).
    blocks = {}
    seen_any = False

    def fail(depth, name):
        if depth == 0:
            counts.add("fail", f"{name} ({where})")
        else:
            blocks[depth]["failed"].append(name)

    for raw in lines:
        line = raw.rstrip("\r\n")
        stripped = line.lstrip(" ")
        depth = (len(line) - len(stripped)) // 4
        if stripped.startswith("KTAP version"):
            for d in [d for d in blocks if d >= depth]:
                del blocks[d]
            blocks[depth] = {"plan": None, "seen": 0, "failed": []}
            seen_any = True
            continue
        m = PLAN.match(stripped)
        if m and depth in blocks:
            blocks[depth]["plan"] = int(m.group(1))
            continue
        m = RESULT.match(stripped)
        if not m or depth not in blocks:
            continue
        ok, desc = m.group(1) == "ok", m.group(3)
        name = desc.split(" # ")[0].strip()
        directive = desc.split(" # ", 1)[1] if " # " in desc else ""
        blocks[depth]["seen"] += 1
        child = blocks.pop(depth + 1, None)
        if child is not None and child["seen"] > 0:
            # A parent closing its block: report the block's failures
            # under the parent's name and check the block's plan.
            for sub in child["failed"]:
                fail(depth, f"{name}/{sub}")
            plan, seen = child["plan"], child["seen"]
            for i in range(seen, plan or 0):
                fail(depth, f"{name}/result {i + 1} of {plan} missing")
            if not ok and not child["failed"] and (plan or 0) <= seen:
                fail(depth, f"{name}: failed without a failing subtest")
        elif directive.upper().startswith("SKIP"):
            counts.add("skip", name)
        elif ok:
            counts.add("pass", name)
        else:
            fail(depth, name)
    top = blocks.get(0)
    if top and top["plan"] is not None:
        for i in range(top["seen"], top["plan"]):
            counts.add("fail", f"result {i + 1} of {top['plan']} missing ({where})")
    return seen_any


def main(argv):
    console = False
    counts = Counts()
    for log in argv:
        if log == "--console":
            console = True
            continue
        with open(log, errors="replace") as f:
            lines = f.readlines()
        if console:
            start = next((i for i, l in enumerate(lines) if l.startswith("KTAP version")), None)
            if start is None:
                counts.add("fail", f"boot: no KTAP output from the guest ({log})")
            else:
                parse_ktap(lines[start:], counts, log)
                if not any(l.startswith(DONE_MARKER) for l in lines):
                    counts.add("fail", f"guest did not finish (timeout or crash) ({log})")
            for pattern, what in KERNEL_ERRORS:
                hit = next((l.strip() for l in lines if pattern.search(l)), None)
                if hit:
                    counts.add("fail", f"{what}: {hit[:120]} ({log})")
        elif not parse_ktap(lines, counts, log):
            counts.add("fail", f"no KTAP results in {log}")
    for name in counts.failures:
        print(f"FAILED: {name}")
    print(f"{counts.passed} passed, {counts.failed} failed, {counts.skipped} skipped")
    return 1 if counts.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
