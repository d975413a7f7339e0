//! How a command ends, and the one place that turns it into the process exit code (docs/cli.md):
//! 0 done, 1 done with problems (some cases failed, bags invalid, findings), 2 cannot run at
//! all, 130 stopped by Ctrl-C or SIGTERM.

/// A command that ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Done {
    /// Everything as asked.
    Ok,
    /// It ran, and found or left problems (failed cases, invalid bags, audit errors).
    Partial,
    /// Stopped by a signal; what was done is reported.
    Interrupted,
}

/// Why a command could not run at all, for people; `None` when it was already said.
#[derive(Debug)]
pub struct CannotRun(Option<String>);

impl CannotRun {
    pub fn new(message: String) -> CannotRun {
        CannotRun(Some(message))
    }

    /// The reasons were already printed (e.g. each output file that could not be written).
    pub fn said() -> CannotRun {
        CannotRun(None)
    }
}

/// What every command returns.
pub type Ran = Result<Done, CannotRun>;

/// `CannotRun` with a message formatted like `format!`.
#[macro_export]
macro_rules! cannot {
    ($($arg:tt)*) => {
        $crate::exit::CannotRun::new(format!($($arg)*))
    };
}

/// The exit code of a command's outcome; the reason it could not run is said here, once.
pub fn code(ran: Ran) -> u8 {
    match ran {
        Ok(Done::Ok) => 0,
        Ok(Done::Partial) => 1,
        Ok(Done::Interrupted) => 130,
        Err(CannotRun(message)) => {
            if let Some(m) = message {
                warn!("{m}");
            }
            2
        }
    }
}
