#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# kernel.sh VARIANT: make sure $CACHE/kernel-VARIANT-<key> exists and print
# its path.  VARIANT is one of
#   vanilla    pristine Debian linux-source-7.2 (upstream call ops)
#   callops    arch-riscv-patch/ applied with git am, and
#              scripts/config/series.config (options the series adds)
#   debug      callops with scripts/config/debug.config on top (lockdep,
#              DEBUG_ATOMIC_SLEEP, DEBUG_LIST, KASAN, full PREEMPT)
#   nocallops  callops with call ops compiled out (as a CFI kernel has it):
#              `make bench`'s text size baseline, and booted by
#              `make check KERNEL=nocallops` for the series' paths without
#              call ops (stop_machine patching of ftrace_call_dest)
#   series     callops with only the first $SERIES_UPTO patches, for
#              `make check-series` (scripts/series.sh); options that the
#              fragments name but that tree's Kconfig does not have yet
#              are not required
#
#   $CACHE/linux-<pkgver>/          git repo, commit tagged "pristine" (vanilla tree)
#   $CACHE/work/src-<tree>/         git worktree: pristine + series (+ a tweak);
#                                   a tree that holds the first patches of the
#                                   series gets only the rest (incremental)
#   $CACHE/work/build-<variant>/    O= directory, incremental
#   $CACHE/kernel-<variant>-<key>/  Image, vmlinux, System.map, config, modules/
source "$(dirname "$0")/lib.sh"

VARIANT=${1:-}
CONFIG_DIR=$TOP/scripts/config
FRAGMENTS=("$CONFIG_DIR/callops.config")
TARGETS=(Image modules)
TREE_NAME=callops
case $VARIANT in
vanilla) ;;
callops) FRAGMENTS+=("$CONFIG_DIR/series.config") ;;
debug) FRAGMENTS+=("$CONFIG_DIR/series.config" "$CONFIG_DIR/debug.config") ;;
nocallops)
	FRAGMENTS+=("$CONFIG_DIR/series.config" "$CONFIG_DIR/nocallops.config")
	TREE_NAME=nocallops
	;;
series)
	FRAGMENTS+=("$CONFIG_DIR/series.config")
	TREE_NAME=series
	[[ ${SERIES_UPTO:-} =~ ^[1-9][0-9]*$ ]] ||
		die "kernel series: SERIES_UPTO=${SERIES_UPTO:-} wants how many patches of the series"
	;;
*) die "unknown kernel '$VARIANT' (vanilla, callops, debug, nocallops or series)" ;;
esac
SERIES_DIR=$TOP/arch-riscv-patch
# GlobalMerge off: pahole 1.30 writes bad per-CPU BTF offsets for merged
# globals (Documentation/toolchain.md).
KCFLAGS_ALL="-mllvm -riscv-enable-global-merge=false"
# nocallops: riscv selects HAVE_DYNAMIC_FTRACE_WITH_CALL_OPS unconditionally
# (without CFI), so the only way to the layout without call ops is to drop
# that select; the series then emits no pre-function NOPs (patch 2).
NOCALLOPS_TWEAK="/select HAVE_DYNAMIC_FTRACE_WITH_CALL_OPS/d"

series_patches()
{
	grep -v -e '^#' -e '^[[:space:]]*$' "$SERIES_DIR/series" |
		sed "s|^|$SERIES_DIR/|" | if [ "$VARIANT" = series ]; then head -n "$SERIES_UPTO"; else cat; fi
}
if [ "$VARIANT" = series ]; then
	total=$(grep -cv -e '^#' -e '^[[:space:]]*$' "$SERIES_DIR/series")
	[ "$SERIES_UPTO" -le "$total" ] ||
		die "kernel series: SERIES_UPTO=$SERIES_UPTO, but the series has $total patches"
fi

if [ "$TOOLCHAIN" = host ]; then
	SRC_TARBALL=$(ls /usr/src/linux-source-7.2.tar.xz 2>/dev/null) ||
		die "TOOLCHAIN=host: /usr/src/linux-source-7.2.tar.xz missing (apt-get install linux-source-7.2)"
	PKGVER=$(dpkg-query -W -f '${Version}' linux-source-7.2)
