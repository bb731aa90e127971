#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make bench`: vanilla 7.2 (upstream call ops) against callops, without and
# with the module, in one run, each booted under qemu -icount shift=0 with
# one vCPU (1 guest ns = 1 instruction).  Writes Documentation/benchmarks.md.
source "$(dirname "$0")/lib.sh"

need_root
LOGDIR=$CACHE/logs/$(date +%Y%m%d-%H%M%S)-bench
mkdir -p "$LOGDIR"

"$TOP/scripts/toolchain.sh"
KV=$("$TOP/scripts/kernel.sh" vanilla)
KC=$("$TOP/scripts/kernel.sh" callops)
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

stage "sizes"
for k in "vanilla=$KV" "callops=$KC"; do
	in_root llvm-size -A "${k#*=}/vmlinux" | awk -v k="${k%%=*}" \
		'$1 == ".text" || $1 == ".init.text" { print "# bench: size" $1 " " $2 }' \
		>"$LOGDIR/${k%%=*}.sizes"
	echo "# bench: size.Image $(stat -c %s "${k#*=}/Image")" >>"$LOGDIR/${k%%=*}.sizes"
	cat "$LOGDIR/${k%%=*}.sizes" >>"$LOGDIR/${k%%=*}.log"
done

stage "table"
versions="$(in_root clang --version | head -n1); $(in_root qemu-system-riscv64 --version | head -n1)"
in_root python3 "$TOP/scripts/bench_table.py" "$versions" "${results[@]}" \
	>"$TOP/Documentation/benchmarks.md"
in_root python3 "$TOP/scripts/ktap.py" --console "${results[@]#*=}" | tail -n 1
echo "table: Documentation/benchmarks.md (logs $LOGDIR)"
