//! The one setting the binaries give their allocator (mimalloc, see
//! Cargo.toml): freed memory stays with the process.
//!
//! By default mimalloc hands memory freed for a second back to the OS
//! (`madvise`), and at exit it hands back everything. A sweep or an
//! analysis is a batch job that reuses what it frees: handing it back
//! only to fault it in again costs system time, and on a virtual machine
//! whose host reclaims returned pages, far more (docs/performance.md,
//! "Memory touched first"). The analysis of the 20,020-run benchmark made
//! 350 to 460 `madvise` calls after its last file was written.

use std::ffi::{c_int, c_long};

// libmimalloc-sys (through the mimalloc crate) builds and links the C
// library that defines these.
use mimalloc as _;

extern "C" {
    fn mi_option_set(option: c_int, value: c_long);
    #[cfg(test)]
    fn mi_option_get(option: c_int) -> c_long;
}

/// `mi_option_purge_delay` in mimalloc.h (v3, the version libmimalloc-sys
/// 0.1.49 builds; the test below checks it is that option).
const PURGE_DELAY: c_int = 15;

/// Never give freed memory back to the OS while the process runs.
pub fn keep_freed_memory() {
    // SAFETY: sets one of mimalloc's options, which may be set at any time
    // from any thread; `PURGE_DELAY` is the purge delay (test below).
    unsafe { mi_option_set(PURGE_DELAY, -1) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_option_set_is_the_purge_delay() {
        // Its documented default (1000 ms, options.c) identifies it: no
        // other option near it defaults to 1000. Nothing in the tests set
        // it before (the tests' allocator is the system's).
        // SAFETY: reads and sets mimalloc options.
        let before = unsafe { mi_option_get(PURGE_DELAY) };
        if before != -1 {
            assert_eq!(before, 1000);
        }
        keep_freed_memory();
        assert_eq!(unsafe { mi_option_get(PURGE_DELAY) }, -1);
    }
}
