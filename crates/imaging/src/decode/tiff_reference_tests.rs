//! TIFF pages compared with what a viewer shows: each file is decoded as sohoa decodes it (the
//! raster handed to normalization) and compared with a PNG rendered by libtiff's `tiff2rgba`
//! (`scripts/tiff-references.py`). Small files and their references are committed under
//! `crates/imaging/testdata/tiff/` (provenance and licences in its README); any folder of TIFFs can
//! be compared with the ignored test at the end.

use crate::page::{Colour, PageError, Raster};
use sohoa_archive::limits::Limits;
use std::path::{Path, PathBuf};

/// Every page of a file as the decoder hands it on: the raster and its Orientation (1-8).
pub(crate) fn rasters(bytes: &[u8]) -> Result<Vec<(Raster, u8)>, PageError> {
    let mut out = Vec::new();
    super::read(bytes, &Limits::default(), &mut |d| {
        out.push((d.raster, d.exif_orientation));
        Ok(())
    })?;
    Ok(out)
}

/// A PNG reference as 8-bit RGB.
fn reference(path: &Path) -> (u32, u32, Vec<u8>) {
    let img = image::open(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .to_rgb8();
    (img.width(), img.height(), img.into_raw())
}

/// How far a decoded page may stray from its reference: `max` for any sample, `mean` on average
/// (lossless pages: 1 and 0.5 for rounding; JPEG pages: decoders differ in IDCT and upsampling).
#[derive(Clone, Copy)]
pub(crate) struct Tolerance {
    pub max: u8,
    pub mean: f64,
}

pub(crate) const EXACT: Tolerance = Tolerance { max: 1, mean: 0.5 };
pub(crate) const JPEG: Tolerance = Tolerance { max: 48, mean: 2.0 };

/// Compares a raster with a reference (RGB); a gray raster must match a gray reference.
pub(crate) fn compare(
    r: &Raster,
    reference: (u32, u32, Vec<u8>),
    t: Tolerance,
) -> Result<(), String> {
    let (w, h, rgb) = reference;
    if (r.width, r.height) != (w, h) {
        return Err(format!(
            "size {}x{}, the viewer shows {w}x{h}",
            r.width, r.height
        ));
    }
    let expanded: Vec<u8> = match r.colour {
        Colour::Rgb => r.pixels.clone(),
        _ => {
            if let Some(p) = rgb
                .chunks_exact(3)
                .position(|p| p[0].abs_diff(p[1]) > t.max || p[1].abs_diff(p[2]) > t.max)
            {
                let (x, y) = (p as u32 % w, p as u32 / w);
                return Err(format!(
                    "decoded as gray, the viewer shows colour at {x},{y}"
                ));
            }
            r.pixels.iter().flat_map(|&v| [v, v, v]).collect()
        }
    };
    if expanded.len() != rgb.len() {
        return Err(format!(
            "{} samples for {} in the reference",
            expanded.len(),
            rgb.len()
        ));
    }
    let mut total = 0u64;
    let mut worst = (0u8, 0usize);
    for (i, (a, b)) in expanded.iter().zip(&rgb).enumerate() {
        let d = a.abs_diff(*b);
        total += u64::from(d);
        if d > worst.0 {
            worst = (d, i);
        }
    }
    let mean = total as f64 / rgb.len().max(1) as f64;
    if worst.0 > t.max || mean > t.mean {
        let px = worst.1 / 3;
        let (x, y) = (px as u32 % w, px as u32 / w);
        return Err(format!(
            "differs from the viewer by {} at {x},{y} (sohoa {:?}, viewer {:?}), {mean:.2} on average",
            worst.0,
            &expanded[px * 3..px * 3 + 3],
            &rgb[px * 3..px * 3 + 3],
        ));
    }
    Ok(())
}

/// Compares every page of `tif` with `refs/NAME.pN.png`; a page without a reference is an error.
fn compare_file(tif: &Path, refs: &Path, t: Tolerance) -> Result<String, String> {
    let name = tif.file_name().unwrap_or_default().to_string_lossy();
    let bytes = std::fs::read(tif).map_err(|e| e.to_string())?;
    let pages = rasters(&bytes).map_err(|e| format!("refused: {} {}", e.code, e.en))?;
    let mut kinds = Vec::new();
    for (i, (r, _)) in pages.iter().enumerate() {
        let png = refs.join(format!("{name}.p{}.png", i + 1));
        if !png.exists() {
            return Err(format!("page {}: no reference {}", i + 1, png.display()));
        }
        compare(r, reference(&png), t).map_err(|e| format!("page {}: {e}", i + 1))?;
        kinds.push(format!("{:?}{:?}", r.colour, r.conversions));
    }
    Ok(kinds.join(" "))
}

/// The first page is JPEG-compressed (Compression 6 or 7).
fn is_jpeg(bytes: &[u8]) -> bool {
    tiff::decoder::Decoder::new(std::io::Cursor::new(bytes))
        .ok()
        .and_then(|mut d| {
            d.find_tag_unsigned::<u16>(tiff::tags::Tag::Compression)
                .ok()
        })
        .flatten()
        .is_some_and(|c| c == 6 || c == 7)
}

fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/tiff")
}

