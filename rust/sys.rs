// SPDX-License-Identifier: GPL-2.0

//! The only part of the module that touches C.
//!
//! Thin wrappers around the RISC-V call ops provider interface (`asm/ftrace_callops.h`), one
//! `struct ftrace_ops` and kallsyms. Every `unsafe` block of the module is in this file; the
//! rest of the module is safe Rust on top of these types, apart from implementing the unsafe
//! [`SlotSource`] trait, whose contract is how long slots must live.

use core::{
    fmt,
    ops::Range,
    ptr::{
        self,
        NonNull, //
    },
};
use kernel::{
    bindings,
    container_of,
    error::to_result,
    new_mutex,
    page::PAGE_SIZE,
    prelude::*,
    sync::{
        atomic::{
            Acquire,
            Atomic,
            Relaxed, //
        },
        Mutex, //
    },
    types::Opaque, //
};

/// Slots per chunk: one page of `unsigned long`s, what `ftrace_callops_alloc()` hands out best.
pub(crate) const SLOTS_PER_CHUNK: usize = PAGE_SIZE / size_of::<c_ulong>();

/// The module whose call sites a slot serves, or vmlinux.
///
/// # Invariants
///
/// `ptr` is null (vmlinux) or points to the `struct module` the kernel passed to
/// `->site_slot()`. That module stays allocated at least until `->release_module()` is called
/// for it, and [`SlotSource`] implementers do not use a handle after that.
pub(crate) struct ModuleHandle {
    ptr: *mut bindings::module,
}

// SAFETY: A handle only reads the module's `state` (atomically) and its init text layout, from
// any thread; it never writes to the module.
unsafe impl Send for ModuleHandle {}

// SAFETY: See `Send`: all accesses through `&ModuleHandle` are reads.
unsafe impl Sync for ModuleHandle {}

impl ModuleHandle {
    /// Whether `self` and `other` are the same module (or both vmlinux).
    pub(crate) fn is(&self, other: &ModuleHandle) -> bool {
        ptr::eq(self.ptr, other.ptr)
    }

    /// The module's init text, empty for vmlinux.
    ///
    /// Only meaningful from `->site_slot()`, while the module is being loaded: the kernel
    /// clears the range once the module's init has run.
    pub(crate) fn init_text(&self) -> Range<usize> {
        if self.ptr.is_null() {
            return 0..0;
        }
        let init_text = bindings::mod_mem_type_MOD_INIT_TEXT as usize;
        // SAFETY: By the type invariants the module is allocated; `mem` has `MOD_MEM_NUM_TYPES`
        // entries. Volatile reads, as the kernel clears the range concurrently after init.
        let (base, size) = unsafe {
            let mem = &raw const (*self.ptr).mem[init_text];
            (
                ptr::read_volatile(&raw const (*mem).base),
                ptr::read_volatile(&raw const (*mem).size),
            )
        };
        let start = base as usize;
        start..start.saturating_add(size as usize)
    }

    /// Whether ftrace may still have records for the module's call sites (in its init text if
    /// `init_text`), so that an ops pointer in their slots is kept alive by ftrace.
    ///
    /// A module is marked GOING before ftrace_release_mod() drops its records, and LIVE before
    /// ftrace_free_mem() drops the records of its init text. vmlinux has no init text left by
    /// the time a module can register a provider.
    fn call_sites_tracked(&self, init_text: bool) -> bool {
        if self.ptr.is_null() {
            return true;
        }
        // SAFETY: By the type invariants the module is allocated. The kernel stores `state`
        // with plain word stores; an atomic load cannot tear. `Acquire` orders the slot reads
        // that follow after it.
        let state = unsafe { Atomic::<u32>::from_ptr(&raw mut (*self.ptr).state) }.load(Acquire);
        match state {
            bindings::module_state_MODULE_STATE_UNFORMED
            | bindings::module_state_MODULE_STATE_COMING => true,
            bindings::module_state_MODULE_STATE_LIVE => !init_text,
            _ => false,
        }
    }
}

/// A slot handed to the kernel for one call site.
pub(crate) struct Slot(NonNull<c_ulong>);

/// What a slot points its call site at.
pub(crate) enum SlotTarget {
    /// Never filled in: the kernel kept the call site on the shared list slot.
    Unset,
    /// The call site's ftrace record may be gone, so the slot was not read.
    Gone,
    /// A `struct ftrace_ops` and its callback.
    Ops {
        /// Address of the ops.
        ops: usize,
        /// Address of `ops->func`.
        func: usize,
    },
    /// A direct trampoline.
    Direct(usize),
}

