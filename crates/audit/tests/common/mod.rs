//! What the audit's integration tests share: records held in memory, read as an archive's
//! cases are (`Cases`), so a streamed pass can be compared with the records read at once.

use sohoa_audit::case::{LoadedBag, Record};
use sohoa_audit::scan::Cases;

/// Cases by id, each with its record.
pub struct InMemory(pub Vec<(String, Record)>);

impl Cases for InMemory {
    fn len(&self) -> usize {
        self.0.len()
    }
    fn load(&self, i: usize) -> LoadedBag {
        let (id, r) = &self.0[i];
        LoadedBag {
            id: id.clone(),
            path: id.into(),
            bag: None,
            record: Ok(r.clone()),
        }
    }
}
