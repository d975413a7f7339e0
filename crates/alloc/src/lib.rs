//! The process's memory allocator, for the `sohoa` binary and its benchmarks (so that their
//! numbers are the binary's).
//!
//! Two sizes of block, two allocators:
//! - small blocks (below [`LARGE`], 64 KiB) go to **mimalloc**: tantivy's indexing threads
//!   allocate and free small buffers all the time, and glibc's malloc took a sixth of indexing
//!   time (a million cases: 35,600 cases/s with glibc, 45,400 with this, same session);
//! - larger ones (rows of pages, decoded scans of 9 to 26 MB, their PDF streams) go to the **C
//!   allocator** (glibc, also Tesseract's), with its mmap threshold fixed at 4 MiB by
//!   [`return_large_buffers`], so that page-sized buffers live in their own mapping and go back
//!   to the system when freed. mimalloc keeps freed memory for reuse: for every block it raised
//!   an OCR ingest's peak from 254 to 315–342 MiB, split at 4 MiB still 314 MiB, split here
//!   274 MiB (its immediate purge instead cost 6 % of indexing time).
//!
//! Page-sized blocks are costly to hand back, though: each new mapping is zero-filled by the
//! kernel page by page when first touched. With 4 KiB pages the normalization benchmark took 1.5
//! million page faults for 200 pages and spent a fifth of its time in the kernel. So a block's
//! mapping is backed by huge pages where the kernel allows it (`advise_huge`: 2 MiB a fault):
//! 0.67 million faults, 15.2 s of CPU instead of 17.1-19.2. (Keeping 16 MiB or more free at the
//! top of glibc's heaps, `M_TRIM_THRESHOLD`, saved another 0.3-0.6 million faults, but an OCR
//! ingest then peaked at 299-306 MiB instead of 284-288.) An ingest with no OCR engine in the
//! process has no such peak to keep down: it keeps its page buffers in glibc's heaps for the next
//! page ([`keep_large_buffers`], set by the binary before any thread starts), 0.015 million
//! faults.
//!
//! Which allocator owns a block follows from its size alone: Rust hands `dealloc` and `realloc`
//! the layout the block was allocated with, so the same test on the same size always names the
//! same allocator; a `realloc` across the line moves the block.

use std::alloc::{GlobalAlloc, Layout, System};

/// Blocks of this many bytes or more go to the C allocator.
pub const LARGE: usize = 64 << 10;
/// The C allocator's mmap threshold: blocks this large live in their own mapping.
pub const MMAP_THRESHOLD: usize = 4 << 20;

/// A transparent huge page.
const HUGE_PAGE: usize = 2 << 20;

/// Asks the kernel to back a block of [`MMAP_THRESHOLD`] or more (its own mapping) with huge
/// pages: its whole 2 MiB pages inside the block. One fault then fills 2 MiB instead of 4 KiB.
/// Only advice: where transparent huge pages are off, nothing changes.
fn advise_huge(ptr: *mut u8, size: usize) {
    #[cfg(target_os = "linux")]
    if size >= MMAP_THRESHOLD && !ptr.is_null() {
        let start = (ptr as usize).next_multiple_of(HUGE_PAGE);
        let end = (ptr as usize + size) / HUGE_PAGE * HUGE_PAGE;
        if end > start {
            // SAFETY: the range lies inside the block just allocated; MADV_HUGEPAGE changes
            // how its pages are backed, never their contents.
            unsafe {
                libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE);
            }
        }
    }
}

/// mimalloc below [`LARGE`], the C allocator from there on.
pub struct Allocator;

static SMALL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn large(layout: &Layout) -> bool {
    layout.size() >= LARGE
}

// SAFETY: every block is allocated, resized and freed by the allocator its size names
// (`large`), with the layout the caller gives; both allocators uphold `GlobalAlloc`'s contract.
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if large(&layout) {
            let p = System.alloc(layout);
            advise_huge(p, layout.size());
            p
        } else {
            SMALL.alloc(layout)
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if large(&layout) {
            let p = System.alloc_zeroed(layout);
            advise_huge(p, layout.size());
            p
        } else {
            SMALL.alloc_zeroed(layout)
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if large(&layout) {
            System.dealloc(ptr, layout)
        } else {
            SMALL.dealloc(ptr, layout)
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let Ok(new_layout) = Layout::from_size_align(new_size, layout.align()) else {
            return std::ptr::null_mut();
        };
        match (large(&layout), large(&new_layout)) {
            (true, true) => {
                let p = System.realloc(ptr, layout, new_size);
                advise_huge(p, new_size);
                p
            }
            (false, false) => SMALL.realloc(ptr, layout, new_size),
            // Across the line: a new block from the other allocator, the bytes copied, the
            // old block freed by its own.
            _ => {
                let new = self.alloc(new_layout);
                if !new.is_null() {
                    std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                    self.dealloc(ptr, layout);
                }
                new
            }
        }
    }
}

/// Fixes the C allocator's mmap threshold at [`MMAP_THRESHOLD`] (4 MiB), before any thread starts: by
/// default glibc raises it after the first free of a page-sized buffer and then keeps such
/// buffers in its heaps, so a long OCR ingest holds its peak for good (measured: `ingest --jobs
/// 2 --ocr on` peak RSS 319 -> 253 MiB, same time; 1 MiB saved as much but cost 7 % in time).
/// Tesseract's own buffers come from the same C allocator. `MALLOC_MMAP_THRESHOLD_` still wins
/// when set.
pub fn return_large_buffers() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    tune(&[(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD)]);
}

