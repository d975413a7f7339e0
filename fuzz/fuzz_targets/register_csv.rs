//! Fuzz target `register_csv`: any bytes through sohoa_ingest::fuzzing::register_csv (no panic, no hang, bounded memory).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| sohoa_ingest::fuzzing::register_csv(data));