else
	SRC_TARBALL=$ROOT/usr/src/linux-source-7.2.tar.xz
	PKGVER=$(chroot "$ROOT" dpkg-query -W -f '${Version}' linux-source-7.2)
fi
SRC=$CACHE/linux-$PKGVER

if [ "$VARIANT" = vanilla ]; then
	TREE=$SRC
	SERIES_KEY=none
else
	TREE=$CACHE/work/src-$TREE_NAME
	SERIES_KEY=$(hash_of $(series_patches) "$SERIES_DIR/series")
	[ "$TREE_NAME" = nocallops ] && SERIES_KEY="$SERIES_KEY $NOCALLOPS_TWEAK"
fi
# Bump RECIPE when the way a kernel is configured or built changes.
RECIPE=1
KEY=$(hash_of "$TOOLCHAIN_KEY" "$TOOLCHAIN" "$PKGVER" "$SERIES_KEY" "${FRAGMENTS[@]}" \
	"$KCFLAGS_ALL" "recipe $RECIPE")
OUT=$CACHE/kernel-$VARIANT-$KEY
BUILD=$CACHE/work/build-$VARIANT
cached()
{
	[ -f "$OUT/Image" ] && [ "$(cat "$BUILD/.callops-key" 2>/dev/null)" = "$KEY" ]
}
# The pristine import with fixed metadata (pristine_git): a repo imported
# before it had them gets the same tree re-tagged (idempotent, so no lock),
# so that the cover letter's base-commit names the commit the series is
# applied to.
retag_pristine()
{
	local fixed
	fixed=$(pristine_id "$SRC")
	[ "$(git -C "$SRC" rev-parse pristine)" = "$fixed" ] ||
		git -C "$SRC" tag -f pristine "$fixed" >/dev/null
}
[ -d "$SRC/.git" ] && retag_pristine
if cached; then
	echo "$OUT"
	exit 0
fi

# One build at a time per cache: concurrent runs (two clones, a bench next
# to a check) share the source repo, the worktrees and the O= dirs.
lock_cache kernel
if cached; then
	echo "$OUT"
	exit 0
fi

# ---- pristine source repository -------------------------------------------
if [ ! -d "$SRC/.git" ]; then
	stage "source: unpacking linux-source $PKGVER into a git repo"
	tmp=$(new_tmp "$SRC")
	tar -xJf "$SRC_TARBALL" -C "$tmp" --strip-components=1
	# Debian's top .gitignore ends with packaging rules that ignore "/*".
	git -C "$tmp" init -q -b vanilla
	git -C "$tmp" add -A -f
	pristine_git -C "$tmp" commit -q -m "Debian linux-source-7.2 $PKGVER (pristine)"
	git -C "$tmp" tag pristine
	publish "$tmp" "$SRC"
	git -C "$SRC" worktree prune
fi

