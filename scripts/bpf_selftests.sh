#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# bpf_selftests.sh VARIANT KERNEL_DIR: make sure the kernel's own BPF
# selftests (tools/testing/selftests/bpf: test_progs and bpf_testmod.ko)
# are built for that kernel; print the path of the cached entry:
#
#   $CACHE/bpf-selftests-VARIANT-<key>/   test_progs (riscv64), the
#                                         BPF objects, bpf_testmod.ko,
#                                         DENYLIST.riscv64, build.log
#
# test_progs and its BPF objects are the same for every kernel:
# scripts/bpf_test_progs.sh builds them from the callops kernel's tree,
# because the series carries the selftests' riscv fixes (patches 27-28:
# tracing_multi asks the kernel instead of the compiler, kallsyms lines
# longer than 255 characters), and because two kernels' pass sets only
# compare the kernels if the tests are the same.  bpf_testmod.ko is built
# per kernel, from its own tree, the kernel's way, against its O= build
# dir (make -C <build> M=<test_kmods> MO=<cache> LLVM=1).  The key hashes
# the test_progs entry, the kernel entry and this recipe.
source "$(dirname "$0")/lib.sh"

VARIANT=${1:-}
KOUT=${2:-}
[ -n "$VARIANT" ] && [ -f "$KOUT/vmlinux" ] ||
	die "usage: bpf_selftests.sh VARIANT KERNEL_DIR (a kernel.sh entry with a vmlinux)"
BUILD=$(cat "$KOUT/build")
TREE=$(cat "$KOUT/source")
[ -d "$TREE/tools/testing/selftests/bpf/test_kmods" ] || die "no BPF selftests in $TREE"

# The kernel whose tree and BTF test_progs is built from.
if [ "$VARIANT" = callops ]; then
	PROGS_KOUT=$KOUT
else
	stage "bpf selftests $VARIANT: test_progs comes from the callops kernel's tree (scripts/kernel.sh callops)"
	PROGS_KOUT=$("$TOP/scripts/kernel.sh" callops)
fi
PROGS=$("$TOP/scripts/bpf_test_progs.sh" "$PROGS_KOUT")
KEY=$(hash_of "$(basename "$PROGS")" "$(basename "$KOUT")" "$0")
OUT=$CACHE/bpf-selftests-$VARIANT-$KEY
cached()
{
	[ -x "$OUT/test_progs" ] && [ -f "$OUT/bpf_testmod.ko" ]
}
if cached; then
	echo "$OUT"
	exit 0
fi
need_root
lock_cache "bpf-selftests-$VARIANT"
if cached; then
	echo "$OUT"
	exit 0
fi
WORK=$CACHE/work/bpf-testmod-$VARIANT
safe_rm "$WORK"
mkdir -p "$WORK"
log=$WORK/build.log
stage "bpf selftests $VARIANT: bpf_testmod.ko (make -C <build> M=<test_kmods> LLVM=1, log $log)"
if ! in_root make -C "$BUILD" ARCH=riscv LLVM=1 M="$TREE/tools/testing/selftests/bpf/test_kmods" \
	MO="$WORK/kmods" modules >"$log" 2>&1; then
	die "bpf selftests $VARIANT: bpf_testmod.ko build failed: $(grep -m1 -E 'error|Error' "$log" || tail -n1 "$log") (log $log)"
fi

tmp=$(new_tmp "$OUT")
cp -a "$PROGS/." "$tmp/"
cp "$WORK/kmods/bpf_testmod.ko" "$tmp/"
cat "$log" >>"$tmp/build.log"
publish "$tmp" "$OUT"
prune_entries "$OUT" "$CACHE/bpf-selftests-$VARIANT-"
stage "bpf selftests $VARIANT ready: $OUT"
echo "$OUT"
