#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn `make bench` console logs into Documentation/benchmarks.md.

    bench_table.py VERSIONS NAME=LOG[,LOG...]...

Each LOG holds "# bench: <key> <value>" lines (selftests/bench.sh, and the
size lines scripts/bench.sh appends); the first NAME is the baseline.
"""

import re
import sys

LINE = re.compile(r"^\s*# bench: (\S+) (-?\d+)\s*$")

# Rows computed from measured ones: key, (numerator, subtracted, per).
DERIVED = {
    "text_added": ("size.text", "size.text_nocallops", None),
    "text_added_per_site": ("size.text", "size.text_nocallops", "boot.ftrace_records"),
    "init_insns_per_site": ("boot.ftrace_init_insns", None, "boot.ftrace_records"),
    "sync_bpf_added": ("sync_bpf_fentry_fexit", "sync_plain", None),
    "fault_direct_added": ("fault_direct_sample", "fault_plain", None),
    "bpf_test_run_added": ("bpf_test_run_fentry", "bpf_test_run_plain", None),
    "sync_fentry_link_added": ("sync_link_fentry", "sync_link_none", None),
    "sync_multi_link_added": ("sync_link_multi", "sync_link_none", None),
    "load_added_per_site": ("load_callops_many_instret", "load_callops_many_notrace_instret",
                            "module_call_sites"),
    "unload_added_per_site": ("unload_callops_many_instret",
                              "unload_callops_many_notrace_instret", "module_call_sites"),
}

# The operations selftests/bench_smp.sh counts.
SMP_OPS = [
    ("enable_sites", "enable the function tracer on 1,000 call sites"),
    ("switch_to_list", "a second instance on them (-> list ops)"),
    ("switch_back", "remove it (-> single ops)"),
    ("disable_sites", "disable the function tracer"),
    ("load_callops_many", "insmod callops_many.ko (600 call sites)"),
    ("unload_callops_many", "rmmod callops_many"),
    ("bpf_attach_detach_1000", "attach and detach 1,000 BPF fentry trampolines"),
    ("provider_register", "insmod callops.ko (provider registration)"),
    ("provider_unregister", "rmmod callops (provider unregistration)"),
]

ROWS = [
    ("Function text", [
        ("size.text", "vmlinux .text (bytes)"),
        ("size.text_nocallops", "vmlinux .text of the same kernel without call ops (bytes)"),
        ("text_added", ".text added by call ops (bytes)"),
        ("text_added_per_site", "... per call site (bytes)"),
        ("size.init.text", "vmlinux .init.text (bytes)"),
        ("size.Image", "Image (bytes)"),
    ]),
    ("Per-call-site table (the module's slots, in data memory)", [
        ("table.capacity", "slots allocated"),
        ("table.used", "slots handed to call sites"),
        ("table.slot_bytes", "slot memory (bytes)"),
        ("table.bookkeeping_bytes", "call site of each slot, kept by the module (bytes)"),
    ]),
    ("ftrace_init() at boot (gdbstub breakpoints at its entry and return)", [
        ("boot.ftrace_records", "call sites (__mcount_loc entries)"),
        ("boot.ftrace_init_insns", "instructions"),
        ("init_insns_per_site", "... per call site"),
        ("boot.ftrace_init_nop_insns", "... of which ftrace_init_nop() (the first call site's)"),
    ]),
    ("ftrace-ops sample: instructions per call of the traced function", [
        (f"ops_r{r}_i{i}_regs{g}", f"{r} relevant, {i} irrelevant ops"
         + (", save_regs" if g else ""))
        for g in (0, 1) for i in (0, 200) for r in (0, 1, 2, 200)
    ]),
    ("Direct trampolines: instructions per call", [
        ("sync_plain", "sync(), nothing attached"),
        ("sync_bpf_fentry_fexit", "sync(), BPF fentry+fexit on ksys_sync (direct call)"),
        ("sync_bpf_added", "... added by the trampoline"),
        ("sync_bpf_and_function_tracer", "sync(), fentry+fexit and the function tracer (list)"),
        ("fault_plain", "page fault, nothing attached"),
        ("fault_direct_sample", "page fault, ftrace-direct-too sample on handle_mm_fault"),
        ("fault_direct_added", "... added by the sample's trampoline (with its trace_printk)"),
        ("bpf_test_run_plain", "BPF_PROG_TEST_RUN of an fentry program, not attached"),
        ("bpf_test_run_fentry", "... attached to bpf_fentry_test1, called once a run"),
        ("bpf_test_run_added", "... added by the trampoline"),
    ]),
    ("BPF fentry trampolines: attach and detach of N functions", [
        row for n in (1, 100, 1000) for op in ("attach", "detach")
        for row in ((f"bpf_{op}_{n}_instret", f"{op} {n:,}: instructions retired"),
                    (f"bpf_{op}_{n}_us", "... guest time (us)"))
    ]),
    ("BPF tracing_multi: one link on many functions", [
        ("btf_traceable_functions", "functions in available_filter_functions and traceable by BTF"
         " (test_progs' tracing_multi_bench_attach)"),
        ("multi_bench_attach_us", "one link on all of them: attach, guest time (us)"),
        ("multi_bench_detach_us", "... detach, guest time (us)"),
        ("multi_attach_1000_instret", "one link on 1,000 functions: attach, instructions retired"),
        ("multi_attach_1000_us", "... guest time (us)"),
        ("multi_detach_1000_instret", "... detach, instructions retired"),
        ("multi_detach_1000_us", "... guest time (us)"),
        ("sync_link_none", "sync(), nothing attached: instructions per call"),
        ("sync_link_fentry", "sync(), an empty fentry program on ksys_sync, single link"),
        ("sync_fentry_link_added", "... added by its trampoline"),
        ("sync_link_multi", "sync(), the same program as fentry.multi, a tracing_multi link"),
        ("sync_multi_link_added", "... added by its trampoline"),
    ]),
    ("Switching the ops of many call sites (one tracefs write each)", [
        ("switch_sites", "call sites"),
        ("enable_sites_instret", "enable the function tracer on them: instructions retired"),
        ("enable_sites_ns", "... guest time (ns: instructions + idle time waited)"),
        ("enable_sites_text_words", "... text words written"),
        ("switch_to_list_instret",
         "add a second instance on them (-> list ops): instructions retired"),
        ("switch_to_list_ns", "... guest time (ns)"),
        ("switch_to_list_text_words", "... text words written"),
        ("switch_to_list_slot_stores", "... slot stores"),
        ("switch_back_instret", "remove it (-> single ops): instructions retired"),
        ("switch_back_ns", "... guest time (ns)"),
        ("switch_back_text_words", "... text words written"),
    ]),
    ("A module's call sites: load and unload (callops_many against callops_many_notrace; "
     "each count the least of 5 runs on its own)", [
        ("module_call_sites", "call sites of callops_many"),
        ("load_callops_many_instret", "insmod callops_many.ko: instructions retired"),
        ("load_callops_many_ns", "... guest time (ns)"),
        ("load_callops_many_notrace_instret",
         "insmod callops_many_notrace.ko (the same code, no call sites): instructions retired"),
        ("load_added_per_site", "... load instructions per call site (the difference / call sites)"),
        ("unload_callops_many_instret", "rmmod callops_many: instructions retired"),
        ("unload_callops_many_ns", "... guest time (ns)"),
        ("unload_callops_many_notrace_instret",
         "rmmod callops_many_notrace: instructions retired"),
        ("unload_added_per_site", "... unload instructions per call site"),
    ]),
    ("SMP (4 vCPUs): global icache flushes and text writes per operation", [
        row for op, label in SMP_OPS
        for row in ((f"smp.{op}.flush_icache_all", f"{label}: flush_icache_all() calls"),
                    (f"smp.{op}.sbi_remote_fence_i", "... of which by SBI remote fence.i"),
                    (f"smp.{op}.ipis", "... IPIs taken (all CPUs)"),
                    (f"smp.{op}.ftrace_make_call", "... ftrace_make_call() calls (call sites on)"),
                    (f"smp.{op}.ftrace_make_nop", "... ftrace_make_nop() calls (call sites off)"),
                    (f"smp.{op}.ftrace_modify_call",
                     "... ftrace_modify_call() calls (a call site's target changed)"),
                    (f"smp.{op}.site_text_writes", "... text words written (series counter)"),
                    (f"smp.{op}.prefix_writes", "... slot offsets written (series counter)"),
                    (f"smp.{op}.slot_stores", "... slot stores (series counter)"),
                    (f"smp.{op}.patch_text_data_words",
                     "... patch_text_data_words() calls (slot offset batches)"))
    ]),
    ("The call ops provider (the module) on a booted system", [
        ("provider_register_instret",
         "insmod callops.ko (load, slots for every call site): instructions retired"),
        ("provider_register_ns", "... guest time (ns)"),
        ("provider_unregister_instret",
         "rmmod callops (call sites back on the list slot, slots freed): instructions retired"),
        ("provider_unregister_ns", "... guest time (ns)"),
        ("provider_reregister_instret", "insmod callops.ko again: instructions retired"),
        ("provider_reregister_ns", "... guest time (ns)"),
    ]),
]


# How each section is measured: the exact commands, for the end of the page.
METHOD = """## How each row is measured

