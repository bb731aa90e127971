#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Create (once) the cached Debian forky toolchain root, or check the host
# toolchain when TOOLCHAIN=host.  Prints nothing when the cache is warm.
source "$(dirname "$0")/lib.sh"

if [ "$TOOLCHAIN" = host ]; then
	for tool in clang ld.lld rustc bindgen pahole qemu-system-riscv64 \
		riscv64-linux-gnu-gcc bpftool cpio; do
		command -v "$tool" >/dev/null ||
			die "TOOLCHAIN=host: '$tool' not found; use the default chroot toolchain"
	done
	exit 0
fi
[ "$TOOLCHAIN" = chroot ] || die "unknown TOOLCHAIN=$TOOLCHAIN (chroot or host)"

need_root
[ -x "$ROOT/usr/bin/clang" ] && exit 0
lock_cache toolchain
[ -x "$ROOT/usr/bin/clang" ] && exit 0

command -v mmdebstrap >/dev/null || {
	stage "installing mmdebstrap on the host"
	apt-get install -y -q mmdebstrap >/dev/null 2>&1 ||
		{ apt-get update -q >/dev/null 2>&1 && apt-get install -y -q mmdebstrap >/dev/null; } ||
		die "cannot install mmdebstrap on the host (apt-get failed)"
}
check_mirror

# The named packages at the versions in ROOT's key (lib.sh).
pins=$(debian_pins "$TOOLCHAIN_VERSIONS" $TOOLCHAIN_PACKAGES)
check_pins=$(debian_pins "$TOOLCHAIN_CHECK_VERSIONS" $TOOLCHAIN_CHECK_PACKAGES)
stage "toolchain: mmdebstrap $SUITE root $ROOT (about 2 minutes)"
tmp=$(new_tmp "$ROOT")
log=$CACHE/toolchain.log
# The suite's Release file is past Valid-Until on the mirror (FACTS.md);
# trixie is only there for pahole 1.30.
if ! mmdebstrap --aptopt='Acquire::Check-Valid-Until "false"' --variant=apt \
	--include="$(echo $pins $check_pins | tr ' ' ,)" \
	--customize-hook="chroot \"\$1\" apt-get install -y -q --allow-downgrades $TOOLCHAIN_PAHOLE" \
	--customize-hook="chroot \"\$1\" apt-get clean" \
	"$SUITE" "$tmp" "deb $MIRROR $SUITE main" "deb $MIRROR trixie main" \
	>"$log" 2>&1; then
	safe_rm "$tmp"
	die "mmdebstrap failed; last lines of $log: $(tail -n 3 "$log" | tr '\n' ' ')"
fi
publish "$tmp" "$ROOT"
# Older roots go, unless a run (another clone) used one lately.
for old in "$CACHE"/toolchain-*/; do
	old=${old%/}
	[ "$old" = "$ROOT" ] || [[ $old == *.tmp.* ]] && continue
	if [ -n "$(find "$old/.last-used" -mmin -120 2>/dev/null)" ]; then
		stage "toolchain: keeping $old, used in the last two hours"
		continue
	fi
	safe_rm "$old"
done
stage "toolchain ready: $(chroot "$ROOT" clang --version | head -n1), $(chroot "$ROOT" rustc --version)"
