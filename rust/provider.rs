// SPDX-License-Identifier: GPL-2.0

//! The slot table: one slot per call site, grouped by the module the call site is in.
//!
//! Slots come in chunks of [`SLOTS_PER_CHUNK`] from `ftrace_callops_alloc()`. A group (vmlinux
//! or one module) is a list of chunks, filled in order, and remembers the call site each slot
//! was handed to. Chunks are never moved or resized, so a slot's address stays valid for as
//! long as its call site may read it, and no store the kernel makes to it can be lost.

use core::{
    fmt,
    ops::Range, //
};
use kernel::{
    new_mutex,
    prelude::*,
    sync::Mutex, //
};

use crate::sys::{
    ModuleHandle,
    Slot,
    SlotChunk,
    SlotSource,
    SlotTarget,
    Symbol,
    SLOTS_PER_CHUNK, //
};

/// A chunk of slots and the call sites they were handed to.
struct Chunk {
    slots: SlotChunk,
    /// `ips[i]` is the call site of slot `i`; slots from `ips.len()` on are free. Allocated
    /// for the whole chunk up front, so that handing out a slot never allocates.
    ips: KVec<usize>,
}

impl Chunk {
    fn new() -> Result<Self> {
        Ok(Self {
            slots: SlotChunk::new()?,
            ips: KVec::with_capacity(SLOTS_PER_CHUNK, GFP_KERNEL)?,
        })
    }

    fn take(&mut self, ip: usize) -> Option<Slot> {
        let slot = self.slots.slot(self.ips.len())?;
        self.ips.push_within_capacity(ip).ok()?;
        Some(slot)
    }
}

/// The slots of vmlinux or of one module.
struct Group {
    module: ModuleHandle,
    /// The module's init text when it was loaded: its call sites there go away after init.
    init_text: Range<usize>,
    chunks: KVec<Chunk>,
}

impl Group {
    fn take(&mut self, ip: usize) -> Result<Option<Slot>> {
        if let Some(slot) = self.chunks.last_mut().and_then(|chunk| chunk.take(ip)) {
            return Ok(Some(slot));
        }
        self.chunks.push(Chunk::new()?, GFP_KERNEL)?;
        Ok(self.chunks.last_mut().and_then(|chunk| chunk.take(ip)))
    }

    fn used(&self) -> usize {
        self.chunks.iter().map(|chunk| chunk.ips.len()).sum()
    }
}

/// All groups: what the provider hands out.
#[pin_data]
pub(crate) struct SlotTable {
    /// vmlinux first (its call sites are set up first), then modules in load order.
    #[pin]
    groups: Mutex<KVec<Group>>,
}

impl SlotTable {
    /// An empty table.
    pub(crate) fn new() -> impl PinInit<Self, Error> {
        try_pin_init!(Self {
            groups <- new_mutex!(KVec::new()),
        }? Error)
    }

    /// Writes `key: value` lines about the table.
    pub(crate) fn write_state(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (capacity, used, groups) = {
            let groups = self.groups.lock();
            let chunks: usize = groups.iter().map(|group| group.chunks.len()).sum();
            let used: usize = groups.iter().map(Group::used).sum();
            (chunks * SLOTS_PER_CHUNK, used, groups.len())
        };
        writeln!(f, "capacity: {capacity}")?;
        writeln!(f, "used: {used}")?;
        writeln!(f, "groups: {groups}")
    }

    /// Writes one line per call site that was handed a slot:
    /// `<function> slot=<group>:<index> ops=<ops|-> func=<ops->func|-> direct=<trampoline|->`.
    ///
    /// A call site whose ftrace record may be gone (module going, init text freed) shows its
    /// address and `?` for what it calls: its slot may name an ops that was freed since.
    pub(crate) fn write_dump(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Held throughout: it keeps each group's module and chunks alive while they are read.
        let groups = self.groups.lock();
        for (g, group) in groups.iter().enumerate() {
            for (c, chunk) in group.chunks.iter().enumerate() {
                for (i, &ip) in chunk.ips.iter().enumerate() {
                    let in_init = group.init_text.contains(&ip);
                    let target = chunk.slots.target(i, &group.module, in_init);
                    // Symbols are written one at a time to bound stack use.
                    if let SlotTarget::Gone = target {
                        write!(f, "{ip:#x}")?;
                    } else {
                        write!(f, "{}", Symbol::of(ip))?;
                    }
                    write!(f, " slot={g}:{}", c * SLOTS_PER_CHUNK + i)?;
                    match target {
                        SlotTarget::Unset => writeln!(f, " ops=- func=- direct=-")?,
                        SlotTarget::Gone => writeln!(f, " ops=? func=? direct=?")?,
                        SlotTarget::Ops { ops, func } => {
                            write!(f, " ops={ops:#x} func=")?;
                            writeln!(f, "{} direct=-", Symbol::of(func))?;
                        }
                        SlotTarget::Direct(addr) => {
                            writeln!(f, " ops=- func=- direct={}", Symbol::of(addr))?;
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

// SAFETY: A slot's chunk is dropped only with its group, which is dropped only by
// `release_module()` for the group's module or with the table (after the provider is
// unregistered). A group's `ModuleHandle` is dropped with it; extra handles are dropped in
// `site_slot()`.
unsafe impl SlotSource for SlotTable {
    fn site_slot(&self, module: ModuleHandle, ip: usize) -> Option<Slot> {
        let mut groups = self.groups.lock();
        let index = match groups.iter().position(|group| group.module.is(&module)) {
            Some(index) => index,
            None => {
                let init_text = module.init_text();
                let group = Group {
                    module,
                    init_text,
                    chunks: KVec::new(),
                };
                // On failure the call site stays on the list slot: slower, still correct.
                groups.push(group, GFP_KERNEL).ok()?;
                groups.len() - 1
            }
        };
        groups.get_mut(index)?.take(ip).ok().flatten()
    }

    fn release_module(&self, module: &ModuleHandle) {
        self.groups.lock().retain(|group| !group.module.is(module));
    }
}