# ---- source tree for this variant ---------------------------------------
# record_applied: the patches now applied to $TREE ($wanted), and the
# commit they made.
record_applied()
{
	{
		printf 'patch %s\n' $wanted
		echo "head $(git -C "$TREE" rev-parse HEAD)"
	} >"$TREE/.callops-applied"
}
if [ "$VARIANT" != vanilla ]; then
	# One hash per applied patch, and the commit they made: a clean tree at
	# that commit whose first patches are the first ones wanted, unchanged,
	# goes back to the last of those (git reset --hard) and gets only the
	# others, so that the files of the common patches keep their times
	# (make check-series builds each patch incrementally; a change to the
	# last patches rebuilds only what they touch).
	wanted=$(for p in $(series_patches); do hash_of "$p"; done)
	applied=$(sed -n 's/^patch //p' "$TREE/.callops-applied" 2>/dev/null || true)
	applied_head=$(sed -n 's/^head //p' "$TREE/.callops-applied" 2>/dev/null || true)
	n_applied=$(printf '%s\n' "$applied" | grep -c . || true)
	# The number of patches wanted and applied alike, in order.
	common=$(paste -d' ' <(printf '%s\n' "$wanted") <(printf '%s\n' "$applied") |
		awk '$1 != $2 || $1 == "" { exit } { n++ } END { print n + 0 }')
	rest=()
	if [ "$(cat "$TREE/.callops-series" 2>/dev/null)" != "$SERIES_KEY" ] &&
		[ "$TREE_NAME" != nocallops ] && [ "$common" -gt 0 ] &&
		[ "$(git -C "$TREE" rev-parse HEAD 2>/dev/null)" = "$applied_head" ] &&
		[ -z "$(git -C "$TREE" status --porcelain 2>/dev/null)" ]; then
		mapfile -t rest < <(series_patches | tail -n +"$((common + 1))")
		stage "source ($TREE_NAME): keeping $common patch(es), applying ${#rest[@]} of arch-riscv-patch/ with git am"
		if [ "$n_applied" -gt "$common" ]; then
			git -C "$TREE" reset -q --hard "HEAD~$((n_applied - common))"
		fi
		rm -f "$TREE/.callops-series" "$TREE/.callops-applied"
		for p in "${rest[@]}"; do
			if ! git -C "$TREE" -c user.name=riscv-callops -c user.email=riscv-callops@localhost \
				am -q --keep-cr "$p" >/dev/null 2>&1; then
				git -C "$TREE" am --abort >/dev/null 2>&1 || true
				die "patch $(basename "$p") does not apply to linux-source $PKGVER"
			fi
		done
		record_applied
		echo "$SERIES_KEY" >"$TREE/.callops-series"
	fi
	if [ "$(cat "$TREE/.callops-series" 2>/dev/null)" != "$SERIES_KEY" ]; then
		stage "source ($TREE_NAME): applying $(series_patches | wc -l) patch(es) of arch-riscv-patch/ with git am"
		if [ ! -e "$TREE/.git" ]; then
			safe_rm "$TREE"
			mkdir -p "$CACHE/work"
			git -C "$SRC" worktree prune
			git -C "$SRC" worktree add -q -f -B "$TREE_NAME" "$TREE" refs/tags/pristine
		fi
		rm -f "$TREE/.callops-series" "$TREE/.callops-applied"
		git -C "$TREE" am --abort >/dev/null 2>&1 || true
		git -C "$TREE" checkout -q -f -B "$TREE_NAME" refs/tags/pristine
		git -C "$TREE" clean -q -fdx
		for p in $(series_patches); do
			[ -f "$p" ] || die "series names $(basename "$p"), which does not exist"
			if ! git -C "$TREE" -c user.name=riscv-callops -c user.email=riscv-callops@localhost \
				am -q --keep-cr "$p" >/dev/null 2>&1; then
				git -C "$TREE" am --abort >/dev/null 2>&1 || true
				die "patch $(basename "$p") does not apply to linux-source $PKGVER"
			fi
		done
		if [ "$TREE_NAME" = nocallops ]; then
			sed -i "$NOCALLOPS_TWEAK" "$TREE/arch/riscv/Kconfig"
			git -C "$TREE" -c user.name=riscv-callops -c user.email=riscv-callops@localhost \
				commit -q -a -m "riscv: no call ops (size baseline for make bench)"
		fi
		[ "$TREE_NAME" = nocallops ] || record_applied
		echo "$SERIES_KEY" >"$TREE/.callops-series"
	fi
fi

kmake()
{
	in_root make -C "$TREE" O="$BUILD" ARCH=riscv LLVM=1 \
		KCFLAGS="$KCFLAGS_ALL" "$@"
}

mkdir -p "$BUILD"
rm -f "$BUILD/.callops-key"
log=$BUILD/build.log
# The configuration depends on the fragments and the tree's Kconfig files
# only: with both unchanged (make check-series' patches without Kconfig
# changes), the .config made last time stands.
config_key=$(hash_of "${FRAGMENTS[@]}" \
	"$(git -C "$TREE" ls-files -z -- '*Kconfig*' | (cd "$TREE" && xargs -0 cat) | sha256sum)")
