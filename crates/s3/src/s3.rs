//! The connection to one bucket and prefix: a small tokio runtime of its own (callers are
//! synchronous), objects read and listed, the commit markers read (`source.rs` serves them to
//! readers, `publish.rs` writes them).

use crate::commit::Commit;
pub use crate::error::S3Error;
use crate::location::S3Location;
use futures::StreamExt;
use object_store::aws::AmazonS3Builder;
use object_store::path::Path as Key;
use object_store::{ObjectStore, ObjectStoreExt};
use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;

/// The object store client and the runtime its requests run on.
pub(crate) struct Client {
    pub store: Arc<dyn ObjectStore>,
    rt: Option<tokio::runtime::Runtime>,
}

impl Client {
    /// Runs one request to completion from synchronous code (also from inside another tokio
    /// runtime, such as the web server's: the request runs on this client's own runtime).
    pub fn run<F>(&self, fut: F) -> Result<F::Output, S3Error>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let rt = self
            .rt
            .as_ref()
            .ok_or_else(|| S3Error::Url("object storage client is shut down".into()))?;
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        rt.spawn(async move {
            let _ = tx.send(fut.await);
        });
        rx.recv()
            .map_err(|_| S3Error::Url("object storage request was dropped".into()))
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        // Allowed from inside an async context, unlike dropping the runtime.
        if let Some(rt) = self.rt.take() {
            rt.shutdown_background();
        }
    }
}

/// One archive's bags in a bucket, under a prefix.
#[derive(Clone)]
pub struct S3Archive {
    pub(crate) loc: S3Location,
    pub(crate) client: Arc<Client>,
}

impl std::fmt::Debug for S3Archive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "S3Archive({})", self.loc.url())
    }
}

impl S3Archive {
    /// Connects to `s3://bucket/prefix` with what the usual `AWS_*` variables say (endpoint
    /// `AWS_ENDPOINT_URL`, region `AWS_REGION`, keys `AWS_ACCESS_KEY_ID` and
    /// `AWS_SECRET_ACCESS_KEY`, plain HTTP only with `AWS_ALLOW_HTTP=true`).
    pub fn open(url: &str) -> Result<S3Archive, S3Error> {
        let loc = S3Location::parse(url)?;
        let mut builder = AmazonS3Builder::from_env().with_bucket_name(&loc.bucket);
        if std::env::var_os("AWS_REGION").is_none()
            && std::env::var_os("AWS_DEFAULT_REGION").is_none()
        {
            builder = builder.with_region("us-east-1");
        }
        let store = builder.build().map_err(S3Error::store(loc.url()))?;
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("sohoa-s3")
            .enable_all()
            .build()?;
        Ok(S3Archive {
            loc,
            client: Arc::new(Client {
                store: Arc::new(store),
                rt: Some(rt),
            }),
        })
    }

    pub fn location(&self) -> &S3Location {
        &self.loc
    }

    /// Reads one whole object.
    pub(crate) fn get_bytes(&self, key: &str) -> Result<Vec<u8>, S3Error> {
        let store = self.client.store.clone();
        let k = Key::from(key);
        self.client
            .run(async move {
                let r = store.get(&k).await?;
                r.bytes().await
            })?
            .map(|b| b.to_vec())
            .map_err(S3Error::store(key))
    }

    /// Every object below `prefix/` as (key, size, seconds since written).
    pub(crate) fn list(&self, prefix: &str) -> Result<Vec<(String, u64, i64)>, S3Error> {
        let store = self.client.store.clone();
        let p = Key::from(prefix);
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        self.client
            .run(async move {
                let mut out = Vec::new();
                let mut s = store.list(Some(&p));
                while let Some(m) = s.next().await {
                    let m = m?;
                    out.push((
                        m.location.to_string(),
                        m.size,
                        now - m.last_modified.timestamp(),
                    ));
                }
                Ok::<_, object_store::Error>(out)
            })?
            .map_err(S3Error::store(prefix))
    }

    /// The names directly below `prefix/` (one level, like folders).
    pub(crate) fn list_names(&self, prefix: &str) -> Result<Vec<String>, S3Error> {
        let store = self.client.store.clone();
        let p = Key::from(prefix);
        let r = self
            .client
            .run(async move { store.list_with_delimiter(Some(&p)).await })?
            .map_err(S3Error::store(prefix))?;
        let mut names: Vec<String> = r
            .common_prefixes
            .iter()
            .filter_map(|k| k.filename().map(str::to_string))
            .collect();
        names.sort();
        Ok(names)
    }

    /// The committed versions of a case, oldest first.
    pub fn versions(&self, id: &str) -> Result<Vec<u32>, S3Error> {
        let mut v: Vec<u32> = self
            .list(&self.loc.commits_of(id))?
            .into_iter()
            .filter_map(|(key, _, _)| {
                let name = key.rsplit('/').next()?;
                name.strip_suffix(".json")?.parse().ok()
            })
            .collect();
        v.sort_unstable();
        Ok(v)
    }

    /// The marker of version `n` of a case.
    pub fn commit(&self, id: &str, version: u32) -> Result<Commit, S3Error> {
        let key = self.loc.commit(id, version);
        let bytes = self.get_bytes(&key)?;
        Commit::parse(&bytes, id, version).map_err(|why| S3Error::Marker { key, why })
    }

    /// The marker of the current version, if the case is stored.
    pub fn current(&self, id: &str) -> Result<Option<Commit>, S3Error> {
        match self.versions(id)?.last() {
            Some(&n) => self.commit(id, n).map(Some),
            None => Ok(None),
        }
    }

    /// Every committed case and its versions, oldest first.
    pub fn catalog(&self) -> Result<BTreeMap<String, Vec<u32>>, S3Error> {
        let mut out: BTreeMap<String, Vec<u32>> = BTreeMap::new();
        let root = self.loc.key("commits");
        for (key, _, _) in self.list(&root)? {
            let rest = key
                .strip_prefix(&root)
                .unwrap_or(&key)
                .trim_start_matches('/');
            let Some((id, name)) = rest.split_once('/') else {
                continue;
            };
            if let Some(n) = name.strip_suffix(".json").and_then(|n| n.parse().ok()) {
                out.entry(id.to_string()).or_default().push(n);
            }
        }
        for v in out.values_mut() {
            v.sort_unstable();
        }
        Ok(out)
    }
}
