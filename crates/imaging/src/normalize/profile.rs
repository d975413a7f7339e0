//! Normalization profiles: thresholds as data (TOML), never code paths. Two are built in
//! (`default` follows TT 05/2025, `compact` for legacy archives); any TOML file can be used.

use serde::{Deserialize, Serialize};
use std::path::Path;

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub name: String,
    pub description: String,
    pub deskew: Deskew,
    /// Pages turned upright by their text (older profile files without it get the default).
    #[serde(default)]
    pub orientation: Orientation,
    pub borders: Borders,
    pub blank: Blank,
    pub colour: ColourRules,
    pub dpi: Dpi,
    pub output: Output,
    /// What one input file may ask for before it is refused (decoding bombs, huge registers).
    #[serde(default)]
    pub limits: Limits,
    /// Run-time switch, not a profile setting: keep an 8-bit gray copy of every stored page
    /// for OCR (`PreparedPage::gray`).
    #[serde(skip)]
    pub keep_gray: bool,
    /// Run-time, not a profile setting: the outside judge asked about pages whose text leaves
    /// the way up undecided (Tesseract's OSD where installed), when `orientation.osd` allows.
    #[serde(skip)]
    pub teller: Option<std::sync::Arc<dyn super::teller::OrientationTeller>>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Deskew {
    pub enabled: bool,
    pub max_angle: f64,
    pub min_angle: f64,
    pub min_confidence: f64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Orientation {
    pub enabled: bool,
    /// Text lines must score this many times higher up and down than across for a page to be
    /// taken as lying on its side.
    pub min_line_ratio: f64,
    /// Ink above the lines' x-height band over ink below it (or the reverse) needed to turn.
    pub min_evidence: f64,
    /// Ask Tesseract's orientation detection (OSD) about text pages whose own lines leave the
    /// way up undecided, where it is installed (`tesseract-ocr-osd`).
    #[serde(default = "yes")]
    pub osd: bool,
    /// Its orientation confidence needed to turn a page.
    #[serde(default = "osd_min_confidence")]
    pub osd_min_confidence: f64,
}

fn yes() -> bool {
    true
}

fn osd_min_confidence() -> f64 {
    5.0
}

impl Default for Orientation {
    fn default() -> Self {
        Orientation {
            enabled: true,
            min_line_ratio: 3.0,
            min_evidence: 1.5,
            osd: yes(),
            osd_min_confidence: osd_min_confidence(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Borders {
    pub enabled: bool,
    pub dark_level: f64,
    pub min_dark_fraction: f64,
    pub max_crop: f64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Blank {
    pub ink_delta: f64,
    pub max_ink_fraction: f64,
    pub margin: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ModeRule {
    /// Store as scanned.
    Keep,
    /// Bilevel, gray or colour by content.
    Auto,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ColourRules {
    pub mode: ModeRule,
    pub chroma_threshold: f64,
    pub min_colour_fraction: f64,
    pub bilevel_max_midtones: f64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Dpi {
    pub min_dpi: f64,
    /// (name, width mm, height mm).
    pub paper_sizes: Vec<(String, f64, f64)>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Output {
    pub jpeg_quality: u8,
}

pub use sohoa_archive::limits::Limits;

const DEFAULT: &str = include_str!("../../../../profiles/default.toml");
const COMPACT: &str = include_str!("../../../../profiles/compact.toml");

impl Profile {
    /// A built-in profile by name (`default`, `compact`), or a TOML file by path.
    pub fn load(name_or_path: &str) -> Result<Profile, String> {
        let text = match name_or_path {
            "default" => DEFAULT.to_string(),
            "compact" => COMPACT.to_string(),
            path => sohoa_archive::safe_fs::read_config(Path::new(path)).map_err(|e| {
                format!("cannot read profile {path}: {e} (built-in profiles: default, compact)")
            })?,
        };
        let p: Profile =
            toml::from_str(&text).map_err(|e| format!("profile {name_or_path}: {e}"))?;
        p.check()
            .map_err(|e| format!("profile {name_or_path}: {e}"))?;
        Ok(p)
    }

    fn check(&self) -> Result<(), String> {
        let frac = |v: f64, what: &str| {
            if (0.0..=1.0).contains(&v) {
                Ok(())
            } else {
                Err(format!("{what} must be between 0 and 1"))
            }
        };
        frac(self.borders.dark_level, "borders.dark_level")?;
        frac(self.borders.min_dark_fraction, "borders.min_dark_fraction")?;
        frac(self.borders.max_crop, "borders.max_crop")?;
        frac(self.blank.margin, "blank.margin")?;
        if self.orientation.min_line_ratio < 1.0 || self.orientation.min_evidence < 1.0 {
            return Err(
                "orientation.min_line_ratio and orientation.min_evidence must be at least 1".into(),
            );
        }
        if !(0.0..=45.0).contains(&self.deskew.max_angle) {
            return Err("deskew.max_angle must be between 0 and 45".into());
        }
        if !(1..=100).contains(&self.output.jpeg_quality) {
            return Err("output.jpeg_quality must be between 1 and 100".into());
        }
        let l = &self.limits;
        if l.max_page_pixels == 0
            || l.max_file_bytes == 0
            || l.max_pages_per_file == 0
            || l.max_register_bytes == 0
            || l.max_register_unpacked_bytes == 0
            || l.max_register_cells == 0
            || l.max_cell_chars == 0
            || l.max_sidecar_bytes == 0
        {
            return Err("limits.* must be greater than 0".into());
        }
        if self.dpi.paper_sizes.is_empty() {
            return Err("dpi.paper_sizes must name at least one paper size".into());
        }
        Ok(())
    }
}

impl Default for Profile {
    fn default() -> Self {
        // The built-in file is part of the binary and covered by a test.
        Profile::load("default").unwrap_or_else(|e| panic!("built-in default profile: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_profiles_load() {
        let d = Profile::load("default").unwrap();
        assert_eq!(d.colour.mode, ModeRule::Keep);
        let c = Profile::load("compact").unwrap();
        assert_eq!(c.colour.mode, ModeRule::Auto);
        assert_eq!(d.limits, Limits::default());
        assert_eq!(c.limits, Limits::default());
        assert!(Profile::load("/nonexistent.toml").is_err());
    }

    #[test]
    fn unknown_keys_and_bad_values_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("p.toml");
        std::fs::write(&p, DEFAULT.replace("max_crop = 0.12", "max_crop = 2.0")).unwrap();
        assert!(Profile::load(p.to_str().unwrap())
            .unwrap_err()
            .contains("max_crop"));
        std::fs::write(&p, DEFAULT.replace("[output]", "[output]\ntypo = 1")).unwrap();
        assert!(Profile::load(p.to_str().unwrap()).is_err());
        std::fs::write(&p, DEFAULT.replace("[limits]", "[limits]\ntypo = 1")).unwrap();
        assert!(Profile::load(p.to_str().unwrap()).is_err());
        std::fs::write(
            &p,
            DEFAULT.replace("max_page_pixels = 150000000", "max_page_pixels = 0"),
        )
        .unwrap();
        assert!(Profile::load(p.to_str().unwrap())
            .unwrap_err()
            .contains("limits"));
    }

    #[test]
    fn a_profile_written_before_limits_existed_gets_the_default_limits() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("old.toml");
        let old = DEFAULT.split("[limits]").next().unwrap();
        std::fs::write(&p, old).unwrap();
        assert_eq!(
            Profile::load(p.to_str().unwrap()).unwrap().limits,
            Limits::default()
        );
    }
}
