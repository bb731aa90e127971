# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the riscv-callops pipeline scripts.  Source, do not run.
#
# Cache layout (all outside the clone, keyed by the inputs that make them):
#   $CACHE/toolchain-<key>/       Debian forky root with every build tool
#   $CACHE/src-<version>-<key>/   git repo: pristine linux-source commit
#   $CACHE/work/<variant>/        mutable O= build directory (never trusted)
#   $CACHE/kernel-<variant>-<key>/ finished Image, vmlinux, modules, headers
#   $CACHE/userland-<key>/        riscv64 guest userland (mmdebstrap extract)
# A keyed entry only ever appears by rename(2) of a finished temporary
# directory, so an interrupted run leaves at most a "*.tmp.*" directory,
# which nothing trusts and the next run deletes.

set -o errexit -o nounset -o pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${RISCV_CALLOPS_CACHE:-$HOME/.cache/riscv-callops}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
SUITE=forky
START_TIME=${START_TIME:-$(date +%s)}
export START_TIME

die()
{
	echo "error: $*" >&2
	exit 1
}

# stage NAME: announce a long step (on stderr) with the time since the command began.
stage()
{
	local now
	now=$(date +%s)
	printf '==> [%4ds] %s\n' "$((now - START_TIME))" "$*" >&2
}

need_root()
{
	[ "$(id -u)" -eq 0 ] || die "must run as root (mmdebstrap, chroot and bind mounts need it)"
}

# hash_of FILE|STRING...: short, stable key for a set of inputs.
hash_of()
{
	local arg
	for arg in "$@"; do
		if [ -f "$arg" ]; then
			printf '%s\n' "$(basename "$arg")"
			cat "$arg"
		else
			printf '%s\n' "$arg"
		fi
	done | sha256sum | cut -c1-16
}

check_mirror()
{
	curl -sf -o /dev/null --max-time 20 "$MIRROR/dists/$SUITE/Release" ||
		die "Debian mirror $MIRROR unreachable (set DEBIAN_MIRROR=...)"
}

# safe_rm PATH...: rm -rf that first detaches mounts a killed run may have
# left inside a toolchain root, so it never deletes through a bind mount.
safe_rm()
{
	local p m
	for p in "$@"; do
		[ -e "$p" ] || continue
		p=$(realpath "$p")
		for m in $(findmnt -rn -o TARGET | grep -F "$p/" | sort -r); do
			umount -l "$m"
		done
		if findmnt -rn -o TARGET | grep -qF "$p/"; then
			die "refusing to delete $p: mounts remain inside it"
		fi
		rm -rf "$p"
	done
}

# publish TMPDIR DEST: atomically turn a finished temporary dir into a cache entry.
publish()
{
	local tmp=$1 dest=$2
	sync -f "$tmp" 2>/dev/null || true
	safe_rm "$dest"
	mv -T "$tmp" "$dest"
}

# new_tmp DEST: fresh temporary sibling of a cache entry; stale ones go first.
new_tmp()
{
	local dest=$1 t
	for t in "$dest".tmp.*; do
		safe_rm "$t"
	done
	mkdir -p "$(dirname "$dest")"
	mktemp -d "$dest.tmp.XXXXXX"
}

# ---- toolchain ------------------------------------------------------------

TOOLCHAIN=${TOOLCHAIN:-chroot}
TOOLCHAIN_PACKAGES="ca-certificates build-essential bc bison flex libssl-dev
libelf-dev cpio kmod rsync python3 clang lld llvm rustc rust-src bindgen
libclang-dev gcc-riscv64-linux-gnu libc6-dev-riscv64-cross qemu-system-riscv
linux-source-7.2 xz-utils git ccache rustfmt rust-clippy bpftool libbpf-dev
device-tree-compiler"
# pahole 1.32 drops most riscv functions from BTF; 1.30 keeps them (FACTS.md).
TOOLCHAIN_PAHOLE="pahole=1.30-1"
TOOLCHAIN_KEY=$(hash_of "$TOOLCHAIN_PACKAGES" "$TOOLCHAIN_PAHOLE" "$SUITE" "v1")
ROOT=$CACHE/toolchain-$TOOLCHAIN_KEY

# in_root CMD...: run a command in the toolchain (chroot or host), with the
# clone and the cache visible at the same paths inside.
MOUNTS=()
unmount_all()
{
	local i
	for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
		umount -l "${MOUNTS[$i]}" 2>/dev/null || true
	done
	MOUNTS=()
}

mount_root()
{
	[ ${#MOUNTS[@]} -eq 0 ] || return 0
	trap unmount_all EXIT
	local d
	for d in proc dev "$TOP" "$CACHE"; do
		case $d in
		proc | dev) src=/$d dst=$ROOT/$d ;;
		*) src=$d dst=$ROOT$d ;;
		esac
		mkdir -p "$dst"
		if [ "$d" = proc ]; then
			mount -t proc proc "$dst"
		else
			mount --bind "$src" "$dst"
		fi
		MOUNTS+=("$dst")
	done
}

in_root()
{
	if [ "$TOOLCHAIN" = host ]; then
		"$@"
		return
	fi
	mount_root
	chroot "$ROOT" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		LANG=C.UTF-8 TERM=dumb "$@"
}
