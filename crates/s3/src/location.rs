//! `s3://bucket/prefix` as users write it, and the object keys sohoa uses under the prefix.

use crate::error::S3Error;

/// A bucket and a key prefix (no leading or trailing `/`; may be empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Location {
    pub bucket: String,
    pub prefix: String,
}

impl S3Location {
    /// Parses `s3://bucket[/prefix]`.
    pub fn parse(url: &str) -> Result<S3Location, S3Error> {
        let rest = url
            .strip_prefix("s3://")
            .ok_or_else(|| S3Error::Url(format!("{url}: not an s3://bucket/prefix URL")))?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        let prefix = prefix.trim_matches('/').to_string();
        let bucket_ok = (3..=63).contains(&bucket.len())
            && bucket
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.');
        if !bucket_ok {
            return Err(S3Error::Url(format!(
                "{url}: {bucket:?} is not a bucket name (3 to 63 lower-case letters, digits, '-', '.')"
            )));
        }
        if prefix
            .split('/')
            .any(|p| p == "." || p == ".." || (p.is_empty() && !prefix.is_empty()))
        {
            return Err(S3Error::Url(format!(
                "{url}: the prefix has an empty, . or .. part"
            )));
        }
        Ok(S3Location {
            bucket: bucket.to_string(),
            prefix,
        })
    }

    /// The URL again.
    pub fn url(&self) -> String {
        if self.prefix.is_empty() {
            format!("s3://{}", self.bucket)
        } else {
            format!("s3://{}/{}", self.bucket, self.prefix)
        }
    }

    /// A key under the prefix.
    pub fn key(&self, rel: &str) -> String {
        if self.prefix.is_empty() {
            rel.to_string()
        } else {
            format!("{}/{rel}", self.prefix)
        }
    }

    /// `PREFIX/commits/<id>/`.
    pub fn commits_of(&self, id: &str) -> String {
        self.key(&format!("commits/{id}"))
    }

    /// `PREFIX/commits/<id>/<n>.json` (n zero-padded so that keys sort by version).
    pub fn commit(&self, id: &str, version: u32) -> String {
        self.key(&format!("commits/{id}/{version:010}.json"))
    }

    /// `PREFIX/bags/<id>/<attempt>`.
    pub fn attempt(&self, id: &str, attempt: &str) -> String {
        self.key(&format!("bags/{id}/{attempt}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_keys() {
        let l = S3Location::parse("s3://so-hoa/tinh/bac-ninh/").unwrap();
        assert_eq!(l.bucket, "so-hoa");
        assert_eq!(l.prefix, "tinh/bac-ninh");
        assert_eq!(l.url(), "s3://so-hoa/tinh/bac-ninh");
        assert_eq!(
            l.commit("A-1", 2),
            "tinh/bac-ninh/commits/A-1/0000000002.json"
        );
        assert_eq!(l.attempt("A-1", "2-x"), "tinh/bac-ninh/bags/A-1/2-x");
        let bare = S3Location::parse("s3://bags").unwrap();
        assert_eq!(bare.key("commits/x"), "commits/x");
        for bad in [
            "/tmp/x",
            "s3://",
            "s3://A_B/x",
            "s3://bb/../x",
            "s3://bb/a//b",
        ] {
            assert!(S3Location::parse(bad).is_err(), "{bad}");
        }
    }

    proptest::proptest! {
        /// Any text: an error or a location whose URL parses back to itself, whose keys never
        /// climb out of the prefix.
        #[test]
        fn any_url_parses_safely(url in "(s3://)?[a-z0-9.\\-_/A-Z%]{0,40}") {
            if let Ok(l) = S3Location::parse(&url) {
                proptest::prop_assert_eq!(S3Location::parse(&l.url()).unwrap(), l.clone());
                let key = l.commit("x", 1);
                proptest::prop_assert!(key.starts_with(&l.prefix));
                proptest::prop_assert!(!key.split('/').any(|p| p == ".."));
            }
        }

        /// Any bytes as a commit marker: an error or a marker naming the case and version asked.
        #[test]
        fn any_marker_parses_safely(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..300)) {
            if let Ok(c) = crate::commit::Commit::parse(&bytes, "A", 1) {
                proptest::prop_assert_eq!((c.case.as_str(), c.version), ("A", 1));
            }
        }
    }
}