/// One page of slots from `ftrace_callops_alloc()`: within 2 GiB of all kernel text, so that a
/// call site's 32-bit prefix can reach it. It never moves.
///
/// # Invariants
///
/// `slots` points to [`SLOTS_PER_CHUNK`] `unsigned long`s allocated by `ftrace_callops_alloc()`
/// and owned by this chunk.
pub(crate) struct SlotChunk {
    slots: NonNull<c_ulong>,
}

// SAFETY: The chunk owns plain memory; every access to a slot is atomic.
unsafe impl Send for SlotChunk {}

// SAFETY: See `Send`.
unsafe impl Sync for SlotChunk {}

impl SlotChunk {
    /// Allocates a chunk of zeroed slots.
    pub(crate) fn new() -> Result<Self> {
        // SAFETY: No preconditions; the result is zeroed memory or NULL.
        let mem = unsafe { bindings::ftrace_callops_alloc(SLOTS_PER_CHUNK * size_of::<c_ulong>()) };
        // INVARIANT: A non-NULL result is an allocation of `SLOTS_PER_CHUNK` slots.
        Ok(Self {
            slots: NonNull::new(mem.cast::<c_ulong>()).ok_or(ENOMEM)?,
        })
    }

    fn slot_ptr(&self, index: usize) -> Option<NonNull<c_ulong>> {
        if index >= SLOTS_PER_CHUNK {
            return None;
        }
        // SAFETY: `index` is within the allocation (type invariants), so the result is in
        // bounds and non-null.
        Some(unsafe { self.slots.add(index) })
    }

    /// The slot at `index`, to hand to the kernel.
    pub(crate) fn slot(&self, index: usize) -> Option<Slot> {
        self.slot_ptr(index).map(Slot)
    }

    /// Reads what the slot at `index`, given to a call site of `owner`, points at.
    ///
    /// `init_text` says whether the call site is in `owner`'s init text. `owner` must still be
    /// loaded, i.e. `->release_module()` has not been called for it yet.
    pub(crate) fn target(&self, index: usize, owner: &ModuleHandle, init_text: bool) -> SlotTarget {
        let Some(slot) = self.slot_ptr(index) else {
            return SlotTarget::Unset;
        };
        // An ops found in a slot is freed only after synchronize_rcu_tasks() (ftrace_shutdown()
        // of a dynamic ops), which waits for this task to schedule voluntarily: nothing from
        // here to the read of `func` sleeps. Static ops are never freed. An ops can also
        // outlive the slot's ftrace record (module going, init text freed): check first.
        if !owner.call_sites_tracked(init_text) {
            return SlotTarget::Gone;
        }
        // SAFETY: `slot` is an aligned `unsigned long` of this chunk; the kernel writes it with
        // WRITE_ONCE(), so an atomic load does not race.
        let value = unsafe { Atomic::<usize>::from_ptr(slot.as_ptr()) }.load(Relaxed);
        if value == 0 {
            SlotTarget::Unset
        } else if (value as isize) < 0 {
            // A negative value is a `struct ftrace_ops *` (see `asm/ftrace_callops.h`).
            let ops = value as *const bindings::ftrace_ops;
            // SAFETY: `ops` is live until the rcu-tasks grace period described above, which
            // cannot end before this read. `func` is set before registration.
            let func = unsafe { ptr::read_volatile(&raw const (*ops).func) };
            SlotTarget::Ops {
                ops: value,
                func: func.map_or(0, |f| f as usize),
            }
        } else {
            // A direct trampoline, stored as `addr >> 1`.
            SlotTarget::Direct(value << 1)
        }
    }
}

impl Drop for SlotChunk {
    fn drop(&mut self) {
        // SAFETY: `slots` came from `ftrace_callops_alloc()` (type invariants) and is freed once.
        // No call site uses it any more: see the `SlotSource` safety requirements.
        unsafe { bindings::ftrace_callops_free(self.slots.as_ptr().cast()) };
    }
}

