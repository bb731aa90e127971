#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# host-checks.sh KERNEL_DIR: checks that need no guest, as KTAP on stdout:
# checkpatch --strict on every patch of the series, rustfmt and clippy on
# the module (clippy through the kernel's CLIPPY=1 module build),
# the result counter's self-test (scripts/test_ktap.py, its cases nested) and
# the test_progs pass-set comparison's (scripts/test_bpf_passsets.py),
# bad settings of make, pipeline.sh and qemu.sh refused (refusals.sh, nested)
# and the cache keys' package versions (check-cache-keys.sh, no network).
source "$(dirname "$0")/lib.sh"

KOUT=$1
TREE=$(cat "$KOUT/source")
BUILD=$(cat "$KOUT/build")
# Per clone, like the guest work dirs.
LOGS=$CACHE/work/host-checks-$(hash_of "$TOP")
mkdir -p "$LOGS"
mapfile -t patches < <(grep -v -e '^#' -e '^[[:space:]]*$' "$TOP/arch-riscv-patch/series")

n=0
result()
{
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n $2"; else echo "not ok $n $2"; fi
}

stage "host checks: checkpatch, rustfmt, ktap.py and bpf_passsets.py self-tests, refused settings, cache keys, clippy"
echo "KTAP version 1"
echo "1..$((${#patches[@]} + 7 + (${#patches[@]} == 0)))"
if [ ${#patches[@]} -eq 0 ]; then
	n=$((n + 1))
	echo "ok $n checkpatch --strict # SKIP arch-riscv-patch/series is empty"
fi
# Message types kept on purpose, each with its reason in checkpatch.ignore.
ignore=$(grep -v -e '^#' -e '^[[:space:]]*$' "$TOP/arch-riscv-patch/checkpatch.ignore" |
	awk '{print $1}' | paste -sd, -)
for p in "${patches[@]}"; do
	rc=0
	in_root sh -c 'cd "$1" && ./scripts/checkpatch.pl --strict --quiet ${3:+--ignore "$3"} "$2"' sh \
		"$TREE" "$TOP/arch-riscv-patch/$p" "$ignore" >"$LOGS/checkpatch-$p.log" 2>&1 || rc=$?
	sed 's/^/# /' "$LOGS/checkpatch-$p.log"
	result "$rc" "checkpatch --strict $p"
done

# The cover letter's base-commit is the pristine import (kernel.sh), whose
# id pristine_git makes a function of the tree and message alone.
want=$(pristine_id "$TREE")
tagged=$(git -C "$TREE" rev-parse pristine)
got=$(sed -n 's/^base-commit: //p' "$TOP/arch-riscv-patch/0000-cover-letter.patch")
echo "# base-commit: cover letter '$got', pristine import $want, tag pristine $tagged"
rc=0
[ "$got" = "$want" ] && [ "$tagged" = "$want" ] || rc=1
result "$rc" "cover letter's base-commit is the pristine import"

rc=0
in_root rustfmt --check --edition 2021 --config-path "$TREE/.rustfmt.toml" \
	"$TOP"/rust/*.rs >"$LOGS/rustfmt.log" 2>&1 || rc=$?
sed 's/^/# /' "$LOGS/rustfmt.log" | head -n 40
result "$rc" "rustfmt --check rust/"

# ktap.py on made-up consoles: its cases as a nested KTAP block.
rc=0
in_root python3 -B "$TOP/scripts/test_ktap.py" >"$LOGS/test_ktap.log" 2>&1 || rc=$?
sed 's/^/    /' "$LOGS/test_ktap.log"
result "$rc" "ktap.py self-test (scripts/test_ktap.py)"

# bpf_passsets.py (test_progs on callops against vanilla) on made-up consoles.
rc=0
in_root python3 -B "$TOP/scripts/test_bpf_passsets.py" >"$LOGS/test_bpf_passsets.log" 2>&1 || rc=$?
sed 's/^/    /' "$LOGS/test_bpf_passsets.log"
result "$rc" "bpf_passsets.py self-test (scripts/test_bpf_passsets.py)"

rc=0
"$TOP/scripts/refusals.sh" "$KOUT" >"$LOGS/refusals.ktap" || rc=$?
sed 's/^/    /' "$LOGS/refusals.ktap"
result "$rc" "bad settings refused before any build (scripts/refusals.sh)"

# lib.sh's Debian package versions against fake mirrors.
rc=0
"$TOP/scripts/check-cache-keys.sh" >"$LOGS/cache-keys.log" 2>&1 || rc=$?
sed 's/^/# /' "$LOGS/cache-keys.log"
result "$rc" "cache keys follow Debian package versions (check-cache-keys.sh)"

# A warning is a failure: clippy lints arrive as warnings.
if ! grep -q ' ftrace_callops_register$' "$KOUT/System.map"; then
	n=$((n + 1))
	echo "ok $n clippy (make CLIPPY=1) on rust/ # SKIP kernel has no call ops provider interface"
	exit 0
fi
rc=0
safe_rm "$LOGS/clippy-build"
"$TOP/scripts/module.sh" "$BUILD" "$LOGS/clippy-build" CLIPPY=1 \
	>"$LOGS/clippy.log" 2>&1 || rc=$?
if grep -qE '^(warning|error)' "$LOGS/clippy.log"; then
	rc=1
fi
{ grep -E -A5 '^(warning|error)' "$LOGS/clippy.log" || true; } | sed 's/^/# /' | head -n 60
result "$rc" "clippy (make CLIPPY=1) on rust/"
