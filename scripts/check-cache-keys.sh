#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# check-cache-keys.sh: host test of the package versions that the toolchain,
# userland and sysroot cache keys hash (lib.sh's debian_versions), against
# fake Debian mirrors in a temporary directory: no network.  One line per
# check; exit status 0 when every check holds, 1 otherwise.
set -o errexit -o nounset -o pipefail

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export RISCV_CALLOPS_CACHE=$tmp/cache DEBIAN_MIRROR=file://$tmp/mirror
# No toolchain root: lib.sh would resolve its packages on the real mirror.
NO_TOOLCHAIN=1
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
source "$(dirname "$0")/lib.sh"

failed=0
check()
{
	if [ "$2" = 0 ]; then
		echo "pass: $1"
	else
		echo "FAIL: $1"
		failed=1
	fi
}

# mirror SUITE ARCH: publish stdin as SUITE's main/binary-ARCH/Packages.gz,
# by hash too, with a Release file that lists its SHA256 (and is long past
# its Valid-Until, like the real forky one).
mirror()
{
	local dir=$tmp/mirror/dists/$1 sha size
	rm -rf "$dir"
	mkdir -p "$dir/main/binary-$2/by-hash/SHA256"
	gzip -n -c >"$dir/main/binary-$2/Packages.gz"
	sha=$(sha256sum <"$dir/main/binary-$2/Packages.gz" | cut -d' ' -f1)
	size=$(stat -c %s "$dir/main/binary-$2/Packages.gz")
	cp "$dir/main/binary-$2/Packages.gz" "$dir/main/binary-$2/by-hash/SHA256/$sha"
	printf '%s\n' "Codename: $1" "Valid-Until: Sat, 01 Jan 2000 00:00:00 UTC" \
		"Acquire-By-Hash: yes" SHA256: " $sha $size main/binary-$2/Packages.gz" >"$dir/Release"
}

