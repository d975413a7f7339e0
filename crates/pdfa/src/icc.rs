//! The sRGB ICC profile of the PDF/A OutputIntent, made once per process by Little CMS.
//! ICC version 2.1 is valid for PDF/A-1 and PDF/A-2 alike.

use std::io;
use std::sync::OnceLock;

static PROFILE: OnceLock<Result<Vec<u8>, String>> = OnceLock::new();

pub(super) fn srgb_profile() -> io::Result<&'static [u8]> {
    let made = PROFILE.get_or_init(|| {
        let mut p = lcms2::Profile::new_srgb();
        p.set_version(2.1);
        p.icc().map_err(|e| e.to_string())
    });
    match made {
        Ok(bytes) => Ok(bytes),
        Err(e) => Err(io::Error::other(format!(
            "cannot make the sRGB ICC profile: {e}"
        ))),
    }
}
