#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Self-test of scripts/bpf_passsets.py on made-up consoles; KTAP on stdout.

    python3 scripts/test_bpf_passsets.py

Each case writes a callops and a vanilla console, runs bpf_passsets.py's
main() on them and checks which of its four results are "not ok".  Exit
code 0 when every case passes, 1 if not.
"""

import contextlib
import io
import os
import sys
import tempfile

sys.dont_write_bytecode = True  # scripts/ stays as git has it
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bpf_passsets  # noqa: E402
import ktap  # noqa: E402


def suite(fentry="ok", multi="ok", bench=True):
    """One bpf_selftests result as the guest prints it: tracing_multi_test
    and tracing_multi_attach_rollback with two subtests each (status MULTI
    for all), tracing_multi_bench_attach (status MULTI, left out unless
    BENCH), kprobe_multi_bench_attach (its subtest names twice, as
    test_progs prints them), fentry_test (FENTRY) and the exit-code
    result."""
    skip = " # SKIP no tracing_multi link" if multi == "skip" else ""
    status = "ok" if multi == "skip" else multi
    parent = "ok" if status == "ok" else "not ok"
    lines = []
    for test in ("tracing_multi_test", "tracing_multi_attach_rollback"):
        lines += ["        KTAP version 1", "        1..2",
                  f"        {status} 1 a{skip}", f"        {status} 2 b{skip}",
                  f"    {parent} {{m}} {test}"]
    if bench:
        lines.append(f"    {status} {{m}} tracing_multi_bench_attach{skip}")
    # Two tests' subtests under one name, as kprobe_multi_bench_attach has.
    lines += ["        KTAP version 1", "        1..4", "        ok 1 kernel", "        ok 2 modules",
              "        ok 3 kernel", "        ok 4 modules", "    ok {m} kprobe_multi_bench_attach"]
    lines += [f"    {fentry} {{m}} fentry_test", "    ok {m} test_progs exit code"]
    m = 0
    numbered = []
    for line in lines:
        if "{m}" in line:
            m += 1
            line = line.replace("{m}", str(m))
        numbered.append(line)
    return ["    KTAP version 1", f"    1..{m}"] + numbered + ["ok {n} bpf_selftests"]


def console(*runs):
    lines = [ktap.START_MARKER, "KTAP version 1", f"1..{len(runs)}"]
    for n, run in enumerate(runs, 1):
        lines += [l.replace("{n}", str(n)) for l in run]
    return lines + [ktap.DONE_MARKER]


VANILLA = console(suite(multi="skip"))
CASES = [
    # (name, callops console, vanilla console, numbers of the not ok results)
    ("both callops runs pass vanilla's set and tracing_multi",
     console(suite(), suite()), VANILLA, []),
    ("fentry_test fails with the module",
     console(suite(), suite(fentry="not ok")), VANILLA, [3]),
    ("tracing_multi skipped without the module",
     console(suite(multi="skip"), suite()), VANILLA, [2]),
    ("a tracing_multi subtest fails with the module",
     console(suite(), suite(multi="not ok")), VANILLA, [4]),
    ("only one callops run", console(suite()), VANILLA, [1, 2, 3, 4]),
    ("no vanilla run", console(suite(), suite()), console(), [1, 3]),
    ("tracing_multi_bench_attach left out without the module",
     console(suite(bench=False), suite()), VANILLA, [2]),
]


def run_case(callops, vanilla, tmp):
    paths = []
    for name, lines in (("callops.log", callops), ("vanilla.log", vanilla)):
        paths.append(os.path.join(tmp, name))
        with open(paths[-1], "w") as f:
            f.write("".join(l + "\n" for l in lines))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        rc = bpf_passsets.main(["--callops", paths[0], "--vanilla", paths[1],
                                "--table", os.path.join(tmp, "table.md")])
    lines = out.getvalue().splitlines()
    not_ok = [int(l.split()[2]) for l in lines if l.startswith("not ok ")]
    results = [l for l in lines if l.startswith(("ok ", "not ok "))]
    return rc, not_ok, len(results), lines


def main():
    print("KTAP version 1")
    print(f"1..{len(CASES)}")
    failed = 0
    for n, (name, callops, vanilla, want) in enumerate(CASES, 1):
        with tempfile.TemporaryDirectory() as tmp:
            rc, not_ok, count, lines = run_case(callops, vanilla, tmp)
        if rc == 0 and not_ok == want and count == 4:
            print(f"ok {n} {name}")
            continue
        failed += 1
        print(f"# exit {rc}, not ok results {not_ok} of {count}, want {want} of 4")
        print("".join(f"# bpf_passsets.py printed: {l}\n" for l in lines), end="")
        print(f"not ok {n} {name}")
    print(f"# bpf_passsets.py self-test: {len(CASES) - failed} of {len(CASES)} cases passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