/// What a [`Provider`] does when the kernel asks it for slots.
///
/// # Safety
///
/// Implementers must guarantee that:
/// - the [`SlotChunk`] of a [`Slot`] returned by `site_slot()` stays alive until
///   `release_module()` has been called for the same module or the [`Provider`] is dropped;
///   until then call sites read the slot and the kernel stores into it;
/// - a [`ModuleHandle`] is not used after `release_module()` for its module was called.
pub(crate) unsafe trait SlotSource: Send + Sync {
    /// The slot for the call site at `ip` in `module`, or `None` to leave it on the shared
    /// list slot. Called with ftrace_lock and text_mutex held: may sleep, must not call ftrace.
    fn site_slot(&self, module: ModuleHandle, ip: usize) -> Option<Slot>;

    /// The call sites of `module` are gone and no CPU can still read their slots.
    fn release_module(&self, module: &ModuleHandle);
}

/// A registered call ops provider.
///
/// # Invariants
///
/// `raw` is registered with `ftrace_callops_register()` for as long as `self` exists.
#[pin_data(PinnedDrop)]
pub(crate) struct Provider<T: SlotSource> {
    #[pin]
    source: T,
    // Last: the kernel calls back into `source` while `raw` is being registered.
    #[pin]
    raw: Opaque<bindings::ftrace_callops_provider>,
}

// SAFETY: `raw` is written only before registration; afterwards it is only read, by the kernel,
// whose callbacks use `source` through a shared reference, and `T: Send + Sync`.
unsafe impl<T: SlotSource> Send for Provider<T> {}

// SAFETY: See `Send`.
unsafe impl<T: SlotSource> Sync for Provider<T> {}

impl<T: SlotSource> Provider<T> {
    /// Initialises `source` and registers it as the call ops provider `name`.
    ///
    /// Fails with the error of `ftrace_callops_register()`, e.g. `EBUSY` if another provider
    /// is registered.
    pub(crate) fn register(
        name: &'static CStr,
        source: impl PinInit<T, Error>,
    ) -> impl PinInit<Self, Error> {
        try_pin_init!(Self {
            source <- source,
            // INVARIANT: `raw` is initialised, and `Self` exists, only if registration worked.
            raw <- Opaque::try_ffi_init(move |slot: *mut bindings::ftrace_callops_provider| {
                // SAFETY: `slot` is valid for writes.
                unsafe {
                    slot.write(bindings::ftrace_callops_provider {
                        name: name.as_char_ptr(),
                        site_slot: Some(site_slot_callback::<T>),
                        release_module: Some(release_module_callback::<T>),
                    })
                };
                // SAFETY: `slot` is initialised and pinned in a `Provider<T>` whose `source` is
                // initialised, which the callbacks need. If registration fails, the kernel has
                // put every call site back on the list slot and waited for readers, so dropping
                // `source` (freeing its slots) is fine.
                to_result(unsafe { bindings::ftrace_callops_register(slot) })
            }),
        }? Error)
    }

    /// The slot source.
    pub(crate) fn source(&self) -> &T {
        &self.source
    }
}

#[pinned_drop]
impl<T: SlotSource> PinnedDrop for Provider<T> {
    fn drop(self: Pin<&mut Self>) {
        // SAFETY: `raw` is registered (type invariants). When this returns no CPU reads a slot
        // and no callback runs any more, so `source` may then free the slots.
        unsafe { bindings::ftrace_callops_unregister(self.raw.get()) };
    }
}

/// `->site_slot()` of [`Provider<T>`].
///
/// # Safety
///
/// `prov` must be the `raw` field of a live `Provider<T>`.
unsafe extern "C" fn site_slot_callback<T: SlotSource>(
    prov: *mut bindings::ftrace_callops_provider,
    module: *mut bindings::module,
    ip: c_ulong,
) -> *mut c_ulong {
    // SAFETY: By the function safety requirements `prov` is the `raw` field of a `Provider<T>`.
    let this = unsafe { &*container_of!(Opaque::cast_from(prov).cast_mut(), Provider<T>, raw) };
    // INVARIANT: The kernel passes the module being set up, or NULL for vmlinux.
    let module = ModuleHandle { ptr: module };
    this.source
        .site_slot(module, ip)
        .map_or(ptr::null_mut(), |slot| slot.0.as_ptr())
}

/// `->release_module()` of [`Provider<T>`].
///
/// # Safety
///
/// `prov` must be the `raw` field of a live `Provider<T>`.
unsafe extern "C" fn release_module_callback<T: SlotSource>(
    prov: *mut bindings::ftrace_callops_provider,
    module: *mut bindings::module,
) {
    // SAFETY: By the function safety requirements `prov` is the `raw` field of a `Provider<T>`.
    let this = unsafe { &*container_of!(Opaque::cast_from(prov).cast_mut(), Provider<T>, raw) };
    // INVARIANT: The module is still allocated: it is being released.
    this.source.release_module(&ModuleHandle { ptr: module });
}