/// What sohoa makes of one page: its colour and conversions.
type Kind = (Colour, &'static [&'static str]);

/// Every committed fixture and what sohoa makes of each of its pages.
const FIXTURES: &[(&str, &[Kind])] = {
    use Colour::{Gray, Rgb};
    &[
        ("cmyk-zip.tif", &[(Rgb, &["cmyk-to-rgb"])]),
        ("gray-alpha.tif", &[(Gray, &["alpha-flattened"])]),
        ("graya-miniswhite-zip.tif", &[(Gray, &["alpha-flattened"])]),
        ("jpeg-coded.tif", &[(Gray, &[])]),
        ("minisblack.tif", &[(Gray, &[])]),
        ("miniswhite.tif", &[(Gray, &[])]),
        (
            "multipage-mixed.tif",
            &[
                (Gray, &[]),
                (Gray, &[]),
                (Rgb, &[]),
                (Gray, &["palette-expanded"]),
            ],
        ),
        (
            "pal4-gray-8-bit-map-lzw.tif",
            &[(Gray, &["palette-expanded", "colormap-8-bit"])],
        ),
        ("rgb-jpeg-rgb.tif", &[(Rgb, &[])]),
        ("rgb-jpeg-ycbcr.tif", &[(Rgb, &["ycbcr-to-rgb"])]),
        ("rgb-planar-tiled-zip.tif", &[(Rgb, &[])]),
        ("rgba-associated-zip.tif", &[(Rgb, &["alpha-flattened"])]),
        ("test16.tif", &[(Gray, &["16-to-8-bit"])]),
        ("testbuffer.tif", &[(Rgb, &["ycbcr-to-rgb"])]),
        ("weasel-pal4-colour.tif", &[(Rgb, &["palette-expanded"])]),
        ("weasel-pal4-gray.tif", &[(Gray, &["palette-expanded"])]),
    ]
};

#[test]
fn committed_tiffs_decode_as_libtiff_shows_them() {
    let dir = testdata();
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".tif"))
        .collect();
    on_disk.sort();
    let listed: Vec<&str> = FIXTURES.iter().map(|f| f.0).collect();
    assert_eq!(
        on_disk, listed,
        "every fixture is listed in FIXTURES, in order"
    );
    for (name, kinds) in FIXTURES {
        let path = dir.join(name);
        let bytes = std::fs::read(&path).unwrap();
        let t = if is_jpeg(&bytes) { JPEG } else { EXACT };
        if let Err(e) = compare_file(&path, &dir.join("ref"), t) {
            panic!("{name}: {e}");
        }
        let pages = rasters(&bytes).unwrap();
        let got: Vec<(Colour, Vec<&str>)> = pages
            .iter()
            .map(|(r, _)| (r.colour, r.conversions.clone()))
            .collect();
        let want: Vec<(Colour, Vec<&str>)> = kinds.iter().map(|(c, v)| (*c, v.to_vec())).collect();
        assert_eq!(got, want, "{name}");
    }
}

#[test]
fn the_reference_helper_finds_a_wrong_pixel() {
    let r = Raster {
        width: 2,
        height: 1,
        colour: Colour::Gray,
        pixels: vec![0, 200],
        conversions: Vec::new(),
        source_bilevel: false,
    };
    assert!(compare(&r, (2, 1, vec![0, 0, 0, 200, 200, 200]), EXACT).is_ok());
    assert!(compare(&r, (2, 1, vec![0, 0, 0, 203, 203, 203]), EXACT).is_err());
    assert!(compare(&r, (2, 1, vec![0, 0, 0, 200, 0, 200]), EXACT).is_err());
    assert!(compare(&r, (1, 2, vec![0, 0, 0, 200, 200, 200]), EXACT).is_err());
}

/// A folder of TIFFs against references made by `scripts/tiff-references.py`:
/// `SOHOA_TIFF_CORPUS=DIR SOHOA_TIFF_REFERENCES=OUT cargo test -p sohoa-imaging -- --ignored`.
/// Prints one line per file; fails if any page differs (JPEG pages get the JPEG tolerance).
#[test]
#[ignore = "needs SOHOA_TIFF_CORPUS and references rendered by scripts/tiff-references.py"]
fn tiff_corpus_decodes_as_libtiff_shows_it() {
    let Some(dir) = std::env::var_os("SOHOA_TIFF_CORPUS").map(PathBuf::from) else {
        panic!("set SOHOA_TIFF_CORPUS (and SOHOA_TIFF_REFERENCES) first");
    };
    let refs = std::env::var_os("SOHOA_TIFF_REFERENCES")
        .map(PathBuf::from)
        .unwrap_or_else(|| dir.clone());
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("tif") || e.eq_ignore_ascii_case("tiff"))
        })
        .collect();
    files.sort();
    let mut failed = Vec::new();
    for f in &files {
        let t = if is_jpeg(&std::fs::read(f).unwrap()) {
            JPEG
        } else {
            EXACT
        };
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        match compare_file(f, &refs, t) {
            Ok(kinds) => println!("ok   {name}: {kinds}"),
            Err(e) => {
                println!("FAIL {name}: {e}");
                failed.push(name);
            }
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} differ: {failed:?}",
        failed.len(),
        files.len()
    );
}
