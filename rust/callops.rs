// SPDX-License-Identifier: GPL-2.0

//! riscv-callops: per-call-site ops slots for RISC-V call ops, and tools to look at them.
//!
//! The module registers as the kernel's call ops provider (`asm/ftrace_callops.h`): it owns
//! one slot per ftrace call site, so that a call site traced by a single ops, or by a single
//! direct trampoline, reaches it without the list function. The kernel fills the slots and
//! writes the call sites' prefixes; the module owns the memory and remembers which call site
//! has which slot.
//!
//! debugfs, under `callops/`:
//! - `state`: slots allocated (`capacity`) and handed out (`used`), `groups` (vmlinux and each
//!   module with call sites), and the kernel's call site cost counters;
//! - `dump`: one line per call site with a slot: what the slot makes it call;
//! - `hit_filter`: write function names or globs to count their calls with an ftrace ops of
//!   the module's own; write nothing (or a newline) to stop;
//! - `hits`: `function hits` lines for the current (or last) filter.

use core::fmt;
use kernel::{
    debugfs::Scope,
    ftrace::callops::{
        self,
        Provider, //
    },
    prelude::*,
    uaccess::UserSliceReader, //
};

mod hits;
mod provider;

use hits::HitCounter;
use provider::SlotTable;

module! {
    type: Callops,
    name: "callops",
    authors: ["riscv-callops developers"],
    description: "Per-call-site ftrace ops slots for RISC-V call ops",
    license: "GPL",
}

/// Everything the debugfs files show.
#[pin_data]
struct State {
    // Dropped first: the hit counter's ops goes before the provider.
    #[pin]
    hits: HitCounter,
    #[pin]
    provider: Provider<SlotTable>,
}

impl State {
    fn new() -> impl PinInit<Self, Error> {
        try_pin_init!(Self {
            hits <- HitCounter::new(),
            provider <- Provider::register(c"callops", SlotTable::new()),
        }? Error)
    }
}

/// The module: its state, and the debugfs directory that shows it.
#[pin_data]
struct Callops {
    /// Removes `callops/` before the state is dropped.
    #[pin]
    debugfs: Scope<State>,
}

impl kernel::InPlaceModule for Callops {
    fn init(_module: &'static ThisModule) -> impl PinInit<Self, Error> {
        try_pin_init!(Self {
            debugfs <- Scope::dir(State::new(), c"callops", |state, dir| {
                dir.read_callback_file(c"state", state, &write_state);
                dir.read_callback_file(c"dump", state, &write_dump);
                dir.read_write_callback_file(c"hit_filter", state, &write_filter, &set_filter);
                dir.read_callback_file(c"hits", state, &write_hits);
            }),
        }? Error)
    }
}

fn write_state(state: &State, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    state.provider.source().write_state(f)?;
    let stats = callops::stats();
    writeln!(f, "site_text_writes: {}", stats.site_text_writes)?;
    writeln!(f, "prefix_writes: {}", stats.prefix_writes)?;
    writeln!(f, "slot_stores: {}", stats.slot_stores)
}

fn write_dump(state: &State, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    state.provider.source().write_dump(f)
}

fn write_filter(state: &State, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    state.hits.write_filter(f)
}

fn set_filter(state: &State, reader: &mut UserSliceReader) -> Result {
    state.hits.write(reader)
}

fn write_hits(state: &State, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    state.hits.write_hits(f)
}
