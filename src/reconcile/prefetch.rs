//! Hints that memory is about to be read, so that scattered reads of large plans overlap.

/// How many entries ahead a loop over users asks for the memory it will read: far enough for
/// a load from main memory to arrive in time, near enough not to evict what is still needed.
const PREFETCH_AHEAD: usize = 8;

/// Asks the processor to start loading `value` (every cache line of it) into the cache.
///
/// Only a hint: it changes nothing a program can observe, and costs little when the value
/// is already cached. On processors other than x86-64 it does nothing.
#[inline(always)]
pub fn prefetch<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        let start = std::ptr::from_ref(value).cast::<i8>();
        for offset in (0..size_of::<T>().max(1)).step_by(64) {
            // SAFETY: a prefetch never faults, whatever the address, and neither reads into nor
            // writes to any program state; the addresses are within `value` anyway.
            unsafe { _mm_prefetch::<_MM_HINT_T0>(start.wrapping_add(offset)) };
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}

/// At step `i` of a loop of `len` steps, starts loading what step `i + PREFETCH_AHEAD` reads
/// first (`far(step)`, typically a record) and what step `i + PREFETCH_AHEAD / 2` reads next
/// (`near(step)`, typically the text the record points at, whose address has arrived by then).
#[inline(always)]
pub fn prefetch_ahead(len: usize, i: usize, far: impl FnOnce(usize), near: impl FnOnce(usize)) {
    if i + PREFETCH_AHEAD < len {
        far(i + PREFETCH_AHEAD);
    }
    if i + PREFETCH_AHEAD / 2 < len {
        near(i + PREFETCH_AHEAD / 2);
    }
}

/// Prefetches the text a string points at (its first cache line).
#[inline(always)]
pub fn prefetch_text(text: &str) {
    if let Some(first) = text.as_bytes().first() {
        prefetch(first);
    }
}

/// Prefetches a list of strings and the first of them.
#[inline(always)]
pub fn prefetch_text_list(texts: &[String]) {
    if let Some(first) = texts.first() {
        prefetch(first);
        prefetch_text(first);
    }
}