Each kernel boots once with
`qemu-system-riscv64 -M virt -cpu rv64 -smp 1 -m 1G -nographic -no-reboot
-icount shift=0,sleep=off -kernel Image -initrd <initramfs> -append
"console=ttyS0 quiet panic=-1 CALLOPS_SUITES=bench CALLOPS_ZICCIF=1
CALLOPS_BENCH_MODULE=0|1"` (scripts/bench.sh, scripts/qemu.sh), and the
guest's `selftests/bench.sh` runs, in this order:

- table: `insmod callops.ko` (callops+module only), then `capacity:` and
  `used:` of `/sys/kernel/debug/callops/state`, 8 bytes per slot and 8 per
  slot's recorded call site;
- ftrace-ops: `modprobe ftrace-ops nr_function_calls=10000
  nr_ops_relevant=R nr_ops_irrelevant=I save_regs=S`, the sample's own
  `ns / call` (one instruction per ns);
- sync(): `syscall_loop sync 2000` (mean per call, clock_gettime around
  the loop) with nothing attached, after `bpftool prog loadall
  sync_hits.bpf.o /sys/fs/bpf/bench autoattach` (fentry+fexit on
  ksys_sync), and with `echo ksys_sync > set_ftrace_filter; echo function >
  current_tracer` on top;
