//! Publishing a bag built on this machine: every file uploaded under a fresh attempt folder,
//! the upload checked by listing it, then the commit marker written with a conditional create.
//! The bag exists from that one write, whole; a writer that loses the race removes its attempt
//! and reports the winner's bag. Leftovers of crashed writers are removed by [`S3Archive::clean`]
//! once they are older than the grace period, and a writer never commits an attempt that old,
//! so a cleaner can never remove files of a bag being committed.

use crate::commit::Commit;
use crate::error::S3Error;
use crate::s3::S3Archive;
use futures::StreamExt;
use object_store::path::Path as Key;
use object_store::{ObjectStoreExt, PutMode, PutOptions, PutPayload, WriteMultipart};
use sohoa_archive::safe_fs::EntryKind;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::time::{Duration, Instant};

/// Files bigger than this are uploaded in parts.
const SINGLE_PUT: u64 = 32 * 1024 * 1024;
const PART: usize = 16 * 1024 * 1024;
/// Files uploaded at once.
const CONCURRENT: usize = 8;
/// An attempt older than this is a crashed writer's leftover; a writer must commit well
/// within half of it.
pub const DEFAULT_GRACE: Duration = Duration::from_secs(3600);

/// What became of a bag given to [`S3Archive::publish`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Published {
    /// This writer committed it.
    Committed(Commit),
    /// The same scans were already stored (by an earlier run or another worker): nothing written.
    AlreadyStored(Commit),
}

impl Published {
    pub fn commit(&self) -> &Commit {
        match self {
            Published::Committed(c) | Published::AlreadyStored(c) => c,
        }
    }
}

/// A bag uploaded but not yet committed ([`S3Archive::stage`]).
#[derive(Debug)]
pub struct Staged {
    pub id: String,
    pub version: u32,
    pub attempt: String,
    pub files: u64,
    pub bytes: u64,
    started: Instant,
}

/// What [`S3Archive::clean`] removed.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Cleaned {
    pub attempts: usize,
    pub objects: usize,
}

impl S3Archive {
    /// Publishes the bag folder `bag` (a complete, committed local bag) as version 1 of case
    /// `id`; `fingerprint` is its `Sohoa-Source-Fingerprint`.
    pub fn publish(&self, bag: &Path, id: &str, fingerprint: &str) -> Result<Published, S3Error> {
        if let Some(done) = self.stored_already(id, fingerprint)? {
            return Ok(done);
        }
        let staged = self.stage(bag, id)?;
        self.commit_staged(staged, fingerprint)
    }

    /// Uploads the bag under a fresh attempt folder and checks that every file arrived. The
    /// attempt is invisible to readers until [`S3Archive::commit_staged`].
    pub fn stage(&self, bag: &Path, id: &str) -> Result<Staged, S3Error> {
        let files = local_files(bag)?;
        let version = 1;
        let attempt = format!("{version}-{}", uuid::Uuid::new_v4().simple());
        let root = self.loc.attempt(id, &attempt);
        let started = Instant::now();
        self.upload(bag, &root, &files)?;
        self.check_uploaded(id, &root, &files)?;
        Ok(Staged {
            id: id.into(),
            version,
            attempt,
            files: files.len() as u64,
            bytes: files.values().sum(),
            started,
        })
    }

    /// Writes the commit marker of a staged attempt (conditional create).
    pub fn commit_staged(&self, staged: Staged, fingerprint: &str) -> Result<Published, S3Error> {
        let id = staged.id.as_str();
        let root = self.loc.attempt(id, &staged.attempt);
        if staged.started.elapsed() > DEFAULT_GRACE / 2 {
            self.remove_prefix(&root)?;
            return Err(S3Error::Incomplete {
                id: id.into(),
                why: "the upload took longer than half the grace period; not committed".into(),
            });
        }
        let commit = Commit {
            schema: Commit::SCHEMA.into(),
            schema_version: 1,
            case: id.into(),
            version: staged.version,
            attempt: staged.attempt.clone(),
            fingerprint: fingerprint.into(),
            files: staged.files,
            bytes: staged.bytes,
            committed: sohoa_archive::time_format::timestamp(sohoa_archive::time_format::now()),
            writer: writer(),
        };
        match self.create_marker(&commit)? {
            true => Ok(Published::Committed(commit)),
            false => {
                // Another writer committed this version first: ours is not needed.
                self.remove_prefix(&root)?;
                self.stored_already(id, fingerprint)?
                    .ok_or_else(|| S3Error::Incomplete {
                        id: id.into(),
                        why: "a commit marker appeared and vanished".into(),
                    })
            }
        }
    }