/// Sets glibc's malloc parameters, unless `MALLOC_MMAP_THRESHOLD_` is set (the person running
/// sohoa chose how page buffers are kept). Before any thread starts.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn tune(params: &[(libc::c_int, usize)]) {
    if std::env::var_os("MALLOC_MMAP_THRESHOLD_").is_some() {
        return;
    }
    for &(param, value) in params {
        // SAFETY: mallopt only changes the allocator's parameters; called before other threads.
        unsafe {
            libc::mallopt(param, value as libc::c_int);
        }
    }
}

/// The C allocator's mmap threshold while page buffers are kept ([`keep_large_buffers`]):
/// glibc's largest on 64-bit systems, above a 300-dpi A4 colour page (26 MB).
pub const KEPT_MMAP_THRESHOLD: usize = 32 << 20;

/// Free memory the C allocator keeps at the top of its heaps while page buffers are kept.
pub const KEPT_TRIM_THRESHOLD: usize = 512 << 20;

/// Keeps page-sized buffers in the C allocator's heaps for the next page instead of handing
/// each back to the system ([`return_large_buffers`]), for runs with no OCR engine in the
/// process. A page buffer handed back costs its zero-filling page faults again on the next
/// page: an ingest without OCR took 0.41 million faults for 200 pages at 300 dpi, and 0.015
/// million with the buffers kept, a sixth less CPU, for a peak of 172 MiB instead of 134 (an
/// OCR ingest, whose recognizers allocate from the same heaps, keeps handing them back: it would
/// peak above 300 MiB). Call before any thread starts; `MALLOC_MMAP_THRESHOLD_` still wins.
pub fn keep_large_buffers() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    tune(&[
        (libc::M_MMAP_THRESHOLD, KEPT_MMAP_THRESHOLD),
        (libc::M_TRIM_THRESHOLD, KEPT_TRIM_THRESHOLD),
    ]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[global_allocator]
    static TESTED: Allocator = Allocator;

    #[test]
    fn blocks_keep_their_bytes_when_they_grow_and_shrink_across_the_line() {
        // A vector grown from small to large and back: each move crosses the line.
        let mut v: Vec<u8> = Vec::with_capacity(16);
        for i in 0..(LARGE + 4096) {
            v.push((i % 251) as u8);
        }
        assert!(v.capacity() >= LARGE);
        v.truncate(1000);
        v.shrink_to_fit();
        assert!(v.capacity() < LARGE);
        assert!(v.iter().enumerate().all(|(i, b)| *b == (i % 251) as u8));
        let mut w: Vec<u8> = vec![7; LARGE - 1];
        w.extend_from_slice(&[9; 2]);
        assert_eq!((w[LARGE - 2], w[LARGE - 1], w[LARGE]), (7, 9, 9));
    }

    #[test]
    fn page_sized_blocks_backed_by_huge_pages_keep_their_bytes() {
        // A decoded scan's size: its own mapping, advised to huge pages, grown and shrunk.
        let mut v: Vec<u8> = (0..MMAP_THRESHOLD + 3 * HUGE_PAGE + 17)
            .map(|i| (i % 253) as u8)
            .collect();
        v.reserve(4 * HUGE_PAGE);
        assert!(v.iter().enumerate().all(|(i, b)| *b == (i % 253) as u8));
        v.truncate(MMAP_THRESHOLD);
        v.shrink_to_fit();
        assert!(v.iter().enumerate().all(|(i, b)| *b == (i % 253) as u8));
        let z = vec![0u32; MMAP_THRESHOLD];
        assert!(z.iter().all(|x| *x == 0));
    }

    #[test]
    fn zeroed_and_aligned_blocks_of_either_size() {
        for size in [1, 4096, LARGE - 1, LARGE, 3 * LARGE] {
            let z = vec![0u64; size / 8 + 1];
            assert!(z.iter().all(|x| *x == 0));
            let layout = Layout::from_size_align(size, 4096).unwrap();
            // SAFETY: a non-zero size; freed with the same layout.
            unsafe {
                let p = TESTED.alloc(layout);
                assert!(!p.is_null());
                assert_eq!(p as usize % 4096, 0, "size {size}");
                TESTED.dealloc(p, layout);
            }
        }
    }
}
