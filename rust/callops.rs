// SPDX-License-Identifier: GPL-2.0

//! riscv-callops: owner of the per-function ops table for RISC-V call ops.
//!
//! This first version only proves the build and load path of the
//! out-of-tree Rust module (built with `LLVM=1` against a configured 7.2
//! tree, loaded and unloaded in the QEMU guest); the ops table and its
//! provider registration come with the arch series' provider interface.

use kernel::prelude::*;

module! {
    type: Callops,
    name: "callops",
    authors: ["riscv-callops developers"],
    description: "Per-function ftrace ops table for RISC-V call ops",
    license: "GPL",
}

struct Callops;

impl kernel::Module for Callops {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        pr_info!("loaded\n");
        Ok(Callops)
    }
}

impl Drop for Callops {
    fn drop(&mut self) {
        pr_info!("unloaded\n");
    }
}
