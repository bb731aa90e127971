#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Count KTAP results in console logs and KTAP files.

    ktap.py [FILE...] [--console LOG...]
        print failures, then "N passed, N failed, N skipped"; files after
        --console are guest consoles: a missing boot, a missing completion
        marker and kernel error reports count as failures there too

Leaf results are counted; a result line that closes a nested block of
results is a parent and only checked against its block's plan.  A block
that printed a plan fails each result it did not print, whether its parent
line came or not (a block left open when the input ends, or followed by
another block).  A result's name is its path from the top block, e.g.
"ftracetest/test.d/00basic/basic2.tc".
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


def parse_ktap(lines):
    """Parse KTAP lines (indentation = nesting): (leaves, any KTAP seen)."""
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

    for lineno, raw in enumerate(lines, 1):
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
        name = desc.split(" # ")[0].strip()
        directive = desc.split(" # ", 1)[1] if " # " in desc else ""
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


def main(argv):
    console = False
    counts = Counts()
    for log in argv:
        if log == "--console":
            console = True
            continue
        with open(log, errors="replace") as f:
            lines = f.readlines()
        leaves, seen_any = parse_ktap(lines)
        if console:
            if not any(l.startswith("KTAP version") for l in lines):
                counts.add("fail", f"boot: no KTAP output from the guest ({log})")
            elif not any(l.startswith(DONE_MARKER) for l in lines):
                counts.add("fail", f"guest did not finish (timeout or crash) ({log})")
            for pattern, what in KERNEL_ERRORS:
                hit = next((l.strip() for l in lines if pattern.search(l)), None)
                if hit:
                    counts.add("fail", f"{what}: {hit[:120]} ({log})")
        elif not seen_any:
            counts.add("fail", f"no KTAP results in {log}")
        for status, name, _ in leaves:
            counts.add(status, f"{name} ({log})" if status == "fail" else name)
    for name in counts.failures:
        print(f"FAILED: {name}")
    print(f"{counts.passed} passed, {counts.failed} failed, {counts.skipped} skipped")
    return 1 if counts.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
