//! Lines for people's terminals: everything printed that may hold text from registers or scans
//! goes through `say!`/`warn!`, which drop escape sequences and bidirectional overrides
//! (`sohoa_archive::neutralize::for_terminal`). JSON output is printed as is (serde escapes it).

/// `println!` for text that may hold data: terminal controls removed.
#[macro_export]
macro_rules! say {
    () => { println!() };
    ($($arg:tt)*) => {
        println!("{}", sohoa_archive::neutralize::for_terminal(&format!($($arg)*)))
    };
}

/// `eprintln!` for text that may hold data: terminal controls removed.
#[macro_export]
macro_rules! warn {
    ($($arg:tt)*) => {
        eprintln!("{}", sohoa_archive::neutralize::for_terminal(&format!($($arg)*)))
    };
}
