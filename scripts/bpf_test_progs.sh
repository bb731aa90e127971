#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# bpf_test_progs.sh KERNEL_DIR: make sure test_progs of the kernel's BPF
# selftests (tools/testing/selftests/bpf), with the tests in BPF_PROG_TESTS
# and the BPF objects they load, is built from that kernel's tree against
# its vmlinux BTF; print the path of the cached entry:
#
#   $CACHE/bpf-test-progs-<key>/   test_progs (riscv64), the BPF objects,
#                                  DENYLIST.riscv64, build.log
#
# scripts/bpf_selftests.sh builds it from the callops kernel for every
# kernel it tests, and adds that kernel's bpf_testmod.ko.  The key hashes
# the kernel entry (its tree, series, config and toolchain key), the
# toolchain root, the sysroot and this recipe.  The sources are the
# tree's, unchanged, built by its own Makefile: make runs in a shadow of
# tools/testing/selftests/bpf (symbolic links to every file) whose
# prog_tests/ and progs/ hold only BPF_PROG_TESTS and the BPF programs
# they load, so that only those are built, and so that nothing
# (prog_tests/tests.h, verification_cert.h) is written into the tree.
source "$(dirname "$0")/lib.sh"

PROGS_KOUT=${1:-}
[ -f "$PROGS_KOUT/vmlinux" ] ||
	die "usage: bpf_test_progs.sh KERNEL_DIR (a kernel.sh entry with a vmlinux)"
PROGS_TREE=$(cat "$PROGS_KOUT/source")
SRC=$PROGS_TREE/tools/testing/selftests/bpf
[ -f "$SRC/test_progs.c" ] || die "no BPF selftests in $PROGS_TREE"

# The prog_tests/*.c of issue 13 (each may define several tests: the test
# names test_progs reports are the test_ and serial_test_ functions).
BPF_PROG_TESTS="tracing_multi fentry_test fexit_test fentry_fexit modify_return
trampoline_count fexit_stress module_attach kprobe_multi_test tracing_struct
attach_probe"

SYSROOT=$("$TOP/scripts/sysroot.sh")
# test_progs runs on the guest userland's glibc: it must be the one it
# was linked against.
glibc_of()
{
	grep -a -o -m1 'GNU C Library [^)]*) [a-z ]*version [0-9.]*' "$1/usr/lib/riscv64-linux-gnu/libc.so.6" ||
		die "no riscv64 glibc in $1"
}
USERLAND=$("$TOP/scripts/userland.sh")
[ "$(glibc_of "$SYSROOT")" = "$(glibc_of "$USERLAND")" ] ||
	die "glibc differs between the sysroot ($SYSROOT: $(glibc_of "$SYSROOT")) and the guest userland ($USERLAND: $(glibc_of "$USERLAND")); delete the older of the two and run again"
# The parts that make every object stale when they change (the kernel's
# part is tracked by make: vmlinux.h, the module's kbuild dependencies).
BASE_KEY=$(hash_of "$(basename "$ROOT")" "$(basename "$SYSROOT")" "$0" "$BPF_PROG_TESTS")
PROGS_KEY=$(hash_of "$BASE_KEY" "$(basename "$PROGS_KOUT")")
PROGS=$CACHE/bpf-test-progs-$PROGS_KEY
if [ -x "$PROGS/test_progs" ]; then
	echo "$PROGS"
	exit 0
fi
need_root
lock_cache bpf-test-progs
if [ -x "$PROGS/test_progs" ]; then
	echo "$PROGS"
	exit 0
fi

WORK=$CACHE/work/bpf-test-progs
if [ "$(cat "$WORK/.base-key" 2>/dev/null)" != "$BASE_KEY" ]; then
	safe_rm "$WORK"
fi
mkdir -p "$WORK"
echo "$BASE_KEY" >"$WORK/.base-key"
log=$WORK/build.log
: >"$log"

