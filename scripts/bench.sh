#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make bench`: vanilla 7.2 (upstream call ops) against callops, without and
# with the module, in one run, each booted under qemu -icount shift=0 with
# one vCPU (1 guest ns = 1 instruction).  Also: text sizes against a build
# without call ops (kernel.sh nocallops), and ftrace_init()'s instructions
# at boot (scripts/boot_init.py), and on 4 vCPUs the icache flushes and
# text writes of each control-path operation (selftests/bench_smp.sh).
# Writes Documentation/benchmarks.md.
NO_TOOLCHAIN=1
source "$(dirname "$0")/lib.sh"

# Only TIMEOUT is the user's: the boots below set SMP and MEM.
SMP=1 MEM=1G "$TOP/scripts/qemu.sh" --check
need_root
resolve_toolchain
LOGDIR=$CACHE/logs/$(date +%Y%m%d-%H%M%S)-bench
mkdir -p "$LOGDIR"

"$TOP/scripts/toolchain.sh"
KV=$("$TOP/scripts/kernel.sh" vanilla)
KC=$("$TOP/scripts/kernel.sh" callops)
KN=$("$TOP/scripts/kernel.sh" nocallops)
# The guests carry the kernel's BPF selftests: the bench suite runs
# test_progs' tracing_multi_bench_attach.
export CALLOPS_BPF_SELFTESTS=1
IV=$("$TOP/scripts/guest.sh" vanilla "$KV")
IC=$("$TOP/scripts/guest.sh" callops "$KC")

results=()
run()
{
	local name=$1 kout=$2 initrd=$3 module=$4
	ICOUNT=1 SMP=1 MEM=1G APPEND="CALLOPS_BENCH_MODULE=$module" \
		"$TOP/scripts/qemu.sh" "$kout" "$initrd" "$LOGDIR/$name.log" bench
	results+=("$name=$LOGDIR/$name.log")
}
run vanilla "$KV" "$IV" 0
run callops "$KC" "$IC" 0
run callops+module "$KC" "$IC" 1

# The SMP rows: 4 vCPUs, no -icount (they count calls of the icache flush
# and text writes per operation, not time); appended to each kernel's
# results as a second log.
smp()
{
	local i=$1 name=$2 kout=$3 initrd=$4 module=$5
	SMP=4 MEM=2G APPEND="CALLOPS_BENCH_MODULE=$module" \
		"$TOP/scripts/qemu.sh" "$kout" "$initrd" "$LOGDIR/$name-smp.log" bench_smp
	results[i]+=",$LOGDIR/$name-smp.log"
}
smp 0 vanilla "$KV" "$IV" 0
smp 1 callops "$KC" "$IC" 0
smp 2 callops+module "$KC" "$IC" 1

stage "sizes"
size_of()
{
	in_root llvm-size -A "$1/vmlinux" | awk -v s="$2" '$1 == s { print $2 }'
}
text_nocallops=$(size_of "$KN" .text)
for k in "vanilla=$KV" "callops=$KC"; do
	{
		echo "# bench: size.text $(size_of "${k#*=}" .text)"
		echo "# bench: size.init.text $(size_of "${k#*=}" .init.text)"
		echo "# bench: size.text_nocallops $text_nocallops"
		echo "# bench: size.Image $(stat -c %s "${k#*=}/Image")"
	} >>"$LOGDIR/${k%%=*}.log"
done

stage "ftrace_init() at boot (gdbstub breakpoints, -icount shift=0)"
for k in "vanilla=$KV" "callops=$KC"; do
	in_root python3 "$TOP/scripts/boot_init.py" "${k#*=}" >>"$LOGDIR/${k%%=*}.log" ||
		die "boot_init.py failed on ${k%%=*}"
done

stage "table"
versions="$(in_root clang --version | head -n1); $(in_root qemu-system-riscv64 --version | head -n1)"
in_root python3 "$TOP/scripts/bench_table.py" "$versions" "${results[@]}" \
	>"$TOP/Documentation/benchmarks.md"
in_root python3 "$TOP/scripts/bench_plot.py" "$TOP/Documentation/benchmarks-ops.png" \
	"${results[@]}" || die "bench_plot.py failed"
in_root python3 "$TOP/scripts/ktap.py" --console --kernel vanilla "$LOGDIR/vanilla.log" \
	"$LOGDIR/vanilla-smp.log" --kernel callops "$LOGDIR/callops.log" \
	"$LOGDIR/callops+module.log" "$LOGDIR/callops-smp.log" \
	"$LOGDIR/callops+module-smp.log" | tail -n 1
echo "table: Documentation/benchmarks.md (logs $LOGDIR)"
