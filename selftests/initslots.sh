#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Call sites in a module's init text: the test module (selftests/testmod)
# has two, callops_testmod_init() and callops_testmod_init_files().  With
# the provider loaded, every call site of the module gets its slot at
# load, before init runs, the init text's included (ftrace_init_nop()
# asks the provider).  Once init has run, ftrace drops the init text's
# records (ftrace_free_mem()) but tells nobody, so those slots stay handed
# out until the module is unloaded (ftrace_release_mod() ->
# arch_ftrace_release_mod()), which hands back all of the module's slots.
# The dump shows a call site whose text is gone by its address only, with
# "?" for what its slot holds: no symbol, and the slot is not read.
# Loaded before the provider, the module's init text gets no slots at all.
. /callops/selftests/ktap.sh

D=/sys/kernel/debug/callops
T=/sys/kernel/tracing
KO=/callops/callops.ko
TM=/callops/selftests/callops_testmod.ko
SECTIONS=/sys/module/callops_testmod/sections
INIT_SITES=2

# The test module's call sites that ftrace still has (its core text).
core_sites()
{
	grep -c ' \[callops_testmod\]$' "$T/available_filter_functions"
}

# gone_in_init BASE: the dump's lines for call sites whose text is gone
# ("0x<ip> slot=..." with nothing read) that lie in the init text that
# started at BASE, which is smaller than a page.  Module addresses do not
# fit awk's doubles: shell arithmetic (64-bit, wrapping) takes the offsets.
gone_in_init()
{
	grep '^0x' "$D/dump" | while read -r ip rest; do
		off=$((ip - $1))
		[ "$off" -ge 0 ] && [ "$off" -lt 4096 ] && echo "+$off $rest"
	done
}

# group_of LINES: the slot groups ("slot=G:I" -> G) of the dump lines.
group_of()
{
	sed -n 's/.* slot=\([0-9]*\):.*/\1/p'
}

ktap_plan 15
if [ ! -e "$KO" ]; then
	ktap_skip_plan 15 "init text slot test" "kernel has no call ops provider interface (vanilla)"
fi
ktap_result "insmod callops.ko" insmod "$KO"
used0=$(provider_state used)
groups0=$(provider_state groups)
ktap_info "before the test module: used $used0, groups $groups0"

ktap_result "insmod callops_testmod.ko with the provider loaded" insmod "$TM"
ktap_result "its init ran (callops_testmod_init_files made its debugfs files)" \
	[ -e /sys/kernel/debug/callops_testmod/call ]
core=$(core_sites)
used1=$(provider_state used)
init_base=$(cat "$SECTIONS/.init.text")
grep ' \[callops_testmod\] slot=' "$D/dump" >/tmp/initslots.core
gone_in_init "$init_base" >/tmp/initslots.gone
ktap_info "after insmod: used $used1, groups $(provider_state groups), $core call sites in available_filter_functions"
sed 's/^/# core: /' /tmp/initslots.core
sed "s/^/# init text $init_base/" /tmp/initslots.gone
ktap_expect "slots at load: the core's $core call sites and the init text's $INIT_SITES, kept after init" \
	"$((used1 - used0))" "$((core + INIT_SITES))"
ktap_expect "core call sites in the dump by name, nop ops" \
	"$(grep -c ' func=ftrace_ops_nop_func ' /tmp/initslots.core)" "$core"
ktap_expect "init call sites in the dump by address, slot not read" \
	"$(grep -c ' slot=[0-9]*:[0-9]* ops=? func=? direct=?$' /tmp/initslots.gone)" "$INIT_SITES"
# The init text starts with the first function's slot-offset prefix: its
# jalr (rec->ip) is 8 bytes in.
ktap_expect "the first init call site is the init text's first function" \
	"$(sed -n '1s/ .*//p' /tmp/initslots.gone)" +8
ktap_expect "core and init call sites share the module's slot group" \
	"$(cat /tmp/initslots.core /tmp/initslots.gone | group_of | sort -u | wc -l)" 1

ktap_result "rmmod callops_testmod" rmmod callops_testmod
ktap_expect "rmmod: every slot of the module handed back" \
	"used $(provider_state used), groups $(provider_state groups)" "used $used0, groups $groups0"
ktap_expect "rmmod: nothing of the module left in the dump" \
	"$(grep -c ' \[callops_testmod\] slot=' "$D/dump") $(gone_in_init "$init_base" | wc -l)" "0 0"

# Loaded first, the module's init text is freed before any provider
# exists: only its core call sites get slots.
ktap_result "rmmod callops" rmmod callops
ktap_result "insmod callops_testmod.ko, then callops.ko" sh -c "insmod $TM && insmod $KO"
init_base=$(cat "$SECTIONS/.init.text")
ktap_expect "provider after the module: a slot per call site ftrace has, none for init text" \
	"$(provider_state used) $(gone_in_init "$init_base" | wc -l)" \
	"$(wc -l <"$T/available_filter_functions") 0"
ktap_result "rmmod callops_testmod, callops" sh -c 'rmmod callops_testmod && rmmod callops'
ktap_finish
