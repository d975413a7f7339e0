//! Fuzz target `package_mets`: any bytes through sohoa_ingest::fuzzing::package_mets (no panic, no path out of the package).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| sohoa_ingest::fuzzing::package_mets(data));