    /// The case's current bag when it holds the same scans; a conflict when other scans.
    fn stored_already(&self, id: &str, fingerprint: &str) -> Result<Option<Published>, S3Error> {
        match self.current(id)? {
            None => Ok(None),
            Some(c) if c.fingerprint == fingerprint => Ok(Some(Published::AlreadyStored(c))),
            Some(c) => Err(S3Error::Conflict {
                id: id.into(),
                version: c.version,
                theirs: c.fingerprint,
            }),
        }
    }

    fn upload(&self, bag: &Path, root: &str, files: &BTreeMap<String, u64>) -> Result<(), S3Error> {
        let jobs: Vec<(std::path::PathBuf, Key, u64)> = files
            .iter()
            .map(|(rel, size)| (bag.join(rel), Key::from(format!("{root}/{rel}")), *size))
            .collect();
        let store = self.client.store.clone();
        let results: Vec<Result<(), S3Error>> = self.client.run(async move {
            futures::stream::iter(jobs)
                .map(|(path, key, size)| {
                    let store = store.clone();
                    async move { upload_one(store, &path, &key, size).await }
                })
                .buffer_unordered(CONCURRENT)
                .collect()
                .await
        })?;
        results.into_iter().collect()
    }

    /// Lists the attempt and compares it with the local bag, file by file and size by size.
    fn check_uploaded(
        &self,
        id: &str,
        root: &str,
        files: &BTreeMap<String, u64>,
    ) -> Result<(), S3Error> {
        let listed: BTreeMap<String, u64> = self
            .list(root)?
            .into_iter()
            .filter_map(|(k, size, _)| {
                Some((
                    k.strip_prefix(root)?.trim_start_matches('/').to_string(),
                    size,
                ))
            })
            .collect();
        if &listed != files {
            let missing: Vec<&String> = files.keys().filter(|k| !listed.contains_key(*k)).collect();
            return Err(S3Error::Incomplete {
                id: id.into(),
                why: format!(
                    "{} of {} files arrived in object storage (missing: {missing:?})",
                    listed.len(),
                    files.len()
                ),
            });
        }
        Ok(())
    }

    /// Writes the marker unless one is there: false when another writer's was first.
    fn create_marker(&self, commit: &Commit) -> Result<bool, S3Error> {
        let key = self.loc.commit(&commit.case, commit.version);
        let body = serde_json::to_vec_pretty(commit).map_err(std::io::Error::other)?;
        let store = self.client.store.clone();
        let k = Key::from(key.clone());
        let r = self.client.run(async move {
            let opts = PutOptions {
                mode: PutMode::Create,
                ..Default::default()
            };
            store.put_opts(&k, PutPayload::from(body), opts).await
        })?;
        match r {
            Ok(_) => Ok(true),
            Err(
                object_store::Error::AlreadyExists { .. }
                | object_store::Error::Precondition { .. },
            ) => Ok(false),
            Err(e) => Err(S3Error::store(key)(e)),
        }
    }

    /// Deletes every object below `prefix/`.
    pub(crate) fn remove_prefix(&self, prefix: &str) -> Result<usize, S3Error> {
        let keys: Vec<Key> = self
            .list(prefix)?
            .into_iter()
            .map(|(k, _, _)| Key::from(k))
            .collect();
        let n = keys.len();
        let store = self.client.store.clone();
        let results: Vec<object_store::Result<()>> = self.client.run(async move {
            futures::stream::iter(keys)
                .map(|k| {
                    let store = store.clone();
                    async move {
                        match store.delete(&k).await {
                            Err(object_store::Error::NotFound { .. }) => Ok(()),
                            r => r,
                        }
                    }
                })
                .buffer_unordered(CONCURRENT)
                .collect()
                .await
        })?;
        for r in results {
            r.map_err(S3Error::store(prefix))?;
        }
        Ok(n)
    }

