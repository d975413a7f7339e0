//! Fuzz target `identity_numbers`: any bytes through sohoa_ingest::fuzzing::identity_numbers (no panic, no hang, bounded memory).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| sohoa_ingest::fuzzing::identity_numbers(data));
