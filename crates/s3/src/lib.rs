//! sohoa-s3: an archive's bags in S3-compatible object storage (SeaweedFS, Ceph RGW, Garage,
//! AWS S3), through the `object_store` crate. docs/scale-out.md describes the layout:
//!
//! - `PREFIX/bags/<id>/<attempt>/…`: the files of one attempt at writing a bag (staged objects);
//! - `PREFIX/commits/<id>/<n>.json`: the commit marker of version `n`, written last with a
//!   conditional create (`If-None-Match: *`): the bag exists from that moment, whole; two
//!   writers of the same version cannot both succeed.
//!
//! Readers see committed bags only ([`S3Archive`] is a [`sohoa_archive::remote::BagSource`]);
//! attempts no marker names are a crashed writer's leftovers, removed by [`S3Archive::clean`].

mod bag_store;
mod commit;
mod error;
mod location;
mod publish;
mod s3;
mod source;

pub use commit::Commit;
pub use error::S3Error;
pub use location::S3Location;
pub use publish::{Cleaned, Published, Staged, DEFAULT_GRACE};
pub use s3::S3Archive;
pub use source::S3Opener;