# ---- the shadow tree --------------------------------------------------------
# $SHADOW mirrors $PROGS_TREE down to tools/testing/selftests/bpf: real
# directories on that path, a symbolic link for everything else, so the
# Makefile's relative paths (../../../build, ../lib.mk) and srctree work.
SHADOW=$WORK/src
SBPF=$SHADOW/tools/testing/selftests/bpf
stage "bpf selftests: shadow of tools/testing/selftests/bpf with $(echo $BPF_PROG_TESTS | wc -w) prog_tests"
safe_rm "$SHADOW"
# link_all_but FROM TO NAME...: TO/x -> FROM/x for every x but the NAMEs.
link_all_but()
{
	local from=$1 to=$2 e
	shift 2
	mkdir -p "$to"
	for e in "$from"/* "$from"/.[!.]*; do
		[ -e "$e" ] || [ -L "$e" ] || continue
		[[ " $* " == *" $(basename "$e") "* ]] && continue
		ln -s "$e" "$to/"
	done
}
link_all_but "$PROGS_TREE" "$SHADOW" tools
link_all_but "$PROGS_TREE/tools" "$SHADOW/tools" testing
link_all_but "$PROGS_TREE/tools/testing" "$SHADOW/tools/testing" selftests
link_all_but "$PROGS_TREE/tools/testing/selftests" "$SHADOW/tools/testing/selftests" bpf
link_all_but "$SRC" "$SBPF" prog_tests progs
mkdir -p "$SBPF/prog_tests" "$SBPF/progs"
for h in "$SRC"/prog_tests/*.h "$SRC"/progs/*.h; do
	ln -s "$h" "$SBPF/${h#"$SRC/"}"
done

# Which BPF programs the tests load: the skeletons they include (a linked
# skeleton, NAME.skel.h-deps in the Makefile, is made of several programs)
# and the objects they open by name; then what those programs #include
# from progs/ as C.
skel_deps()
{
	sed -n "s/^$1\.skel\.h-deps := //p" "$SRC/Makefile"
}
progs=""
linked=""
for t in $BPF_PROG_TESTS; do
	[ -f "$SRC/prog_tests/$t.c" ] || die "no prog_tests/$t.c in $PROGS_TREE"
	ln -s "$SRC/prog_tests/$t.c" "$SBPF/prog_tests/"
	for name in $(sed -n -E 's/^#include "([a-z0-9_]+)\.l?skel\.h".*/\1/p;
			s/.*"([a-z0-9_]+)\.bpf\.o".*/\1/p' "$SRC/prog_tests/$t.c"); do
		deps=$(skel_deps "$name")
		if [ -n "$deps" ]; then
			linked="$linked $name.skel.h"
			progs="$progs ${deps//.bpf.o/}"
		else
			progs="$progs $name"
		fi
	done
done
todo=$progs
while [ -n "$todo" ]; do
	next=""
	for p in $todo; do
		[ -f "$SRC/progs/$p.c" ] || die "BPF program progs/$p.c (loaded by the selected tests) not in $PROGS_TREE"
		[ -e "$SBPF/progs/$p.c" ] && continue
		ln -s "$SRC/progs/$p.c" "$SBPF/progs/"
		next="$next $(sed -n -E 's/^#include "([a-z0-9_]+)\.c".*/\1/p' "$SRC/progs/$p.c")"
	done
	todo=$next
done
linked=$(echo $linked | tr ' ' '\n' | sort -u | tr '\n' ' ')
signed=""
for f in $(sed -n 's/^LSKELS_SIGNED := //p' "$SRC/Makefile"); do
	[ ! -e "$SBPF/progs/$f" ] || signed="$signed $f"
done
echo "prog_tests: $BPF_PROG_TESTS" >>"$log"
echo "progs: $(ls "$SBPF/progs" | grep '\.c$' | tr '\n' ' ')" >>"$log"
echo "linked skeletons: $linked; signed light skeletons: $signed" >>"$log"

# ---- test_progs -------------------------------------------------------------
# Their Makefile, with: the toolchain root's bpftool for skeletons (also in
# place of the cross-built bpftool test_progs would ship); no extra files
# (urandom_read, sign-file, the other test modules, ...: for tests not
# built here), no libarena, no light skeletons but the signed ones of the
# selected programs; libbpf, libelf and its zstd and zlib linked
# statically, glibc dynamically: attach_probe's uprobe-lib subtest probes
# fopen() in libc.so.6 and expects test_progs' own calls to hit it.
OUTPUT=$WORK/out
mkdir -p "$OUTPUT"
stage "bpf selftests: test_progs and BPF objects (make -C tools/testing/selftests/bpf, log $log)"
if ! in_root make -C "$SBPF" -j"$(nproc)" \
	ARCH=riscv CROSS_COMPILE=riscv64-linux-gnu- \
	CC="riscv64-linux-gnu-gcc --sysroot=$SYSROOT" \
	OUTPUT="$OUTPUT" VMLINUX_BTF="$PROGS_KOUT/vmlinux" \
	BPFTOOL=/usr/sbin/bpftool TRUNNER_BPFTOOL=/usr/sbin/bpftool \
	TRUNNER_EXTRA_FILES= LIBARENA_SKEL= LIBARENA_ASAN_SKEL= \
	LSKELS= LSKELS_EXTRA= LSKELS_SIGNED="$signed" LINKED_SKELS="$linked" \
	LIBELF_LIBS="-Wl,-Bstatic -lelf -lzstd -lz -Wl,-Bdynamic" \
	SKIP_LLVM=1 SKIP_DOCS=1 \
	"$OUTPUT/test_progs" >>"$log" 2>&1; then
	die "bpf selftests: test_progs build failed: $(grep -m1 -E 'error|Error' "$log" || tail -n1 "$log") (log $log)"
fi


tmp=$(new_tmp "$PROGS")
cp "$OUTPUT/test_progs" "$OUTPUT"/*.bpf.o "$SRC/DENYLIST.riscv64" "$tmp/"
cp "$log" "$tmp/build.log"
publish "$tmp" "$PROGS"
prune_entries "$PROGS" "$CACHE/bpf-test-progs-"
stage "bpf test_progs ready: $PROGS"
echo "$PROGS"
