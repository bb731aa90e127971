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

# safe_rm PATH...: rm -rf that refuses to delete through a mount point
# (in_root's mounts are private to its namespace; this guards the rest).
safe_rm()
{
	local p
	for p in "$@"; do
		[ -e "$p" ] || continue
		p=$(realpath "$p")
		if findmnt -rn -o TARGET | grep -q "^$p\(/\|$\)"; then
			die "refusing to delete $p: something is mounted inside it"
		fi
		rm -rf --one-file-system "$p"
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

# lock_cache NAME: hold $CACHE/NAME.lock (exclusive) until the script
# exits; concurrent runs that would build the same entry wait here, then
# look for it again.
lock_cache()
{
	mkdir -p "$CACHE"
	exec 9>"$CACHE/$1.lock"
	if ! flock -n 9; then
		stage "waiting for another run building $1 ($CACHE/$1.lock)"
		flock 9
	fi
}

# extract_riscv64 WHAT TMP PACKAGES: Debian riscv64 PACKAGES extracted
# (mmdebstrap --variant=extract, nothing runs) into TMP, a new_tmp dir;
# dies with the end of $CACHE/WHAT.log on failure.
extract_riscv64()
{
	local what=$1 tmp=$2 packages=$3 log=$CACHE/$1.log
	check_mirror
	stage "riscv64 $what: extracting $packages"
	if ! mmdebstrap --aptopt='Acquire::Check-Valid-Until "false"' --architectures=riscv64 \
		--variant=extract --include="$(echo $packages | tr ' ' ,)" \
		"$SUITE" "$tmp" "deb $MIRROR $SUITE main" >"$log" 2>&1; then
		safe_rm "$tmp"
		die "mmdebstrap (riscv64 $what) failed; last lines of $log: $(tail -n 3 "$log" | tr '\n' ' ')"
	fi
	rm -rf "$tmp/var/cache/apt" "$tmp/var/lib/apt/lists" "$tmp/usr/share/doc" "$tmp/usr/share/man"
}

# new_tmp DEST: fresh temporary sibling of a cache entry; stale ones go
# first (callers hold the entry's lock_cache, so none is in use).
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
# Tools for checks and reports only (checkpatch's spdxcheck.py needs ply and
# GitPython, make bench's plot matplotlib): not part of what kernels are
# keyed by.
TOOLCHAIN_CHECK_PACKAGES="python3-ply python3-git python3-matplotlib"
# Kernel builds are keyed by the build toolchain alone.
TOOLCHAIN_KEY=$(hash_of "$TOOLCHAIN_PACKAGES" "$TOOLCHAIN_PAHOLE" "$SUITE" "v1")
ROOT=$CACHE/toolchain-$(hash_of "$TOOLCHAIN_KEY" "$TOOLCHAIN_CHECK_PACKAGES")

# in_root CMD...: run a command in the toolchain (chroot, or the host when
# TOOLCHAIN=host), with the clone and the cache at the same paths inside.
# The bind mounts live in a private mount namespace of this one command:
# they vanish with it, even when it is killed, and concurrent runs never
# see (or unmount) each other's mounts.
in_root()
{
	if [ "$TOOLCHAIN" = host ]; then
		"$@"
		return
	fi
	# toolchain.sh keeps a root used in the last two hours when it prunes.
	touch "$ROOT/.last-used" 2>/dev/null || true
	unshare --mount --propagation private -- /bin/sh -c '
		root=$1 top=$2 cache=$3
		shift 3
		mkdir -p "$root$top" "$root$cache" &&
			mount -t proc proc "$root/proc" &&
			mount --rbind /dev "$root/dev" &&
			mount --bind "$top" "$root$top" &&
			mount --bind "$cache" "$root$cache" ||
			{ echo "error: cannot set up the toolchain root mounts" >&2; exit 125; }
		exec chroot "$root" /usr/bin/env -i HOME=/root \
			PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 TERM=dumb "$@"
	' sh "$ROOT" "$TOP" "$CACHE" "$@"
}
