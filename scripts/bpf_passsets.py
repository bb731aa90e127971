#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Compare the kernel's BPF selftests (test_progs) on callops and vanilla.

    bpf_passsets.py --callops LOG --vanilla LOG [--table FILE]

LOG is a guest console of make check: the callops one runs the
bpf_selftests suite twice (without the provider module, then with it),
the vanilla one once.  Prints KTAP, one result per callops run:
  - it passes every test_progs result that vanilla passes;
  - it ran and passed tracing_multi_test and tracing_multi_attach_rollback
    (every subtest) and tracing_multi_bench_attach (vanilla cannot run
    them: no tracing_multi link, -EOPNOTSUPP).
With --table, writes the side-by-side pass sets as a Markdown table.
"""

import sys

import ktap

SUITE = "bpf_selftests/"
# bpf_selftests.sh's last result: test_progs' own exit code, not a test.
EXIT_RESULT = SUITE + "test_progs exit code"
RUN_NAMES = ["without the module", "with the module"]
# The tracing_multi tests: a name, or a name with "/" for its subtests.
TRACING_MULTI = ["tracing_multi_test/", "tracing_multi_attach_rollback/",
                 "tracing_multi_bench_attach"]


def error(msg):
    print(f"bpf_passsets.py: {msg}", file=sys.stderr)
    sys.exit(2)


def runs(path):
    """The console's bpf_selftests runs, in order: [{name: status}].  A name
    that comes twice in one run (kprobe_multi_bench_attach has two tests'
    subtests under one name) is numbered: "NAME (2)"."""
    try:
        with open(path, errors="replace") as f:
            lines = f.readlines()
    except OSError as e:
        error(f"cannot read {path}: {e.strerror}")
    start = ktap.guest_start(lines)
    if start is None:
        return []
    found, begin = [], start
    for i in range(start, len(lines)):
        m = ktap.RESULT.match(lines[i].rstrip("\r\n"))
        if not m:
            continue
        # A top-level result: one suite's block is the lines since the last.
        if m.group(3).split(" #")[0].strip() == SUITE.rstrip("/"):
            leaves, _ = ktap.parse_ktap(["KTAP version 1"] + lines[begin:i + 1], begin)
            run = {}
            for status, name, _ in leaves:
                if not name.startswith(SUITE) or name == EXIT_RESULT:
                    continue
                name, key, k = name[len(SUITE):], name[len(SUITE):], 1
                while key in run:
                    k += 1
                    key = f"{name} ({k})"
                run[key] = status
            found.append(run)
        begin = i + 1
    return found


def main(argv):
    args = dict(zip(argv[::2], argv[1::2]))
    if len(argv) % 2 or set(args) - {"--callops", "--vanilla", "--table"} or \
            not {"--callops", "--vanilla"} <= set(args):
        error("usage: bpf_passsets.py --callops LOG --vanilla LOG [--table FILE]")
    callops, vanilla = runs(args["--callops"]), runs(args["--vanilla"])
    print("KTAP version 1")
    print(f"1..{2 * len(RUN_NAMES)}")
    base = vanilla[0] if len(vanilla) == 1 else None
    if base is None:
        print(f"# vanilla console {args['--vanilla']}: {len(vanilla)} bpf_selftests runs, want 1")
    else:
        print(f"# vanilla: {sum(s == 'pass' for s in base.values())} of {len(base)} results passed")
    n = 0
    for i, what in enumerate(RUN_NAMES):
        run = callops[i] if len(callops) == len(RUN_NAMES) else None
        if run is None:
            print(f"# callops console {args['--callops']}: {len(callops)} bpf_selftests runs, "
                  f"want {len(RUN_NAMES)}")
        ok = run is not None and base is not None
        if ok:
            lost = sorted(t for t, s in base.items() if s == "pass" and run.get(t) != "pass")
            for t in lost:
                print(f"# passed on vanilla, {run.get(t, 'not run')} on callops {what}: {t}")
            ok = not lost
        n += 1
        print(f"{'ok' if ok else 'not ok'} {n} callops {what} passes every test_progs result "
              f"vanilla passes")
        multi = {t: s for t, s in (run or {}).items() if t.startswith("tracing_multi")}
        bad = sorted(t for t, s in multi.items() if s != "pass")
        missing = [want for want in TRACING_MULTI if not any(
            t.startswith(want) if want.endswith("/") else t == want for t in multi)]
        for t in bad:
            print(f"# tracing_multi on callops {what}: {t} {multi[t]}")
        for want in missing:
            print(f"# tracing_multi on callops {what}: no {want.rstrip('/')} result")
        n += 1
        print(f"{'ok' if run and not bad and not missing else 'not ok'} {n} tracing_multi on "
              f"callops {what}: {len(multi) - len(bad)} of {len(multi)} results passed")
    if "--table" in args:
        write_table(args["--table"], base or {}, callops)
    return 0


def write_table(path, base, callops):
    """Every result, with its status on vanilla and on each callops run."""
    names = sorted(set(base).union(*callops))
    with open(path, "w") as f:
        f.write("| test_progs result | vanilla | " +
                " | ".join(f"callops {w}" for w in RUN_NAMES[:len(callops)]) + " |\n")
        f.write("|---|---|" + "---|" * len(callops[:len(RUN_NAMES)]) + "\n")
        for t in names:
            cells = [base.get(t, "-")] + [r.get(t, "-") for r in callops[:len(RUN_NAMES)]]
            f.write(f"| {t} | " + " | ".join(cells) + " |\n")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
