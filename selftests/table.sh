#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The module's slot table matches ftrace's own view: with a BPF trampoline
# on one function, the function tracer on vfs_*, and a second instance on
# one of those, every line of enabled_functions is checked against the
# module's dump (one ops: that ops; several ops or no call-ops flag: the
# list ops; a direct call: a trampoline), and every other call site's slot
# holds the nop ops.
. /callops/selftests/ktap.sh

T=/sys/kernel/tracing
D=/sys/kernel/debug/callops
KO=/callops/callops.ko

ktap_plan 7
if [ ! -e "$KO" ]; then
	ktap_skip_plan 7 "table test" "kernel has no call ops provider interface (vanilla)"
fi
ktap_result "insmod callops.ko" insmod "$KO"
ktap_result "BPF fentry/fexit on ksys_sync" \
	bpftool prog loadall /callops/selftests/sync_hits.bpf.o /sys/fs/bpf/table autoattach
echo 'vfs_*' >"$T/set_ftrace_filter"
echo function >"$T/current_tracer"
mkdir "$T/instances/table_b"
echo vfs_read >"$T/instances/table_b/set_ftrace_filter"
echo function >"$T/instances/table_b/current_tracer"

cp "$T/enabled_functions" /tmp/enabled
cp "$D/dump" /tmp/dump
ktap_info "$(wc -l </tmp/enabled) enabled call sites, $(wc -l </tmp/dump) slots"
# Expected slot per enabled call site, from enabled_functions: "name (count)
# flags ... ops: 0xADDR (...)"; O = call ops (a single ops for the site),
# D = direct.
awk '{
	name = $1; count = $2; gsub(/[()]/, "", count)
	ops = ""; for (i = 1; i < NF; i++) if ($i == "ops:") ops = $(i + 1)
	o = (index($0, " O ") > 0); d = (index($0, " D ") > 0)
	if (count == 1 && o && d) want = "direct"
	else if (count == 1 && o) want = "ops=" ops
	else want = "list"
	print name, want
}' /tmp/enabled | sort -u >/tmp/want.raw
# enabled_functions prints the ops with %pS: an address, or with
# KALLSYMS_ALL (lockdep selects it: check-debug) "symbol+0xoff/0xsize",
# which /proc/kallsyms turns back into the address the dump prints.
while read -r name want; do
	case $want in
	ops=0x* | direct | list) echo "$name $want" ;;
	ops=*)
		sym=${want#ops=}
		off=${sym#*+}
		addr=$(awk -v s="${sym%%+*}" '$3 == s { print $1; exit }' /proc/kallsyms)
		if [ -n "$addr" ] && [ "${off%%/*}" = 0x0 ]; then
			echo "$name ops=0x$addr"
		else
			echo "$name $want"
		fi
		;;
	esac
done </tmp/want.raw >/tmp/want
# What the dump says, in the same terms ("func" is an awk keyword: until
# 2026-12 this program died on it and the two checks below compared empty
# files).
awk '{
	name = $1; ops = ""; fn = ""; direct = ""
	for (i = 2; i <= NF; i++) {
		if ($i ~ /^ops=/) ops = $i
		if ($i ~ /^func=/) fn = substr($i, 6)
		if ($i ~ /^direct=/) direct = substr($i, 8)
	}
	if (direct != "-") got = "direct"
	else if (fn == "arch_ftrace_ops_list_func") got = "list"
	else if (fn == "ftrace_ops_nop_func" || fn == "-") got = "off"
	else got = ops
	print name, got
}' /tmp/dump >/tmp/got.all
ktap_expect "every slot of the dump read" "$(wc -l </tmp/got.all)" "$(wc -l </tmp/dump)"
sort -u /tmp/got.all >/tmp/got
# Both files are "name kind"; FNR == NR is the first file.
awk 'FNR == NR { want[$1] = $2; next }
	($1 in want) && want[$1] != $2 { print $1, want[$1], $2 }' /tmp/want /tmp/got >/tmp/mismatch
sed 's/^/# mismatch (name want got): /' /tmp/mismatch | head -n 20
ktap_result "every enabled call site's slot matches enabled_functions" \
	[ ! -s /tmp/mismatch ]
awk 'FNR == NR { want[$1] = 1; next }
	!($1 in want) && $2 != "off"' /tmp/want /tmp/got >/tmp/stray
sed 's/^/# stray (enabled in the table only): /' /tmp/stray | head -n 20
ktap_result "every other slot holds the nop ops" [ ! -s /tmp/stray ]
kinds=$(awk '{print $2 ~ /^ops=/ ? "ops" : $2}' /tmp/want | sort -u | tr '\n' ' ')
ktap_expect "the check covered single ops, list and direct" "$kinds" "direct list ops "

echo nop >"$T/instances/table_b/current_tracer"
rmdir "$T/instances/table_b"
echo nop >"$T/current_tracer"
echo >"$T/set_ftrace_filter"
rm -rf /sys/fs/bpf/table
ktap_result "rmmod callops" rmmod callops
ktap_finish
