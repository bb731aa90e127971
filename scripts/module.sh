#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# module.sh KDIR OUTDIR [make args]: build the out-of-tree Rust module the
# standard way (make -C KDIR M=<clone> LLVM=1) with its objects in OUTDIR
# (MO=), so that the clone stays free of build output.
source "$(dirname "$0")/lib.sh"

KDIR=$1
OUTDIR=$2
shift 2
mkdir -p "$OUTDIR"
in_root make -C "$KDIR" M="$TOP" MO="$OUTDIR" ARCH=riscv LLVM=1 "$@"
