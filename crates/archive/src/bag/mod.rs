//! BagIt 1.0 (RFC 8493) as sohoa uses it: the tag file names, the labels of `bag-info.txt`,
//! manifest path encoding, and the one reader of bags ([`reader`]). Writing bags is
//! `sohoa-bagit`'s job; what a bag contains is decided here.

pub mod reader;

pub use reader::{Bag, BagInfo, Entry, Manifest};

/// Version of sohoa's bag layout; part of a case's source fingerprint, so a layout change
/// re-ingests.
pub const BAG_FORMAT: &str = "sohoa-bag-1";

/// `bagit.txt`, byte for byte.
pub const BAGIT_TXT: &str = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";
pub const PAYLOAD_MANIFEST: &str = "manifest-sha256.txt";
pub const TAG_MANIFEST: &str = "tagmanifest-sha256.txt";

/// The `bag-info.txt` labels sohoa writes: RFC 8493 §2.2.2 reserved labels, then sohoa's own
/// (docs/archive-format.md).
pub mod label {
    pub const SOURCE_ORGANIZATION: &str = "Source-Organization";
    pub const EXTERNAL_IDENTIFIER: &str = "External-Identifier";
    pub const EXTERNAL_DESCRIPTION: &str = "External-Description";
    pub const BAGGING_DATE: &str = "Bagging-Date";
    pub const BAG_SOFTWARE_AGENT: &str = "Bag-Software-Agent";
    pub const INTERNAL_SENDER_IDENTIFIER: &str = "Internal-Sender-Identifier";
    pub const PAYLOAD_OXUM: &str = "Payload-Oxum";
    /// The bag's version of its case (1, 2, ...): sohoa's own label.
    pub const SOHOA_BAG_VERSION: &str = "Sohoa-Bag-Version";
    /// SHA-256 over the case's source files and profile: sohoa's own label.
    pub const SOHOA_SOURCE_FINGERPRINT: &str = "Sohoa-Source-Fingerprint";
    /// When the case was withdrawn (`sohoa withdraw`): sohoa's own label.
    pub const SOHOA_WITHDRAWN: &str = "Sohoa-Withdrawn";
}

/// Percent-encodes what RFC 8493 requires in manifest paths: `%`, CR and LF.
pub fn encode_path(p: &str) -> String {
    p.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Reverses [`encode_path`].
pub fn decode_path(p: &str) -> String {
    p.replace("%0D", "\r")
        .replace("%0d", "\r")
        .replace("%0A", "\n")
        .replace("%0a", "\n")
        .replace("%25", "%")
}
