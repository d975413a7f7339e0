//! How the process asks the C allocator (glibc's malloc, also Tesseract's) to hand memory
//! back: page images of tens of megabytes are freed after every page, and by default glibc
//! raises its mmap threshold after the first such free and then keeps them in its heaps, so a
//! long OCR ingest holds its peak for good. A fixed threshold of 4 MiB keeps every page-sized
//! buffer in its own mapping, returned to the system when freed (measured: `ingest --jobs 2
//! --ocr on` peak RSS 319 -> 253 MiB, same time; 1 MiB saved as much but cost 7 % in time).
//! `MALLOC_MMAP_THRESHOLD_` still wins when set.

/// Sets the allocator's mmap threshold, before any thread starts.
pub fn return_large_buffers() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_MMAP_THRESHOLD_").is_none() {
        // SAFETY: mallopt only changes the allocator's parameters; called before other threads.
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, 4 << 20);
        }
    }
}
