//! What can go wrong between sohoa and object storage.

/// What went wrong talking to object storage.
#[derive(Debug, thiserror::Error)]
pub enum S3Error {
    #[error("{0}")]
    Url(String),
    #[error("object storage: {what}: {source}")]
    Store {
        what: String,
        #[source]
        source: object_store::Error,
    },
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// A commit marker that cannot be read as one.
    #[error("commit marker {key}: {why}")]
    Marker { key: String, why: String },
    /// The case is already stored from other scans.
    #[error("case {id} is already stored from other scans (version {version}, fingerprint {theirs}); a new version is made by `sohoa ingest --replace` on the archive")]
    Conflict {
        id: String,
        version: u32,
        theirs: String,
    },
    /// Staged objects did not all arrive (checked before the commit marker is written).
    #[error("bag {id}: {why}")]
    Incomplete { id: String, why: String },
}

impl S3Error {
    pub(crate) fn store(what: impl Into<String>) -> impl FnOnce(object_store::Error) -> S3Error {
        let what = what.into();
        move |source| S3Error::Store { what, source }
    }

    /// True when the object is not there.
    pub fn is_not_found(&self) -> bool {
        matches!(
            self,
            S3Error::Store {
                source: object_store::Error::NotFound { .. },
                ..
            }
        )
    }
}