# configure: tinyconfig + the fragments, and check the result.
configure()
{
	rm -f "$BUILD/.callops-config-key"
	stage "kernel $VARIANT: configure (tinyconfig + ${FRAGMENTS[*]##*/})"
	{
		kmake tinyconfig
		in_root "$TREE/scripts/kconfig/merge_config.sh" -m -O "$BUILD" \
			"$BUILD/.config" "${FRAGMENTS[@]}"
		kmake olddefconfig
		# One pass drops =m samples (SAMPLE_TRACE_PRINTK) whose dependency
		# (EVENT_TRACING) only appears through options the same pass enables.
		in_root "$TREE/scripts/kconfig/merge_config.sh" -m -O "$BUILD" \
			"$BUILD/.config" "${FRAGMENTS[@]}"
		kmake olddefconfig
	} >"$log" 2>&1 || die "kernel $VARIANT: configuration failed, see $log"

	# Every option the fragments ask for (a later fragment overrides an
	# earlier one) must have survived olddefconfig.
	missing=$(cat "${FRAGMENTS[@]}" | grep -E '^(CONFIG_[A-Z0-9_]+=|# CONFIG_[A-Z0-9_]+ is not set)' |
		awk '{ opt = ($1 == "#") ? $2 : substr($0, 1, index($0, "=") - 1); want[opt] = $0 }
		     END { for (opt in want) print want[opt] }' |
		while read -r line; do
			case $line in
			"# "*) opt=${line#\# }; opt=${opt%% *}
				if grep -q "^$opt=" "$BUILD/.config"; then echo "$opt (wanted unset)"; fi ;;
			*) if ! grep -qxF "$line" "$BUILD/.config"; then echo "$line"; fi ;;
			esac
		done |
		while read -r line; do
			# series: an option a later patch adds is not there yet.
			opt=${line%%[= ]*}
			if [ "$VARIANT" = series ] &&
				! grep -rqx --include='Kconfig*' "config ${opt#CONFIG_}" "$TREE"; then
				continue
			fi
			echo "$line"
		done)
	[ -z "$missing" ] ||
		die "kernel $VARIANT: olddefconfig dropped: $(echo $missing) (see $BUILD/.config)"
	echo "$config_key $(sha256sum <"$BUILD/.config")" >"$BUILD/.callops-config-key"
}
# (and the .config itself, as made then)
if [ -f "$BUILD/.config" ] &&
	[ "$(cat "$BUILD/.callops-config-key" 2>/dev/null)" = "$config_key $(sha256sum <"$BUILD/.config")" ]; then
	stage "kernel $VARIANT: configuration unchanged (same fragments and Kconfig files)"
	: >"$log"
else
	configure
fi
grep -q 'Rust is available' < <(kmake rustavailable 2>&1) ||
	die "kernel $VARIANT: toolchain cannot build Rust ($(kmake rustavailable 2>&1 | tail -n1))"

stage "kernel $VARIANT: make -j$(nproc) ${TARGETS[*]} (about 9 minutes from scratch)"
if ! kmake -j"$(nproc)" "${TARGETS[@]}" >>"$log" 2>&1; then
	die "kernel $VARIANT: build failed: $(grep -m1 -E 'error|Error' "$log" || tail -n1 "$log") (log $log)"
fi

tmp=$(new_tmp "$OUT")
cp "$BUILD/vmlinux" "$BUILD/System.map" "$tmp/"
cp "$BUILD/.config" "$tmp/config"
cp "$BUILD/arch/riscv/boot/Image" "$tmp/"
kmake INSTALL_MOD_PATH="$tmp/modules" INSTALL_MOD_STRIP=1 modules_install >>"$log" 2>&1 ||
	die "kernel $VARIANT: modules_install failed, see $log"

echo "$TREE" >"$tmp/source"
echo "$BUILD" >"$tmp/build"
publish "$tmp" "$OUT"
echo "$KEY" >"$BUILD/.callops-key"
# Entries for older inputs are never used again.
for old in "$CACHE/kernel-$VARIANT-"*; do
	[ "$old" = "$OUT" ] || safe_rm "$old"
done
stage "kernel $VARIANT ready: $OUT"
echo "$OUT"
