# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the riscv-callops pipeline scripts.  Source, do not run.
#
# Cache layout (all outside the clone, keyed by the inputs that make them):
#   $CACHE/toolchain-<key>/       Debian forky root with every build tool
#   $CACHE/src-<version>-<key>/   git repo: pristine linux-source commit
#   $CACHE/work/<variant>/        mutable O= build directory (never trusted)
#   $CACHE/kernel-<variant>-<key>/ finished Image, vmlinux, modules, headers
#   $CACHE/userland-<key>/        riscv64 guest userland (mmdebstrap extract)
#   $CACHE/sysroot-<key>/         riscv64 sysroot for the C selftests (same)
#   $CACHE/debian/                Debian Packages indexes and the package
#                                 versions resolved in them (debian_versions)
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

# prune_entries KEEP PREFIX: remove the cache entries PREFIX* but KEEP and
# those still being built (*.tmp.*): entries for older inputs are never
# used again.
prune_entries()
{
	local keep=$1 old
	for old in "$2"*; do
		[ "$old" = "$keep" ] || [[ $old == *.tmp.* ]] || safe_rm "$old"
	done
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

# ---- Debian package versions in cache keys --------------------------------
#
# The toolchain root, the userland and the sysroot are made of Debian
# packages.  Their keys hash the versions the mirror has now, of the named
# packages and of what they depend on (deb-closure.awk): a new version of any
# of them on the mirror makes a new entry, an unchanged mirror the same key.
# A run fetches each suite's Release file (150 kB); a Packages index (14 MB)
# only when the Release lists a SHA256 that $DEBIAN_CACHE does not hold, and
# a package set is resolved again only in a new index:
#   <suite>-<arch>-<sha256>.gz              main/binary-<arch>/Packages.gz
#   <suite>-<arch>-<sha256>.<set>.versions  a package set's versions in it
#   last-<set>                              the set's last resolution
# Mirror unreachable: the set's last resolution, with a warning (see
# Documentation/toolchain.md); none yet: an error.
DEBIAN_CACHE=$CACHE/debian
# curl's "could not talk to the server" exit codes (proxy or host not
# resolved, no connection, timeout, TLS handshake, nothing, send or receive
# failed).  Any other failure (an HTTP error, a missing file) is an error.
CURL_UNREACHABLE=" 5 6 7 28 35 52 55 56 "

# debian_versions SUITE ARCH MODE NAME[=VERSION]...: "package=version" lines,
# sorted, for NAMEs in SUITE's main/binary-ARCH/Packages on the mirror; MODE
# is deb-closure.awk's: names, deps (and their closure) or essential (and
# mmdebstrap --variant=apt's essential set).  Takes $DEBIAN_CACHE/lock.
debian_versions()
(
	suite=$1 arch=$2 mode=$3
	shift 3
	names=$(echo "$@")
	setkey=$(hash_of "$suite" "$arch" "$mode" "$names")
	last=$DEBIAN_CACHE/last-$setkey
	mkdir -p "$DEBIAN_CACHE"
	exec 8>"$DEBIAN_CACHE/lock"
	if ! flock -n 8; then
		stage "waiting for another run resolving Debian packages ($DEBIAN_CACHE/lock)"
		flock 8
	fi
	release=$(mktemp "$DEBIAN_CACHE/$suite.Release.XXXXXX")
	err=$(mktemp "$DEBIAN_CACHE/err.XXXXXX")
	trap 'rm -f "$release" "$err"' EXIT
	errmsg()
	{
		tr '\n' ' ' <"$err" | sed 's/ *$//'
	}

	rc=0
	curl -sS -f --max-time 30 -o "$release" "$MIRROR/dists/$suite/Release" 2>"$err" || rc=$?
	if [ "$rc" != 0 ] && [[ $CURL_UNREACHABLE == *" $rc "* ]]; then
		[ -f "$last" ] ||
			die "Debian mirror $MIRROR unreachable ($(errmsg)), and $DEBIAN_CACHE has no earlier versions of these $suite $arch packages: $names"
		echo "warning: Debian mirror $MIRROR unreachable ($(errmsg)): using the $suite $arch package versions it had on $(date -r "$last" '+%F %T') ($last); what changed on the mirror since is not in the cache keys" >&2
		cat "$last"
		exit 0
	fi
	[ "$rc" = 0 ] ||
		die "cannot fetch $MIRROR/dists/$suite/Release: $(errmsg)"

	file=main/binary-$arch/Packages.gz
	read -r sha size < <(awk -v f="$file" '/^[^ ]/ { sha256 = ($0 == "SHA256:") }
		sha256 && $3 == f { print $1, $2 }' "$release") ||
		die "$MIRROR/dists/$suite/Release lists no SHA256 of $file"
	index=$DEBIAN_CACHE/$suite-$arch-$sha.gz
	if [ ! -f "$index" ]; then
		url=$MIRROR/dists/$suite/$file
		grep -qx 'Acquire-By-Hash: yes' "$release" &&
			url=$MIRROR/dists/$suite/main/binary-$arch/by-hash/SHA256/$sha
		stage "Debian $suite $arch: fetching the Packages index ($((size / 1000000)) MB, $url)"
		curl -sS -f --max-time 900 -o "$index.tmp" "$url" 2>"$err" ||
			die "cannot fetch $url: $(errmsg)"
		[ "$(sha256sum <"$index.tmp" | cut -d' ' -f1)" = "$sha" ] || {
			rm -f "$index.tmp"
			die "$url does not have the SHA256 its Release file lists (mirror being updated? run again)"
		}
		mv "$index.tmp" "$index"
		# The lock is held: no run is reading an older index now.
		for old in "$DEBIAN_CACHE/$suite-$arch-"*; do
			[[ $old == "$DEBIAN_CACHE/$suite-$arch-$sha".* ]] || rm -f "$old"
		done
	fi
	versions=$DEBIAN_CACHE/$suite-$arch-$sha.$(hash_of "$setkey" "$TOP/scripts/deb-closure.awk").versions
	if [ ! -f "$versions" ]; then
		stage "Debian $suite $arch: resolving package versions ($# named, mode $mode)"
		# Only the fields deb-closure.awk reads (each is one line in an index).
		gzip -dc "$index" | grep -E '^(Package|Version|Depends|Pre-Depends|Provides|Essential):|^$' |
			awk -v names="$names" -v mode="$mode" -f "$TOP/scripts/deb-closure.awk" 2>"$err" |
			LC_ALL=C sort >"$versions.tmp" || {
			rm -f "$versions.tmp"
			die "Debian $suite $arch ($MIRROR): $(errmsg)"
		}
		mv "$versions.tmp" "$versions"
	fi
	cp "$versions" "$last.tmp"
	mv "$last.tmp" "$last"
	cat "$versions"
)

# debian_pins VERSIONS NAME...: "NAME=version" for each NAME, from
# debian_versions output, for mmdebstrap --include: what is built is what
# the key says, or mmdebstrap fails if the mirror moved on meanwhile.
debian_pins()
{
	local versions=$1
	shift
	awk -F= -v names="$*" 'BEGIN { n = split(names, want, " "); for (i = 1; i <= n; i++) w[want[i]] = 1 }
		$1 in w { print; delete w[$1] }
		END { for (p in w) { print "error: no resolved version of " p > "/dev/stderr"; exit 1 } }' \
		<<<"$versions" | paste -sd' ' -
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
# Kernel builds are keyed by the build toolchain alone: the versions of its
# packages, their dependencies and mmdebstrap's essential set in $SUITE (for
# the host's architecture: the root is native), and trixie's pahole (pinned:
# its version is only checked to be there).  ROOT adds the versions of the
# check packages.  Resolved once per run: the scripts a run starts inherit
# the versions (exported), so all of them use one root even if the mirror
# changes meanwhile.  TOOLCHAIN=host: the host's own tools, whose versions
# are not in the key.  A script that needs no toolchain sets
# NO_TOOLCHAIN=1 before it sources this file: nothing is resolved then
# (pipeline.sh and bench.sh check their settings first, then call
# resolve_toolchain themselves: a bad setting is refused without network).
resolve_toolchain()
{
	if [ "$TOOLCHAIN" = host ]; then
		TOOLCHAIN_KEY=$(hash_of "$TOOLCHAIN_PACKAGES" "$TOOLCHAIN_PAHOLE" "$SUITE" "v1")
		return
	fi
	if [ -z "${TOOLCHAIN_VERSIONS:-}" ]; then
		HOST_ARCH=$(dpkg --print-architecture)
		TOOLCHAIN_VERSIONS=$(debian_versions "$SUITE" "$HOST_ARCH" essential $TOOLCHAIN_PACKAGES)
		TOOLCHAIN_PAHOLE_VERSION=$(debian_versions trixie "$HOST_ARCH" names "$TOOLCHAIN_PAHOLE")
		TOOLCHAIN_CHECK_VERSIONS=$(debian_versions "$SUITE" "$HOST_ARCH" deps $TOOLCHAIN_CHECK_PACKAGES)
		export TOOLCHAIN_VERSIONS TOOLCHAIN_PAHOLE_VERSION TOOLCHAIN_CHECK_VERSIONS
	fi
	TOOLCHAIN_KEY=$(hash_of "$TOOLCHAIN_VERSIONS" "$TOOLCHAIN_PAHOLE_VERSION" "$SUITE" "v2")
	ROOT=$CACHE/toolchain-$(hash_of "$TOOLCHAIN_KEY" "$TOOLCHAIN_CHECK_VERSIONS")
}
[ -n "${NO_TOOLCHAIN:-}" ] || resolve_toolchain

# pristine_git ARGS...: git with the pristine import's fixed identity and
# dates (scripts/kernel.sh), so that the commit's id depends only on the
# tree and message, and the cover letter's base-commit can be checked.
pristine_git()
{
	GIT_AUTHOR_NAME=riscv-callops GIT_AUTHOR_EMAIL=riscv-callops@localhost \
		GIT_AUTHOR_DATE="2026-01-01T00:00:00 +0000" \
		GIT_COMMITTER_NAME=riscv-callops GIT_COMMITTER_EMAIL=riscv-callops@localhost \
		GIT_COMMITTER_DATE="2026-01-01T00:00:00 +0000" git -c commit.gpgsign=false "$@"
}

# pristine_id REPO: the id of REPO's pristine tree and message as a
# pristine_git commit (what the tag names once kernel.sh has re-tagged).
pristine_id()
{
	pristine_git -C "$1" commit-tree "pristine^{tree}" \
		-m "$(git -C "$1" log -1 --format=%B pristine)"
}

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
