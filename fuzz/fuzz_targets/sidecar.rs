//! Fuzz target `sidecar`: any bytes through sohoa_ingest::fuzzing::sidecar (no panic, no hang, bounded memory).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| sohoa_ingest::fuzzing::sidecar(data));