/// The call site cost counters of the kernel.
pub(crate) struct KernelStats {
    /// jalr/nop words written to enable or disable call sites.
    pub(crate) site_text_writes: u64,
    /// Slot-offset prefixes written.
    pub(crate) prefix_writes: u64,
    /// Stores to per-call-site slots.
    pub(crate) slot_stores: u64,
}

/// Reads the kernel's call site cost counters.
pub(crate) fn kernel_stats() -> KernelStats {
    let mut stats = bindings::ftrace_callops_stats::default();
    // SAFETY: `stats` is valid for writes.
    unsafe { bindings::ftrace_callops_read_stats(&mut stats) };
    KernelStats {
        site_text_writes: stats.site_text_writes,
        prefix_writes: stats.prefix_writes,
        slot_stores: stats.slot_stores,
    }
}

/// Room for `sprint_symbol_no_offset()`: at least `KSYM_SYMBOL_LEN`, a macro bindgen cannot
/// evaluate: the name (`KSYM_NAME_LEN`) plus 154 bytes on 64-bit (format, offsets, module name,
/// build ID), which `sprint_symbol_no_offset()` does not even use all of.
const SYMBOL_LEN: usize = bindings::KSYM_NAME_LEN as usize + 160;

/// The symbol of a kernel address, like `%ps`: `name` or `name [module]`, or the address in hex
/// if it has no symbol.
pub(crate) struct Symbol {
    buf: [u8; SYMBOL_LEN],
    len: usize,
}

impl Symbol {
    /// Looks up the symbol of `addr`.
    pub(crate) fn of(addr: usize) -> Self {
        let mut buf = [0u8; SYMBOL_LEN];
        // SAFETY: `buf` is at least `KSYM_SYMBOL_LEN` bytes. A bare address is only looked up,
        // never dereferenced.
        let len = unsafe { bindings::sprint_symbol_no_offset(buf.as_mut_ptr(), addr) };
        Self {
            buf,
            len: usize::try_from(len).unwrap_or(0).min(SYMBOL_LEN),
        }
    }
}

impl fmt::Display for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.buf.get(..self.len).map(core::str::from_utf8) {
            Some(Ok(name)) => f.write_str(name),
            _ => f.write_str("?"),
        }
    }
}

/// The callback of an [`FtraceOps`].
pub(crate) trait FtraceCallback: Send + Sync {
    /// Called for every traced call of a function matched by the filter, at `ip` in it.
    ///
    /// Runs in any context (NMI, RCU not watching, preemptible), and the ops does not ask
    /// ftrace for recursion protection (see [`FtraceOps`]): it must not call anything
    /// traceable.
    fn call(&self, ip: usize);
}

/// A `struct ftrace_ops` calling `T`.
///
/// The ops does not set `FTRACE_OPS_FL_RECURSION`: with it, ftrace would call it through
/// `ftrace_ops_assist_func()`, and a call site it alone traces could not get it in its slot.
///
/// It sets `FTRACE_OPS_FL_PERMANENT`: while `kernel.ftrace_enabled` is 0, ftrace patches no
/// call site, so a registered ops would silently never be called. With the flag,
/// registering then fails with `EBUSY`, and `ftrace_enabled` cannot be turned off while the
/// ops is registered.
///
/// # Invariants
///
/// `raw` is an `ftrace_ops` whose `func` is `ops_callback::<T>`; it is registered with ftrace
/// exactly when `enabled` holds `true`.
#[pin_data(PinnedDrop)]
pub(crate) struct FtraceOps<T: FtraceCallback> {
    #[pin]
    data: T,
    #[pin]
    enabled: Mutex<bool>,
    #[pin]
    raw: Opaque<bindings::ftrace_ops>,
}

// SAFETY: ftrace owns `raw` while registered and serialises its changes itself; this type only
// passes its address, under `enabled`. `T: Send + Sync`.
unsafe impl<T: FtraceCallback> Send for FtraceOps<T> {}

// SAFETY: See `Send`.
unsafe impl<T: FtraceCallback> Sync for FtraceOps<T> {}