# index [PACKAGE=VERSION...]: a Packages index, the given versions
# replacing the defaults.  "tool" depends on libtool1 (which pre-depends on
# libc) and on the virtual awk, which mawk provides; "other" is unrelated.
index()
{
	local -A v=([tool]=1.0 [libtool1]=1.0 [libc]=2.0 [mawk]=1.3 [other]=5.0)
	local a
	for a in "$@"; do
		v[${a%%=*}]=${a#*=}
	done
	cat <<-EOF
		Package: other
		Version: ${v[other]}
		Description: not needed by tool

		Package: tool
		Version: ${v[tool]}
		Depends: libtool1 (>= 1.0), awk | gawk
		Description: the named package

		Package: libtool1
		Version: ${v[libtool1]}
		Pre-Depends: libc:any

		Package: libc
		Version: ${v[libc]}

		Package: mawk
		Version: ${v[mawk]}
		Provides: awk
	EOF
}

# same K1 K2, differ K1 K2: two keys (16 hex digits, not an error message)
# are equal or not.
same()
{
	[[ $1 =~ ^[0-9a-f]{16}$ ]] && [ "$1" = "$2" ]
}

differ()
{
	[[ $1 =~ ^[0-9a-f]{16}$ ]] && [[ $2 =~ ^[0-9a-f]{16}$ ]] && [ "$1" != "$2" ]
}

# key: what userland.sh/sysroot.sh hash, for "tool" in the fake forky riscv64.
key()
{
	local versions
	versions=$(debian_versions forky riscv64 deps tool) && hash_of "$versions" forky v2
}

index | mirror forky riscv64
k0=$(key 2>"$tmp/err") || k0="(failed: $(tail -n 1 "$tmp/err"))"
versions=$(debian_versions forky riscv64 deps tool 2>&1) || true
r=0
[ "$(echo $versions)" = "libc=2.0 libtool1=1.0 mawk=1.3 tool=1.0" ] || r=1
check "closure of tool: $(echo $versions)" $r
r=0
[ "$(debian_pins "$versions" tool)" = "tool=1.0" ] || r=1
check "pin: $(debian_pins "$versions" tool)" $r

# The mirror's index gone, its Release unchanged: a fetch would fail.
rm -rf "$tmp/mirror/dists/forky/main"
k=$(key 2>"$tmp/err") || k="(failed: $(tail -n 1 "$tmp/err"))"
r=0
same "$k" "$k0" && [ ! -s "$tmp/err" ] || r=1
check "same Release: same key $k, index not fetched again" $r

index other=5.1 | mirror forky riscv64
k=$(key 2>"$tmp/err") || k="(failed: $(tail -n 1 "$tmp/err"))"
r=0
same "$k" "$k0" && grep -q 'fetching the Packages index' "$tmp/err" || r=1
check "new index, unrelated package changed: index fetched, same key $k" $r
r=0
[ "$(ls "$DEBIAN_CACHE"/forky-riscv64-*.gz | wc -l)" = 1 ] || r=1
check "older index pruned from the cache" $r

for change in tool=1.1 libc=2.0+b1 mawk=1.3.1; do
	index "$change" | mirror forky riscv64
	k=$(key 2>"$tmp/err") || k="(failed: $(tail -n 1 "$tmp/err"))"
	r=0
	differ "$k" "$k0" || r=1
	check "${change%%=*} version changed ($change): key $k0 -> $k" $r
done
index | mirror forky riscv64
k=$(key 2>"$tmp/err") || k="(failed: $(tail -n 1 "$tmp/err"))"
r=0
same "$k" "$k0" || r=1
check "back to the first index: key $k again" $r

# Port 9 on the loopback: connection refused.
k=$(MIRROR=http://127.0.0.1:9 key 2>"$tmp/err") || k="(failed: $(tail -n 1 "$tmp/err"))"
r=0
same "$k" "$k0" && grep -q '^warning: Debian mirror .* unreachable' "$tmp/err" || r=1
check "mirror unreachable, warm cache: last versions, key $k, with a warning" $r
rc=0
DEBIAN_CACHE=$tmp/empty MIRROR=http://127.0.0.1:9 key >/dev/null 2>"$tmp/err" || rc=$?
r=0
[ "$rc" != 0 ] && grep -q '^error: Debian mirror .* unreachable' "$tmp/err" || r=1
check "mirror unreachable, cold cache: fails ($(head -c 100 "$tmp/err"))" $r

rc=0
debian_versions forky riscv64 deps tool nosuch >/dev/null 2>"$tmp/err" || rc=$?
r=0
[ "$rc" != 0 ] && grep -q 'no package nosuch in the index' "$tmp/err" || r=1
check "unknown package: fails ($(grep -o 'no package.*index' "$tmp/err"))" $r
rc=0
debian_versions forky riscv64 names tool=9.9 >/dev/null 2>"$tmp/err" || rc=$?
r=0
[ "$rc" != 0 ] && grep -q 'no tool 9.9 in the index' "$tmp/err" || r=1
check "pinned version missing: fails" $r
rc=0
debian_versions forky amd64 deps tool >/dev/null 2>"$tmp/err" || rc=$?
r=0
[ "$rc" != 0 ] && grep -q 'lists no SHA256 of main/binary-amd64/Packages.gz' "$tmp/err" || r=1
check "architecture not in the Release file: fails" $r
index tool=1.2 | mirror forky riscv64
sha=$(ls "$tmp/mirror/dists/forky/main/binary-riscv64/by-hash/SHA256")
index tool=1.3 | gzip -n -c >"$tmp/mirror/dists/forky/main/binary-riscv64/by-hash/SHA256/$sha"
rc=0
debian_versions forky riscv64 deps tool >/dev/null 2>"$tmp/err" || rc=$?
r=0
[ "$rc" != 0 ] && grep -q 'does not have the SHA256' "$tmp/err" &&
	[ -z "$(ls "$DEBIAN_CACHE" | grep "$sha")" ] || r=1
check "index not matching its Release SHA256: fails, nothing cached" $r
exit "$failed"
