// SPDX-License-Identifier: GPL-2.0
/*
 * callops_many_notrace: callops_many's 600 functions built without ftrace
 * call sites (Kbuild removes the patchable function entries), so that its
 * load is callops_many's without ftrace's and the provider's per-call-site
 * work.
 */
#include "callops_many.c"