impl<T: FtraceCallback> FtraceOps<T> {
    /// A new, unregistered ops with an empty filter.
    pub(crate) fn new(data: impl PinInit<T, Error>) -> impl PinInit<Self, Error> {
        try_pin_init!(Self {
            data <- data,
            enabled <- new_mutex!(false),
            // INVARIANT: A zeroed ops with only `func` and `flags` set is what ftrace expects
            // of a new ops.
            raw <- Opaque::ffi_init(|slot: *mut bindings::ftrace_ops| {
                // SAFETY: `slot` is valid for writes of one `ftrace_ops`.
                unsafe {
                    slot.write_bytes(0, 1);
                    (*slot).func = Some(ops_callback::<T>);
                    (*slot).flags = bindings::FTRACE_OPS_FL_PERMANENT as c_ulong;
                }
            }),
        }? Error)
    }

    /// The callback's data.
    pub(crate) fn data(&self) -> &T {
        &self.data
    }

    /// Adds the functions matching `pattern` (a name or glob) to the filter, emptied first if
    /// `reset`. Fails with `EINVAL` if nothing matches; the filter is then unchanged.
    pub(crate) fn set_filter(&self, pattern: &[u8], reset: bool) -> Result {
        // ftrace_set_filter() edits the pattern in place and wants it NUL-terminated.
        let mut buf = KVec::with_capacity(pattern.len() + 1, GFP_KERNEL)?;
        buf.extend_from_slice(pattern, GFP_KERNEL)?;
        buf.push(0, GFP_KERNEL)?;
        let len = c_int::try_from(pattern.len()).map_err(|_| EINVAL)?;
        let _guard = self.enabled.lock();
        // SAFETY: `raw` is a valid ops (type invariants); `buf` is a writable, NUL-terminated
        // string of `len` bytes. ftrace copies what it keeps.
        to_result(unsafe {
            bindings::ftrace_set_filter(self.raw.get(), buf.as_mut_ptr(), len, reset.into())
        })
    }

    /// Registers the ops: `T::call()` runs from now on. `EBUSY` if already registered or if
    /// `kernel.ftrace_enabled` is 0.
    pub(crate) fn register(&self) -> Result {
        let mut enabled = self.enabled.lock();
        if *enabled {
            return Err(EBUSY);
        }
        // SAFETY: `raw` is a valid, pinned ops, not registered (type invariants); it stays
        // alive until `PinnedDrop` has unregistered it.
        to_result(unsafe { bindings::register_ftrace_function(self.raw.get()) })?;
        // INVARIANT: Registered.
        *enabled = true;
        Ok(())
    }

    /// Unregisters the ops, if registered. On return no CPU is in `T::call()` any more.
    pub(crate) fn unregister(&self) -> Result {
        let mut enabled = self.enabled.lock();
        if *enabled {
            // SAFETY: `raw` is registered (type invariants). For an ops outside core kernel
            // data (`FTRACE_OPS_FL_DYNAMIC`), this waits for the callers to leave it.
            to_result(unsafe { bindings::unregister_ftrace_function(self.raw.get()) })?;
            // INVARIANT: Unregistered.
            *enabled = false;
        }
        Ok(())
    }
}

#[pinned_drop]
impl<T: FtraceCallback> PinnedDrop for FtraceOps<T> {
    fn drop(self: Pin<&mut Self>) {
        if let Err(e) = self.unregister() {
            // ftrace is dead (ftrace_kill()); freeing the filter would warn, leak it instead.
            pr_err!("cannot unregister ftrace ops: {e:?}\n");
            return;
        }
        // SAFETY: `raw` is not registered; its filter hashes are freed once, here.
        unsafe { bindings::ftrace_free_filter(self.raw.get()) };
    }
}

/// `ftrace_ops->func` of [`FtraceOps<T>`].
///
/// # Safety
///
/// `op` must be the `raw` field of a registered `FtraceOps<T>`.
unsafe extern "C" fn ops_callback<T: FtraceCallback>(
    ip: c_ulong,
    _parent_ip: c_ulong,
    op: *mut bindings::ftrace_ops,
    _fregs: *mut bindings::ftrace_regs,
) {
    // SAFETY: ftrace calls `func` only with its own ops, the `raw` field of an `FtraceOps<T>`,
    // which stays alive until its callers are gone (see `FtraceOps::unregister()`).
    let this = unsafe { &*container_of!(Opaque::cast_from(op).cast_mut(), FtraceOps<T>, raw) };
    this.data.call(ip);
}
