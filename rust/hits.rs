// SPDX-License-Identifier: GPL-2.0

//! A per-function hit counter on an ftrace ops of our own.
//!
//! The filter is one or more function names or globs (`ksys_sync`, `vfs_*`), handed to
//! `ftrace_set_filter()`, which resolves them against ftrace's own records. The module cannot
//! resolve them itself: `kallsyms_lookup_name()` and `kallsyms_on_each_symbol()` are not
//! exported to modules, and `struct ftrace_hash`, where ftrace keeps the matched addresses, is
//! private to kernel/trace. So the counters are keyed by the `ip` the callback gets: a fixed,
//! open-addressed table of `(ip, count)` that the callback fills lock-free, claiming an empty
//! entry with a compare-and-exchange on a function's first hit.
//!
//! Two ops take turns, so that a new filter is checked without touching the current one:
//! the ops whose counts are not shown gets the new filter (which fails with nothing changed if
//! a pattern matches nothing) and is registered, then the old one is unregistered. Its counts
//! stay readable until the next change; a change that fails (a filter of separators only, no
//! match, registration refused) leaves the shown filter and counts as they were.

use core::fmt;
use kernel::{
    ftrace::{
        Callback,
        Flag,
        Ops, //
    },
    kallsyms::Symbol,
    new_mutex,
    prelude::*,
    sync::{
        atomic::{
            Atomic,
            Relaxed, //
        },
        Mutex, //
    },
    uaccess::UserSliceReader, //
};

/// Functions counted one by one; hits of further functions are counted together.
const TABLE_SIZE: usize = 1024;

/// Entries the callback looks at before it gives up on a function; keeps a hit cheap when the
/// table is nearly full.
const MAX_PROBES: usize = 32;

/// Longest filter written to `hit_filter`, in bytes.
const MAX_FILTER_LEN: usize = 255;

/// A function's counter.
struct Entry {
    /// The `ip` ftrace reports for the function, 0 while the entry is free.
    ip: Atomic<usize>,
    hits: Atomic<u64>,
}

/// Hit counts by `ip`, written by the ftrace callback.
pub(crate) struct HitTable {
    /// `TABLE_SIZE` entries, a power of two.
    entries: KVec<Entry>,
    /// Hits of functions that found no entry.
    other: Atomic<u64>,
}

impl HitTable {
    fn new() -> Result<Self> {
        let mut entries = KVec::with_capacity(TABLE_SIZE, GFP_KERNEL)?;
        for _ in 0..TABLE_SIZE {
            entries.push(
                Entry {
                    ip: Atomic::new(0),
                    hits: Atomic::new(0),
                },
                GFP_KERNEL,
            )?;
        }
        Ok(Self {
            entries,
            other: Atomic::new(0),
        })
    }

    /// Zeroes the table. The ops must be unregistered, or the callback could refill it.
    fn clear(&self) {
        for entry in self.entries.iter() {
            entry.ip.store(0, Relaxed);
            entry.hits.store(0, Relaxed);
        }
        self.other.store(0, Relaxed);
    }

    /// The hit counts, by function.
    fn counts(&self) -> Result<KVec<(usize, u64)>> {
        let mut counts = KVec::new();
        for entry in self.entries.iter() {
            let ip = entry.ip.load(Relaxed);
            if ip != 0 {
                counts.push((ip, entry.hits.load(Relaxed)), GFP_KERNEL)?;
            }
        }
        Ok(counts)
    }
}

// SAFETY: Atomics only: they compile to calls of the Rust atomic helpers, which have no ftrace
// call site (rust/helpers/helpers.o has no patchable function entries), and this module's Rust
// code has none either: this never recurses into ftrace, and uses no RCU. No panics either: a
// bad index ends the probe instead.
unsafe impl Callback for HitTable {
    fn call(&self, ip: usize, _parent_ip: usize) {
        // Fibonacci hashing; call sites are at least 2-byte aligned.
        let mut index = (ip >> 1).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 54;
        for _ in 0..MAX_PROBES {
            let Some(entry) = self.entries.get(index % TABLE_SIZE) else {
                break;
            };
            let mut key = entry.ip.load(Relaxed);
            if key == 0 {
                // Claim the entry, unless another CPU just did, maybe for this same function.
                key = entry
                    .ip
                    .cmpxchg(0, ip, Relaxed)
                    .map_or_else(|cur| cur, |_| ip);
            }
            if key == ip {
                entry.hits.add(1, Relaxed);
                return;
            }
            index = index.wrapping_add(1);
        }
        self.other.add(1, Relaxed);
    }
}

/// One of the two ops.
#[derive(Clone, Copy, PartialEq)]
enum Bank {
    A,
    B,
}

impl Bank {
    fn other(self) -> Self {
        match self {
            Bank::A => Bank::B,
            Bank::B => Bank::A,
        }
    }
}

/// The filter state, changed only by writes to `hit_filter`.
///
/// # Invariants
///
/// `active` is `None` or equal to `shown`.
struct Filter {
    /// The registered ops, if any.
    active: Option<Bank>,
    /// The ops whose counts `hits` shows: the active one, or the last one.
    shown: Option<Bank>,
    /// The patterns of the active ops, as written.
    text: KVec<u8>,
}

/// The hit counter: `callops/hit_filter` and `callops/hits`.
#[pin_data]
pub(crate) struct HitCounter {
    a: Ops<HitTable>,
    b: Ops<HitTable>,
    #[pin]
    filter: Mutex<Filter>,
}