- page fault: `syscall_loop fault 2000` (2,000 fresh anonymous pages
  touched, the second of two passes timed), without and with `modprobe
  ftrace-direct-too`;
- BPF_PROG_TEST_RUN: `bpf_tramp -t fentry_test_run_cost` (1,000 runs of
  the fentry program of bpf_fentry_test1, before and after attaching);
- attach/detach: `bpf_tramp -n N -t many_trampolines` for N = 1, 100,
  1,000 (one fentry program per function; what attaching and closing the
  links of all N take: instructions retired, and guest microseconds, which
  include the RCU grace periods that -icount sleep=off skips through);
- tracing_multi: test_progs' `serial_test_tracing_multi_bench_attach`
  (`test_progs -t tracing_multi_bench_attach`, the kernel's own BPF
  selftest: one fentry.multi link on every function that is in
  available_filter_functions, unique in kallsyms and traceable by BTF; its
  "found", "attached in" and "detached in" lines), then `bpf_tramp -n 1000
  -t tracing_multi_many` (one link with one program on the 1,000 functions
  of the attach/detach rows), and `bpf_tramp -t sync_link_cost` (2,000
  sync() calls with nothing attached, with an empty fentry program on
  ksys_sync through a single link, then through a tracing_multi link);
  a kernel without single direct ops (vanilla) cannot make the links;
- switching: the first 1,000 names of available_filter_functions (their
  call sites: the row says how many) in the top and a second instance's
  set_ftrace_filter; `timed_syscall write current_tracer function` (top
  instance), then `function` and `nop` into the second instance's
  current_tracer, with the series' counters (`site_text_writes`,
  `slot_stores` in /sys/kernel/debug/riscv_callops/state) read around
  each write;
- a module's call sites: `timed_syscall insmod callops_many.ko`,
  `timed_syscall rmmod callops_many`, the same for callops_many_notrace
  (selftests/testmod: 600 functions, the second built without
  `CC_FLAGS_FTRACE`), call sites = its lines in available_filter_functions;
  per call site = (callops_many - callops_many_notrace) / call sites;
- the provider: `timed_syscall insmod callops.ko` first (the table rows
  follow it), `timed_syscall rmmod callops` and `timed_syscall insmod`
  again at the end.

Control-path rows give two numbers. "Instructions retired" is a perf
counter of hardware instructions on CPU 0, every task and mode
(`perf_event_open(PERF_COUNT_HW_INSTRUCTIONS, pid -1, cpu 0)`, read just
before and after the system call; riscv's SBI PMU counts instret, which
QEMU derives from its instruction count): the work the operation caused,
its kernel threads' included. "Guest time" is CLOCK_MONOTONIC around the
same call: the instructions plus the idle time the operation waited
through (RCU grace periods, ticks), which `-icount sleep=off` skips
through. Per-call rows (ftrace-ops, sync(), page faults, test runs) wait
for nothing: there guest nanoseconds are instructions.