    /// Removes attempts that no commit marker names and that are older than `grace` (a
    /// crashed writer's leftovers). `only` limits it to one case.
    pub fn clean(&self, grace: Duration, only: Option<&str>) -> Result<Cleaned, S3Error> {
        let bags_root = match only {
            Some(id) => self.loc.key(&format!("bags/{id}")),
            None => self.loc.key("bags"),
        };
        // (id, attempt) -> youngest object age in seconds.
        let mut attempts: BTreeMap<(String, String), i64> = BTreeMap::new();
        let base = self.loc.key("bags");
        for (key, _, age) in self.list(&bags_root)? {
            let rest = key
                .strip_prefix(&base)
                .unwrap_or(&key)
                .trim_start_matches('/');
            let mut parts = rest.splitn(3, '/');
            if let (Some(id), Some(attempt)) = (parts.next(), parts.next()) {
                let e = attempts.entry((id.into(), attempt.into())).or_insert(age);
                *e = (*e).min(age);
            }
        }
        // The attempts the markers name, for each case that has attempts (one listing each).
        let ids: std::collections::BTreeSet<&String> = attempts.keys().map(|(id, _)| id).collect();
        let mut committed = std::collections::BTreeSet::new();
        for id in ids {
            for n in self.versions(id)? {
                committed.insert((id.clone(), self.commit(id, n)?.attempt));
            }
        }
        let mut out = Cleaned::default();
        for ((id, attempt), age) in attempts {
            if committed.contains(&(id.clone(), attempt.clone())) || age < grace.as_secs() as i64 {
                continue;
            }
            out.objects += self.remove_prefix(&self.loc.attempt(&id, &attempt))?;
            out.attempts += 1;
            tracing::info!("removed leftover attempt {id}/{attempt}");
        }
        Ok(out)
    }
}

async fn upload_one(
    store: std::sync::Arc<dyn object_store::ObjectStore>,
    path: &Path,
    key: &Key,
    size: u64,
) -> Result<(), S3Error> {
    let shown = path.display().to_string();
    let mut file = std::fs::File::open(path)?;
    if size <= SINGLE_PUT {
        let mut buf = Vec::with_capacity(size as usize);
        file.read_to_end(&mut buf)?;
        store
            .put(key, PutPayload::from(buf))
            .await
            .map_err(S3Error::store(shown))?;
        return Ok(());
    }
    let upload = store
        .put_multipart(key)
        .await
        .map_err(S3Error::store(shown.clone()))?;
    let mut w = WriteMultipart::new_with_chunk_size(upload, PART);
    let mut buf = vec![0u8; PART];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        w.wait_for_capacity(CONCURRENT)
            .await
            .map_err(S3Error::store(shown.clone()))?;
        w.write(&buf[..n]);
    }
    w.finish().await.map_err(S3Error::store(shown))?;
    Ok(())
}

/// Every regular file of a local bag with its size; anything else (a link, a device) refuses
/// the bag.
fn local_files(bag: &Path) -> Result<BTreeMap<String, u64>, S3Error> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(bag).min_depth(1).follow_links(false) {
        let entry = entry.map_err(std::io::Error::other)?;
        match EntryKind::of(entry.file_type()) {
            EntryKind::Dir => continue,
            EntryKind::File => {
                let rel = sohoa_archive::layout::rel_path(bag, entry.path());
                out.insert(rel, entry.metadata().map_err(std::io::Error::other)?.len());
            }
            other => {
                return Err(S3Error::Incomplete {
                    id: bag.display().to_string(),
                    why: format!("{} is a {other:?}, not a file", entry.path().display()),
                })
            }
        }
    }
    Ok(out)
}

fn writer() -> String {
    let host = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
    format!("{} {}", host.trim(), std::process::id())
}