impl HitCounter {
    /// A counter with no filter, not registered.
    pub(crate) fn new() -> impl PinInit<Self, Error> {
        // Permanent: while `kernel.ftrace_enabled` is 0 a registered ops would silently count
        // nothing; with the flag, registering then fails with `EBUSY` instead.
        try_pin_init!(Self {
            a: Ops::new(HitTable::new(), Flag::Permanent.into())?,
            b: Ops::new(HitTable::new(), Flag::Permanent.into())?,
            filter <- new_mutex!(Filter {
                active: None,
                shown: None,
                text: KVec::new(),
            }),
        }? Error)
    }

    fn ops(&self, bank: Bank) -> &Ops<HitTable> {
        match bank {
            Bank::A => &self.a,
            Bank::B => &self.b,
        }
    }

    /// Writes the current filter.
    pub(crate) fn write_filter(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let filter = self.filter.lock();
        let text = core::str::from_utf8(&filter.text).map_err(|_| fmt::Error)?;
        writeln!(f, "{text}")
    }

    /// Writes `function hits` lines, most hits first.
    pub(crate) fn write_hits(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Held so that the shown ops is not cleared for reuse while it is read.
        let filter = self.filter.lock();
        let Some(bank) = filter.shown else {
            return Ok(());
        };
        let table = self.ops(bank).data();
        let Ok(mut counts) = table.counts() else {
            return writeln!(f, "(out of memory)");
        };
        counts.sort_unstable_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
        for (ip, hits) in counts.iter() {
            writeln!(f, "{} {hits}", Symbol::of(*ip))?;
        }
        let other = table.other.load(Relaxed);
        if other != 0 {
            writeln!(f, "(other) {other}")?;
        }
        Ok(())
    }

    /// Handles a write to `hit_filter`: patterns separated by spaces or commas set a new
    /// filter and reset the counts; an empty write stops counting. Bad input changes nothing.
    pub(crate) fn write(&self, reader: &mut UserSliceReader) -> Result {
        let len = reader.len();
        if len > MAX_FILTER_LEN {
            pr_warn!("hit_filter: {len} bytes, at most {MAX_FILTER_LEN}\n");
            return Err(EINVAL);
        }
        let mut buf = [0u8; MAX_FILTER_LEN];
        let input = buf.get_mut(..len).ok_or(EINVAL)?;
        reader.read_slice(input)?;
        let Ok(text) = core::str::from_utf8(input) else {
            pr_warn!("hit_filter: not UTF-8\n");
            return Err(EINVAL);
        };
        let text = text.trim();
        for pattern in patterns(text) {
            // `!` would remove functions: a filter left empty traces every function.
            if pattern.starts_with('!') || !pattern.bytes().all(|b| b.is_ascii_graphic()) {
                pr_warn!("hit_filter: bad pattern '{pattern}'\n");
                return Err(EINVAL);
            }
        }
        if text.is_empty() {
            self.stop();
            return Ok(());
        }
        // Only separators: an empty filter, which ftrace reads as every function.
        if patterns(text).next().is_none() {
            pr_warn!("hit_filter: no function name or glob in '{text}'\n");
            return Err(EINVAL);
        }
        self.start(text)
    }

    /// Counts the functions matching `text` (at least one pattern) from now on, from zero.
    fn start(&self, text: &str) -> Result {
        let mut saved = KVec::new();
        saved.extend_from_slice(text.as_bytes(), GFP_KERNEL)?;
        let mut filter = self.filter.lock();
        // Never the shown ops (the active one, or the last one once stopped): it is cleared
        // below, and if registering fails, its counts must stay as they were.
        let next_bank = filter.shown.map_or(Bank::A, Bank::other);
        let next = self.ops(next_bank);
        for (n, pattern) in patterns(text).enumerate() {
            next.set_filter(pattern.as_bytes(), n == 0).map_err(|e| {
                if e == EINVAL {
                    pr_warn!("hit_filter: no traceable function matches '{pattern}'\n");
                    ENOENT
                } else {
                    pr_warn!("hit_filter: cannot set filter '{pattern}': {e:?}\n");
                    e
                }
            })?;
        }
        // Not the active ops (by the type invariants, the active one is shown): no callback is
        // writing to it.
        next.data().clear();
        next.register().inspect_err(|e| {
            if *e == EBUSY {
                pr_warn!("hit_filter: cannot register ftrace ops: EBUSY (ftrace_enabled 0?)\n");
            } else {
                pr_warn!("hit_filter: cannot register ftrace ops: {e:?}\n");
            }
        })?;
        // INVARIANT: `active` and `shown` both become `next_bank`.
        if let Some(old) = filter.active.replace(next_bank) {
            if let Err(e) = self.ops(old).unregister() {
                pr_err!("hit_filter: cannot unregister ftrace ops: {e:?}\n");
            }
        }
        filter.shown = Some(next_bank);
        filter.text = saved;
        Ok(())
    }

    /// Stops counting; the counts stay readable.
    fn stop(&self) {
        let mut filter = self.filter.lock();
        // INVARIANT: `active` becomes `None`.
        if let Some(old) = filter.active.take() {
            if let Err(e) = self.ops(old).unregister() {
                pr_err!("hit_filter: cannot unregister ftrace ops: {e:?}\n");
            }
        }
        filter.text.clear();
    }
}

/// The patterns of a filter: separated by whitespace or commas.
fn patterns(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| c == ',' || c.is_ascii_whitespace())
        .filter(|pattern| !pattern.is_empty())
}
