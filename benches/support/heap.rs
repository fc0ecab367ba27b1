//! A global allocator for benchmarks that forwards to mimalloc and counts live and peak heap.

use mimalloc::MiMalloc;
use std::alloc::{GlobalAlloc, Layout};
use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering::Relaxed};

/// mimalloc (the allocator the binary uses), counting live and peak heap bytes.
pub struct Counting;

/// Whether allocations are counted (see [`set_counting`]).
static COUNTING: AtomicBool = AtomicBool::new(true);
/// Bytes allocated less bytes freed while counting.
static CURRENT: AtomicIsize = AtomicIsize::new(0);
/// Highest value `CURRENT` reached since the last reset.
static PEAK: AtomicIsize = AtomicIsize::new(0);

/// Turns counting on or off (it starts on). Counters shared by every thread slow down threads
/// that allocate side by side, so multi-threaded work that is timed runs with counting off.
/// Nothing is counted while it is off, so measure heap within one stretch of counting.
pub fn set_counting(on: bool) {
    COUNTING.store(on, Relaxed);
}

/// Records `size` more live bytes.
fn grow(size: usize) {
    if COUNTING.load(Relaxed) {
        let now = CURRENT.fetch_add(size as isize, Relaxed) + size as isize;
        PEAK.fetch_max(now, Relaxed);
    }
}

/// Records `size` fewer live bytes.
fn shrink(size: usize) {
    if COUNTING.load(Relaxed) {
        CURRENT.fetch_sub(size as isize, Relaxed);
    }
}

// SAFETY: every call is forwarded unchanged to `MiMalloc`; only counters are added.
// (`alloc_zeroed` keeps its default, which goes through `alloc`.)
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { MiMalloc.alloc(layout) };
        if !ptr.is_null() {
            grow(layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { MiMalloc.dealloc(ptr, layout) };
        shrink(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new = unsafe { MiMalloc.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            shrink(layout.size());
            grow(new_size);
        }
        new
    }
}

/// Live heap bytes now.
pub fn live() -> usize {
    CURRENT.load(Relaxed).max(0) as usize
}

/// Starts a new peak measurement from the current live heap; returns that baseline.
pub fn reset_peak() -> usize {
    let now = CURRENT.load(Relaxed);
    PEAK.store(now, Relaxed);
    now.max(0) as usize
}

/// Highest live heap since the last `reset_peak`.
pub fn peak() -> usize {
    PEAK.load(Relaxed).max(0) as usize
}

/// Bytes as MiB.
pub fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}
