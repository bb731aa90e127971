// SPDX-License-Identifier: GPL-2.0

//! The slot table: one slot per call site, grouped by the module the call site is in.
//!
//! Slots come in [`SlotChunk`]s of [`SLOTS_PER_CHUNK`], which remember the call site each of
//! their slots was handed to. A group (vmlinux or one module) is a list of chunks, filled in
//! order. Chunks are never moved or resized, so a slot's address stays valid for as long as its
//! call site may read it, and no store the kernel makes to it can be lost.

use core::fmt;
use kernel::{
    ftrace::callops::{
        ModuleId,
        ReleasedModule,
        Slot,
        SlotChunk,
        SlotSource,
        SlotTarget,
        SLOTS_PER_CHUNK, //
    },
    kallsyms::Symbol,
    new_mutex,
    prelude::*,
    sync::Mutex, //
};

/// The slots of vmlinux or of one module.
struct Group {
    module: ModuleId,
    chunks: KVec<SlotChunk>,
}

impl Group {
    fn take(&mut self, ip: usize) -> Result<Option<Slot>> {
        if let Some(slot) = self.chunks.last_mut().and_then(|chunk| chunk.take(ip)) {
            return Ok(Some(slot));
        }
        self.chunks.push(SlotChunk::new()?, GFP_KERNEL)?;
        Ok(self.chunks.last_mut().and_then(|chunk| chunk.take(ip)))
    }

    fn used(&self) -> usize {
        self.chunks.iter().map(SlotChunk::used).sum()
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
    /// A call site that no longer uses its slot (its record is gone: module going, init text
    /// freed) shows its address and `?` for what it calls: its slot may name an ops that was
    /// freed since.
    pub(crate) fn write_dump(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Held throughout: it keeps each group's chunks alive while they are read.
        let groups = self.groups.lock();
        for (g, group) in groups.iter().enumerate() {
            for (c, chunk) in group.chunks.iter().enumerate() {
                for (i, (ip, target)) in chunk.sites().enumerate() {
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
// unregistered).
unsafe impl SlotSource for SlotTable {
    fn site_slot(&self, module: ModuleId, ip: usize) -> Option<Slot> {
        let mut groups = self.groups.lock();
        let index = match groups.iter().position(|group| group.module == module) {
            Some(index) => index,
            None => {
                let group = Group {
                    module,
                    chunks: KVec::new(),
                };
                // On failure the call site stays on the list slot: slower, still correct.
                groups.push(group, GFP_KERNEL).ok()?;
                groups.len() - 1
            }
        };
        groups.get_mut(index)?.take(ip).ok().flatten()
    }

    fn release_module(&self, released: ReleasedModule) {
        let module = released.module();
        self.groups.lock().retain(|group| group.module != module);
    }
}
