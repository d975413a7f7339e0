//! Fuzz target `bag_tags`: any bytes through sohoa_ingest::fuzzing::bag_tags (no panic, no hang, bounded memory).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| sohoa_ingest::fuzzing::bag_tags(data));