SMP rows: each kernel boots a second time, `-smp 4 -m 2G` without
`-icount`, and `selftests/bench_smp.sh` counts, around each operation,
the hits of kprobe events (`/sys/kernel/tracing/kprobe_profile`) on
`flush_icache_all()` (riscv's global icache flush: a local fence.i and a
remote fence.i to every other hart; upstream's `patch_text_nosync()` of
an ops literal makes one), `sbi_remote_fence_i()` (whether that remote
fence.i goes by SBI), the architecture's call-site updates
`ftrace_make_call()`, `ftrace_make_nop()` and `ftrace_modify_call()`, and
`patch_text_data_words()` (the series only; `patch_insn_write()` and
`patch_text_nosync()` cannot be probed: NOKPROBE_SYMBOL), the series'
counters `site_text_writes`, `prefix_writes` and `slot_stores`
(`/sys/kernel/debug/riscv_callops/state`; upstream has none), and the IPI
rows of `/proc/interrupts` summed over all CPUs. The operations are
those of the rows above, BPF attach and detach counted together (one
`bpf_tramp -n 1000 -t many_trampolines` run).

On the host: `llvm-size -A vmlinux` (.text, .init.text) and `stat -c %s
Image` for each kernel, .text also for `scripts/kernel.sh nocallops` (the
callops tree without riscv's select of HAVE_DYNAMIC_FTRACE_WITH_CALL_OPS);
`scripts/boot_init.py`: `qemu-system-riscv64 ... -icount shift=0 -S` with
the gdbstub, a breakpoint at ftrace_init and one at its return address,
minstret read at both, and the same around the first ftrace_init_nop()
call inside it; call sites = (__stop_mcount_loc -
__start_mcount_loc) / 8 from System.map.
"""


def parse(paths):
    """The "# bench:" values of one kernel: PATHS is LOG[,LOG...]."""
    values = {}
    for path in paths.split(","):
        with open(path, errors="replace") as f:
            for line in f:
                m = LINE.match(line)
                if m:
                    values[m.group(1)] = int(m.group(2))
    return values


def derive(values):
    for key, (value, minus, per) in DERIVED.items():
        if value not in values or (minus and minus not in values) or \
                (per and not values.get(per)):
            continue
        v = values[value] - (values[minus] if minus else 0)
        values[key] = round(v / values[per], 1) if per else v


def cell(value, base):
    if value is None:
        return "-"
    if base in (None, 0) or value == base:
        return f"{value:,}"
    return f"{value:,} ({(value - base) * 100 / base:+.1f} %)"


def main(argv):
    versions, runs = argv[0], [a.split("=", 1) for a in argv[1:]]
    data = [(name, parse(path)) for name, path in runs]
    for _, values in data:
        derive(values)
    out = ["# Benchmarks", "",
           "Regenerated by `make bench`; do not edit. Every kernel boots under",
           "`qemu-system-riscv64 -M virt -cpu rv64 -smp 1 -icount shift=0,sleep=off`,",
           "where one guest nanosecond is one instruction, so the counts are exact",
           "and repeatable. Same config fragment, same flags, same QEMU, one run.",
           f"Toolchain: {versions}.", "",
           f"Percentages are against `{data[0][0]}` (upstream 7.2 call ops, 8-byte",
           "in-text literal). `-` means not measured on that kernel (sizes are per",
           "kernel build, so the module run has none; ops counters exist only with",
           "the series). The callops rows without the module use the list ops at",
           "every call site; with the module each call site has its own slot.", "",
           "![instructions per call against the number of ops](benchmarks-ops.png)", ""]
    for title, rows in ROWS:
        out.append(f"## {title}")
        out.append("")
        out.append("| | " + " | ".join(name for name, _ in data) + " |")
        out.append("|---|" + "---|" * len(data))
        for key, label in rows:
            base = data[0][1].get(key)
            cells = [cell(values.get(key), base) for _, values in data]
            out.append(f"| {label} | " + " | ".join(cells) + " |")
        out.append("")
    out.append(METHOD)
    print("\n".join(out).rstrip("\n"))


if __name__ == "__main__":
    main(sys.argv[1:])
