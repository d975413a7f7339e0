//! Scanned PDFs made here with lopdf, read back: JPEG and G4 kept byte for byte, other images
//! pixel-exact (the expected pixels are those `pdfimages -png` extracts from the same files,
//! checked with poppler 22.12, see `write_samples_for_pdfimages`; 16-bit samples alone differ:
//! sohoa rounds them to 8 bits by its documented `(v + 128) / 257` where pdfimages truncates,
//! `v >> 8`, at most one level apart), resolution from the page, pages in order, born-digital
//! pages warned, encrypted, broken and bomb files refused.

use super::FileRead;
use crate::encode::{flate, g4_encode};
use crate::page::{Colour, Encoding, PageError, PreparedPage};
use crate::Profile;
use lopdf::{dictionary, Dictionary, Document, Object, Stream};

/// A4 in points, exactly.
const A4: (f64, f64) = (595.276, 841.89);

pub(crate) struct TestPage {
    pub size: (f64, f64),
    pub content: Vec<u8>,
    pub xobjects: Vec<(&'static str, Stream)>,
    pub rotate: Option<i64>,
}

impl TestPage {
    /// A page that draws `image` over the whole page.
    pub fn scan(size: (f64, f64), image: Stream) -> TestPage {
        TestPage {
            size,
            content: format!("q {} 0 0 {} 0 0 cm /Im0 Do Q", size.0, size.1).into_bytes(),
            xobjects: vec![("Im0", image)],
            rotate: None,
        }
    }
}

/// A PDF of these pages, as lopdf writes it.
pub(crate) fn pdf(pages: Vec<TestPage>) -> Vec<u8> {
    let mut doc = document(pages);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

fn document(pages: Vec<TestPage>) -> Document {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let mut kids: Vec<Object> = Vec::new();
    let count = pages.len() as i64;
    for p in pages {
        let mut xo = Dictionary::new();
        for (name, s) in p.xobjects {
            let id = doc.add_object(s);
            xo.set(name, id);
        }
        let content = doc.add_object(Stream::new(dictionary! {}, p.content));
        let mut page = dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), Object::Real(p.size.0 as f32), Object::Real(p.size.1 as f32)],
            "Contents" => content,
            "Resources" => dictionary! { "XObject" => xo },
        };
        if let Some(r) = p.rotate {
            page.set("Rotate", r);
        }
        kids.push(doc.add_object(page).into());
    }
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    doc
}

pub(crate) fn image(w: u32, h: u32, entries: Dictionary, data: Vec<u8>) -> Stream {
    let mut dict = dictionary! {
        "Type" => "XObject",
        "Subtype" => "Image",
        "Width" => w as i64,
        "Height" => h as i64,
    };
    for (k, v) in entries.iter() {
        dict.set(k.clone(), v.clone());
    }
    Stream::new(dict, data)
}

/// A gray page that looks like a document: white paper, dark lines of "text", straight.
pub(crate) fn document_pixels(w: u32, h: u32) -> Vec<u8> {
    (0..h)
        .flat_map(|y| {
            (0..w).map(move |x| {
                let line = y > h / 10 && y < h * 9 / 10 && (y / (h / 60).max(2)).is_multiple_of(2);
                let word = x > w / 10 && x < w * 9 / 10 && (x / (w / 40).max(2)) % 5 != 4;
                if line && word && (y % (h / 60).max(2)) > 1 {
                    0
                } else {
                    255
                }
            })
        })
        .collect()
}

fn jpeg_of(pixels: &[u8], w: u16, h: u16, kind: jpeg_encoder::ColorType) -> Vec<u8> {
    let mut out = Vec::new();
    jpeg_encoder::Encoder::new(&mut out, 85)
        .encode(pixels, w, h, kind)
        .unwrap();
    out
}

/// What the decoder hands on for each page: (frame, raster colour, pixels, dpi, rotate,
/// conversions, bilevel).
#[derive(Debug)]
struct Got {
    frame: u32,
    colour: Colour,
    pixels: Vec<u8>,
    dpi: Option<(f64, f64)>,
    rotate: u16,
    conversions: Vec<&'static str>,
    bilevel: bool,
}

fn decoded(
    bytes: &[u8],
    limits: &sohoa_archive::limits::Limits,
) -> Result<(Vec<Got>, FileRead), PageError> {
    let mut got = Vec::new();
    let read = super::read(bytes, limits, &mut |d| {
        got.push(Got {
            frame: d.frame,
            colour: d.raster.colour,
            pixels: d.raster.pixels,
            dpi: d.file_dpi,
            rotate: d.page_rotate,
            conversions: d.raster.conversions,
            bilevel: d.raster.source_bilevel,
        });
        Ok(())
    })?;
    Ok((got, read))
}

fn pages_of(bytes: &[u8], profile: &Profile) -> Result<(Vec<PreparedPage>, FileRead), PageError> {
    let mut pages = Vec::new();
    let read = crate::read_file(bytes, profile, &mut |p| {
        pages.push(p);
        Ok(())
    })?;
    Ok((pages, read))
}

fn plain() -> Profile {
    let mut p = Profile::default();
    p.borders.enabled = false;
    p.deskew.enabled = false;
    p
}

fn limits() -> sohoa_archive::limits::Limits {
    sohoa_archive::limits::Limits::default()
}

/// A two-page A4 scan at 300 dpi: a gray JPEG, then a G4 page. The G4 data carries padding
/// after its end-of-block, so only the source's own bytes can match it.
fn two_page_scan() -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let (w, h) = (2480u32, 3508u32);
    let px = document_pixels(w, h);
    let jpeg = jpeg_of(&px, w as u16, h as u16, jpeg_encoder::ColorType::Luma);
    let mut g4 = g4_encode(&px, w, h);
    g4.extend_from_slice(&[0, 0, 0, 0]);
    let jpeg_image = image(
        w,
        h,
        dictionary! { "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8, "Filter" => "DCTDecode" },
        jpeg.clone(),
    );
    let g4_image = image(
        w,
        h,
        dictionary! {
            "ColorSpace" => "DeviceGray", "BitsPerComponent" => 1, "Filter" => "CCITTFaxDecode",
            "DecodeParms" => dictionary! { "K" => -1, "Columns" => w as i64, "Rows" => h as i64 },
        },
        g4.clone(),
    );
    let file = pdf(vec![
        TestPage::scan(A4, jpeg_image),
        TestPage::scan(A4, g4_image),
    ]);
    (file, jpeg, g4)
}

#[test]
fn a_scanned_pdf_keeps_its_jpeg_and_g4_bytes_in_order_at_the_page_resolution() {
    let (file, jpeg, g4) = two_page_scan();
    for profile in [plain(), Profile::default()] {
        let (pages, read) = pages_of(&file, &profile).unwrap();
        assert_eq!(read.pages, 2);
        assert!(
            read.not_scanned.is_empty() && read.warnings.is_empty(),
            "{:?}",
            read.warnings
        );
        assert!(read.keep_original, "a PDF is always kept whole");
        assert_eq!(pages.len(), 2);
        let (p1, p2) = (&pages[0], &pages[1]);
        assert_eq!((p1.frame, p2.frame), (0, 1), "pages in order");
        assert_eq!(
            p1.encoding,
            Encoding::Dct,
            "{}: {:?}",
            profile.name,
            p1.conversions
        );
        assert!(p1.data == jpeg, "the JPEG is embedded byte for byte");
        assert_eq!(p2.encoding, Encoding::CcittG4);
        assert_eq!(p2.colour, Colour::Bilevel);
        assert!(p2.data == g4, "the G4 data is embedded byte for byte");
        for p in &pages {
            assert_eq!((p.width, p.height), (2480, 3508));
            assert_eq!((p.dpi_x, p.dpi_y), (300.0, 300.0));
            assert!(p.conversions.is_empty(), "{:?}", p.conversions);
            assert_eq!(p.rotate, 0);
        }
    }
}

#[test]
fn a_g4_page_cropped_by_normalization_keeps_its_bytes_and_is_placed_on_a_smaller_page() {
    let (w, h) = (1240u32, 1754u32);
    let mut px = document_pixels(w, h);
    // A black scanner border down the left edge: the default profile crops it.
    for y in 0..h as usize {
        px[y * w as usize..y * w as usize + 40].fill(0);
    }
    let mut g4 = g4_encode(&px, w, h);
    g4.extend_from_slice(&[0, 0]);
    let img = image(
        w,
        h,
        dictionary! {
            "ColorSpace" => "DeviceGray", "BitsPerComponent" => 1, "Filter" => "CCITTFaxDecode",
            "DecodeParms" => dictionary! { "K" => -1, "Columns" => w as i64 },
        },
        g4.clone(),
    );
    let file = pdf(vec![TestPage::scan(A4, img)]);
    let (pages, _) = pages_of(&file, &Profile::default()).unwrap();
    let n = pages[0].normalization.clone().expect("measured");
    assert!(n.crop.is_some_and(|c| c.left >= 40), "{n:?}");
    assert!(
        n.placed && pages[0].conversions.is_empty(),
        "{:?}",
        pages[0].conversions
    );
    // The scan's G4 bytes as they came; the page shows it less the border.
    assert_eq!(pages[0].encoding, Encoding::CcittG4);
    assert!(pages[0].data == g4);
    let placed = pages[0].placement.expect("placed");
    assert!(placed.width <= w - 40 && placed.clip[0] >= 40, "{placed:?}");
    assert_eq!(
        (pages[0].dpi_x.round(), pages[0].dpi_y.round()),
        (150.0, 150.0)
    );
}

#[test]
fn g4_that_reads_inverted_is_stored_pixel_exact_not_byte_exact() {
    let (w, h) = (64u32, 48u32);
    let px: Vec<u8> = (0..w * h)
        .map(|i| if (i % w) < 20 { 0 } else { 255 })
        .collect();
    let g4 = g4_encode(&px, w, h);
    // BlackIs1 true without a /Decode: the G4 "black" runs are shown white.
    let img = image(
        w,
        h,
        dictionary! {
            "ColorSpace" => "DeviceGray", "BitsPerComponent" => 1, "Filter" => "CCITTFaxDecode",
            "DecodeParms" => dictionary! { "K" => -1, "Columns" => w as i64, "BlackIs1" => true },
        },
        g4.clone(),
    );
    let file = pdf(vec![TestPage::scan(
        (w as f64 * 72.0 / 200.0, h as f64 * 72.0 / 200.0),
        img,
    )]);
    let (got, _) = decoded(&file, &limits()).unwrap();
    let inverted: Vec<u8> = px.iter().map(|p| 255 - p).collect();
    assert_eq!(got[0].pixels, inverted);
    assert!(got[0].bilevel);
    // The same with /Decode [1 0] reads as the G4 says, and is kept as it is.
    let img = image(
        w,
        h,
        dictionary! {
            "ColorSpace" => "DeviceGray", "BitsPerComponent" => 1, "Filter" => "CCITTFaxDecode",
            "Decode" => vec![1.into(), 0.into()],
            "DecodeParms" => dictionary! { "K" => -1, "Columns" => w as i64, "BlackIs1" => true },
        },
        g4.clone(),
    );
    let file = pdf(vec![TestPage::scan(
        (w as f64 * 72.0 / 200.0, h as f64 * 72.0 / 200.0),
        img,
    )]);
    let (pages, _) = pages_of(&file, &plain()).unwrap();
    assert!(pages[0].data == g4);
}

/// Pixels of a w×h pattern with values 0..levels.
fn pattern(w: u32, h: u32, comps: u32, levels: u32) -> Vec<u32> {
    (0..w * h * comps)
        .map(|i| (i * 7 + i / (w * comps) * 3) % levels)
        .collect()
}

/// Packs samples of `bpc` bits into rows.
fn pack(samples: &[u32], per_row: usize, bpc: u32) -> Vec<u8> {
    let mut out = Vec::new();
    for row in samples.chunks(per_row) {
        let mut bits = 0u64;
        let mut n = 0;
        for &s in row {
            bits = (bits << bpc) | u64::from(s);
            n += bpc;
            while n >= 8 {
                out.push((bits >> (n - 8)) as u8);
                n -= 8;
            }
        }
        if n > 0 {
            out.push((bits << (8 - n)) as u8);
        }
    }
    out
}

fn flate_image(w: u32, h: u32, mut entries: Dictionary, raw: &[u8]) -> Stream {
    entries.set("Filter", "FlateDecode");
    image(w, h, entries, flate(raw))
}

fn one_page(img: Stream, w: u32, h: u32) -> Vec<u8> {
    pdf(vec![TestPage::scan(
        (w as f64 * 72.0 / 300.0, h as f64 * 72.0 / 300.0),
        img,
    )])
}

fn only_page(file: &[u8]) -> Got {
    let (mut got, read) = decoded(file, &limits()).unwrap();
    assert_eq!(read.pages, 1);
    got.remove(0)
}

#[test]
fn flate_rgb_is_read_pixel_exact() {
    let (w, h) = (37, 23);
    let s: Vec<u8> = pattern(w, h, 3, 256).into_iter().map(|v| v as u8).collect();
    let img = flate_image(
        w,
        h,
        dictionary! { "ColorSpace" => "DeviceRGB", "BitsPerComponent" => 8 },
        &s,
    );
    let got = only_page(&one_page(img, w, h));
    assert_eq!((got.colour, got.dpi), (Colour::Rgb, Some((300.0, 300.0))));
    assert_eq!(got.pixels, s);
    assert!(got.conversions.is_empty());
}

#[test]
fn flate_with_png_predictors_is_read_pixel_exact() {
    let (w, h) = (20u32, 6u32);
    let s: Vec<u8> = pattern(w, h, 1, 256).into_iter().map(|v| v as u8).collect();
    // PNG "Up" rows: filter byte 2, each byte minus the one above.
    let mut raw = Vec::new();
    for y in 0..h as usize {
        raw.push(2);
        for x in 0..w as usize {
            let above = if y == 0 {
                0
            } else {
                s[(y - 1) * w as usize + x]
            };
            raw.push(s[y * w as usize + x].wrapping_sub(above));
        }
    }
    let img = flate_image(
        w,
        h,
        dictionary! {
            "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8,
            "DecodeParms" => dictionary! { "Predictor" => 12, "Columns" => w as i64 },
        },
        &raw,
    );
    assert_eq!(only_page(&one_page(img, w, h)).pixels, s);
}

#[test]
fn indexed_images_are_expanded_and_a_gray_palette_stays_gray() {
    let (w, h) = (30u32, 11u32);
    let idx = pattern(w, h, 1, 4);
    let palette = vec![255u8, 0, 0, 0, 128, 0, 10, 20, 30, 255, 255, 255];
    let img = flate_image(
        w,
        h,
        dictionary! {
            "ColorSpace" => vec!["Indexed".into(), "DeviceRGB".into(), 3.into(), Object::string_literal(palette.clone())],
            "BitsPerComponent" => 2,
        },
        &pack(&idx, w as usize, 2),
    );
    let got = only_page(&one_page(img, w, h));
    let want: Vec<u8> = idx
        .iter()
        .flat_map(|&i| palette[i as usize * 3..i as usize * 3 + 3].to_vec())
        .collect();
    assert_eq!((got.colour, &got.pixels), (Colour::Rgb, &want));
    assert_eq!(got.conversions, ["palette-expanded"]);
    // A gray palette (8-bit indices) stays gray.
    let idx = pattern(w, h, 1, 3);
    let gray_palette = vec![0u8, 0, 0, 90, 90, 90, 250, 250, 250];
    let img = flate_image(
        w,
        h,
        dictionary! {
            "ColorSpace" => vec!["Indexed".into(), "DeviceRGB".into(), 2.into(), Object::string_literal(gray_palette)],
            "BitsPerComponent" => 8,
        },
        &idx.iter().map(|&i| i as u8).collect::<Vec<_>>(),
    );
    let got = only_page(&one_page(img, w, h));
    let want: Vec<u8> = idx.iter().map(|&i| [0u8, 90, 250][i as usize]).collect();
    assert_eq!((got.colour, &got.pixels), (Colour::Gray, &want));
}

#[test]
fn one_bit_with_decode_1_0_is_inverted_and_bilevel() {
    let (w, h) = (19u32, 7u32);
    let bits = pattern(w, h, 1, 2);
    let img = flate_image(
        w,
        h,
        dictionary! {
            "ColorSpace" => "DeviceGray", "BitsPerComponent" => 1,
            "Decode" => vec![1.into(), 0.into()],
        },
        &pack(&bits, w as usize, 1),
    );
    let got = only_page(&one_page(img, w, h));
    let want: Vec<u8> = bits.iter().map(|&b| if b == 1 { 0 } else { 255 }).collect();
    assert_eq!(got.pixels, want);
    assert!(got.bilevel && got.conversions.is_empty());
    // Stored as G4 with no conversion.
    let (pages, _) = pages_of(&one_page(flate_image(w, h, dictionary! {
        "ColorSpace" => "DeviceGray", "BitsPerComponent" => 1, "Decode" => vec![1.into(), 0.into()],
    }, &pack(&bits, w as usize, 1)), w, h), &plain()).unwrap();
    assert_eq!(
        (pages[0].encoding, pages[0].colour),
        (Encoding::CcittG4, Colour::Bilevel)
    );
    assert!(pages[0].conversions.is_empty());
}

#[test]
fn sixteen_and_four_bit_gray_are_scaled_to_eight_bits() {
    let (w, h) = (13u32, 5u32);
    let v16: Vec<u32> = (0..w * h).map(|i| (i * 1013) % 65536).collect();
    let raw: Vec<u8> = v16.iter().flat_map(|&v| (v as u16).to_be_bytes()).collect();
    let img = flate_image(
        w,
        h,
        dictionary! { "ColorSpace" => "DeviceGray", "BitsPerComponent" => 16 },
        &raw,
    );
    let got = only_page(&one_page(img, w, h));
    let want: Vec<u8> = v16.iter().map(|&v| ((v + 128) / 257) as u8).collect();
    assert_eq!(got.pixels, want);
    // pdfimages -png (poppler 22.12) gives v >> 8: never more than one level away.
    assert!(v16
        .iter()
        .zip(&got.pixels)
        .all(|(&v, &p)| (v >> 8).abs_diff(u32::from(p)) <= 1));
    assert_eq!(got.conversions, ["16-to-8-bit"]);
    let v4 = pattern(w, h, 1, 16);
    let img = flate_image(
        w,
        h,
        dictionary! { "ColorSpace" => "DeviceGray", "BitsPerComponent" => 4 },
        &pack(&v4, w as usize, 4),
    );
    let got = only_page(&one_page(img, w, h));
    assert_eq!(
        got.pixels,
        v4.iter().map(|&v| (v * 17) as u8).collect::<Vec<_>>()
    );
    assert!(got.conversions.is_empty());
}

#[test]
fn run_length_and_uncompressed_samples_are_read() {
    let (w, h) = (10u32, 4u32);
    let s: Vec<u8> = pattern(w, h, 1, 256).into_iter().map(|v| v as u8).collect();
    let mut rl = Vec::new();
    for chunk in s.chunks(16) {
        rl.push(chunk.len() as u8 - 1);
        rl.extend_from_slice(chunk);
    }
    rl.push(128);
    let img = image(
        w,
        h,
        dictionary! { "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8, "Filter" => "RunLengthDecode" },
        rl,
    );
    assert_eq!(only_page(&one_page(img, w, h)).pixels, s);
    let img = image(
        w,
        h,
        dictionary! { "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8 },
        s.clone(),
    );
    assert_eq!(only_page(&one_page(img, w, h)).pixels, s);
    // Short data is an error, never padded.
    let img = image(
        w,
        h,
        dictionary! { "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8 },
        s[..30].to_vec(),
    );
    assert_eq!(
        decoded(&one_page(img, w, h), &limits()).unwrap_err().code,
        "page.incomplete"
    );
}

#[test]
fn an_image_mask_is_black_ink_and_a_soft_mask_is_shown_over_white() {
    let (w, h) = (16u32, 4u32);
    let bits = pattern(w, h, 1, 2);
    let img = flate_image(
        w,
        h,
        dictionary! { "ImageMask" => true },
        &pack(&bits, w as usize, 1),
    );
    let got = only_page(&one_page(img, w, h));
    assert_eq!(
        got.pixels,
        bits.iter()
            .map(|&b| if b == 0 { 0 } else { 255 })
            .collect::<Vec<_>>()
    );
    assert!(got.bilevel);
    // A black image half transparent: gray over white.
    let alpha: Vec<u8> = (0..w * h)
        .map(|i| if i % 2 == 0 { 255 } else { 0 })
        .collect();
    let mut img = image(
        w,
        h,
        dictionary! { "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8 },
        vec![0; (w * h) as usize],
    );
    img.dict.set("SMask", Object::Null);
    // The mask added as an object of the same file, then named by the image.
    let file = {
        let mut d = document(vec![TestPage::scan(
            (w as f64 * 72.0 / 300.0, h as f64 * 72.0 / 300.0),
            img,
        )]);
        let id = (d.max_id + 1, 0);
        d.objects.insert(
            id,
            Object::Stream(image(
                w,
                h,
                dictionary! { "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8 },
                alpha.clone(),
            )),
        );
        d.max_id += 1;
        for o in d.objects.values_mut() {
            if let Object::Stream(s) = o {
                if s.dict.has(b"SMask") {
                    s.dict.set("SMask", id);
                }
            }
        }
        let mut out = Vec::new();
        d.save_to(&mut out).unwrap();
        out
    };
    let got = only_page(&file);
    assert_eq!(
        got.pixels,
        alpha.iter().map(|&a| 255 - a).collect::<Vec<_>>()
    );
    assert_eq!(got.conversions, ["alpha-flattened"]);
}

#[test]
fn rotate_and_a_turned_image_give_the_page_rotation() {
    let (w, h) = (300u32, 200u32);
    let px = document_pixels(w, h);
    let img = || {
        flate_image(
            w,
            h,
            dictionary! { "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8 },
            &px,
        )
    };
    let mut page = TestPage::scan((72.0, 48.0), img());
    page.rotate = Some(90);
    // The image drawn turned a quarter counter-clockwise on a portrait page.
    let turned = TestPage {
        size: (48.0, 72.0),
        content: b"q 0 72 -48 0 48 0 cm /Im0 Do Q".to_vec(),
        xobjects: vec![("Im0", img())],
        rotate: None,
    };
    let (got, _) = decoded(&pdf(vec![page, turned]), &limits()).unwrap();
    assert_eq!((got[0].rotate, got[0].dpi), (90, Some((300.0, 300.0))));
    assert_eq!((got[1].rotate, got[1].dpi), (270, Some((300.0, 300.0))));
    let (pages, _) = pages_of(
        &pdf(vec![{
            let mut p = TestPage::scan((72.0, 48.0), img());
            p.rotate = Some(-90);
            p
        }]),
        &plain(),
    )
    .unwrap();
    assert_eq!(pages[0].rotate, 270);
}

#[test]
fn a_page_with_text_or_vector_content_is_warned_and_kept_not_dropped() {
    let (w, h) = (100u32, 100u32);
    let px = document_pixels(w, h);
    let img = || {
        flate_image(
            w,
            h,
            dictionary! { "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8 },
            &px,
        )
    };
    let text = TestPage {
        size: A4,
        content: b"BT /F1 12 Tf 72 720 Td (Born digital) Tj ET".to_vec(),
        xobjects: vec![],
        rotate: None,
    };
    let vector = TestPage {
        size: A4,
        content: b"0 0 1 RG 10 10 m 200 200 l S".to_vec(),
        xobjects: vec![],
        rotate: None,
    };
    // A scan under an invisible OCR text layer and a white page background is still a scan.
    let ocr = TestPage {
        size: (24.0, 24.0),
        content: b"1 g 0 0 24 24 re f q 24 0 0 24 0 0 cm /Im0 Do Q BT 3 Tr /F1 12 Tf (words) Tj ET"
            .to_vec(),
        xobjects: vec![("Im0", img())],
        rotate: None,
    };
    let two_images = TestPage {
        size: A4,
        content: b"q 10 0 0 10 0 0 cm /Im0 Do Q q 10 0 0 10 20 0 cm /Im1 Do Q".to_vec(),
        xobjects: vec![("Im0", img()), ("Im1", img())],
        rotate: None,
    };
    let file = pdf(vec![
        TestPage::scan((24.0, 24.0), img()),
        text,
        vector,
        ocr,
        two_images,
    ]);
    let (got, read) = decoded(&file, &limits()).unwrap();
    assert_eq!(got.iter().map(|g| g.frame).collect::<Vec<_>>(), [0, 3]);
    assert_eq!(read.not_scanned, [2, 3, 5]);
    let w: Vec<(&str, Option<u32>, &str)> = read
        .warnings
        .iter()
        .map(|p| (p.code.as_str(), p.page, p.message_en.as_str()))
        .collect();
    assert_eq!(w.len(), 3, "{w:#?}");
    assert!(w.iter().all(|(c, _, _)| *c == "pdf.page_not_scanned"));
    assert_eq!(w[0].1, Some(2));
    assert!(
        w[0].2
            .contains("Page 2 of the PDF is not a scan (it has text)"),
        "{}",
        w[0].2
    );
    assert!(w[1].2.contains("vector graphics") && w[2].2.contains("two or more images"));
    assert!(read.warnings[0]
        .message
        .starts_with("Trang 2 của tệp PDF không phải bản quét"));
    assert!(
        read.notes[0].starts_with("page 4: the PDF's invisible text layer"),
        "{:?}",
        read.notes
    );
    // No page a scan: one warning for the file, no page.
    let only_text = pdf(vec![TestPage {
        size: A4,
        content: b"BT (a) Tj ET".to_vec(),
        xobjects: vec![],
        rotate: None,
    }]);
    let (got, read) = decoded(&only_text, &limits()).unwrap();
    assert!(got.is_empty());
    assert_eq!((read.pages, read.not_scanned.as_slice()), (0, &[1][..]));
    assert_eq!(read.warnings.len(), 1);
    assert!(read.warnings[0]
        .message_en
        .starts_with("No page of the PDF is a scan"));
}

#[test]
fn an_encrypted_pdf_is_refused() {
    let (w, h) = (8u32, 8u32);
    let img = image(
        w,
        h,
        dictionary! { "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8 },
        vec![200; 64],
    );
    for user in ["", "secret"] {
        let mut doc = document(vec![TestPage::scan((20.0, 20.0), img.clone())]);
        doc.trailer.set(
            "ID",
            vec![
                Object::string_literal(b"0123456789abcdef".to_vec()),
                Object::string_literal(b"0123456789abcdef".to_vec()),
            ],
        );
        let state = lopdf::EncryptionState::try_from(lopdf::EncryptionVersion::V2 {
            document: &doc,
            owner_password: "owner",
            user_password: user,
            key_length: 128,
            permissions: lopdf::Permissions::all(),
        })
        .unwrap();
        doc.encrypt(&state).unwrap();
        let mut out = Vec::new();
        doc.save_to(&mut out).unwrap();
        let e = decoded(&out, &limits()).unwrap_err();
        assert_eq!(e.code, "pdf.encrypted", "user password {user:?}: {}", e.en);
        assert!(e.vi.contains("mã hóa"));
    }
}

#[test]
fn a_truncated_or_garbled_pdf_is_corrupt() {
    let (file, _, _) = two_page_scan();
    for bad in [
        b"%PDF-1.7\n".to_vec(),
        b"%PDF-1.4\n% garbage \xff\xfe 1 0 obj << /Type /Catalog".to_vec(),
        file[..file.len() / 2].to_vec(),
        file[..200].to_vec(),
    ] {
        let e = decoded(&bad, &limits()).unwrap_err();
        assert!(
            matches!(e.code, "pdf.corrupt" | "page.incomplete"),
            "{} bytes: {} {}",
            bad.len(),
            e.code,
            e.en
        );
    }
    // A page drawing an image its resources do not hold names the page.
    let broken = pdf(vec![
        TestPage::scan(
            (20.0, 20.0),
            image(
                4,
                4,
                dictionary! { "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8 },
                vec![0; 16],
            ),
        ),
        TestPage {
            size: A4,
            content: b"q 10 0 0 10 0 0 cm /Gone Do Q".to_vec(),
            xobjects: vec![],
            rotate: None,
        },
    ]);
    let e = decoded(&broken, &limits()).unwrap_err();
    assert_eq!((e.code, e.page), ("pdf.corrupt", Some(2)));
    assert!(e.en.contains("/Gone"), "{}", e.en);
}

#[test]
fn a_flate_bomb_is_refused_by_the_limit_without_allocating() {
    // 12 MB of zeros in a few KB, declared as a 100x100 image: refused past 100x100 bytes.
    let bomb = flate(&vec![0u8; 12 << 20]);
    assert!(bomb.len() < 64 * 1024, "{}", bomb.len());
    let img = image(
        100,
        100,
        dictionary! { "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8, "Filter" => "FlateDecode" },
        bomb.clone(),
    );
    let e = decoded(&one_page(img, 100, 100), &limits()).unwrap_err();
    assert_eq!(e.code, "page.too_large", "{}", e.en);
    // A declared size over the pixel limit is refused before anything is decoded.
    let img = image(
        100_000,
        100_000,
        dictionary! { "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8, "Filter" => "FlateDecode" },
        bomb,
    );
    let e = decoded(&one_page(img, 100, 100), &limits()).unwrap_err();
    assert_eq!((e.code, e.page), ("page.too_large", Some(1)));
    assert!(e.en.contains("100000x100000"), "{}", e.en);
    // Too many pages for the limit.
    let mut few = limits();
    few.max_pages_per_file = 1;
    let (file, _, _) = two_page_scan();
    assert_eq!(decoded(&file, &few).unwrap_err().code, "page.too_large");
}

#[test]
fn damaged_jpx_and_jbig2_are_clear_errors_naming_the_page() {
    for (filter, named) in [("JPXDecode", "JPEG 2000"), ("JBIG2Decode", "JBIG2")] {
        let img = image(
            8,
            8,
            dictionary! { "ColorSpace" => "DeviceGray", "BitsPerComponent" => 1, "Filter" => filter },
            vec![0; 10],
        );
        let e = decoded(&one_page(img, 8, 8), &limits()).unwrap_err();
        assert_eq!((e.code, e.page), ("pdf.corrupt", Some(1)));
        assert!(e.en.contains(named), "{}", e.en);
    }
}

#[test]
fn jpeg_2000_pages_are_read_pixel_exact_and_stored_lossless() {
    // tests/data/jpx/README.md: lossless 61 x 43 images of a known pattern.
    let (w, h) = (61u32, 43u32);
    let g: Vec<u8> = (0..h)
        .flat_map(|y| (0..w).map(move |x| ((7 * y + 3 * x) % 256) as u8))
        .collect();
    let rgb: Vec<u8> = g
        .iter()
        .flat_map(|&v| [v, 255 - v, ((3 * v as u32) % 256) as u8])
        .collect();
    type Case<'a> = (&'a [u8], Option<&'a str>, Colour, &'a Vec<u8>);
    let cases: [Case; 3] = [
        (
            include_bytes!("../../tests/data/jpx/gray.j2k"),
            Some("DeviceGray"),
            Colour::Gray,
            &g,
        ),
        (
            include_bytes!("../../tests/data/jpx/rgb.jp2"),
            None,
            Colour::Rgb,
            &rgb,
        ),
        (
            include_bytes!("../../tests/data/jpx/rgb.jp2"),
            Some("DeviceRGB"),
            Colour::Rgb,
            &rgb,
        ),
    ];
    for (data, space, colour, want) in cases {
        let mut dict = dictionary! { "Filter" => "JPXDecode" };
        if let Some(cs) = space {
            dict.set("ColorSpace", Object::Name(cs.as_bytes().to_vec()));
        }
        let file = one_page(image(w, h, dict, data.to_vec()), w, h);
        let (got, _) = decoded(&file, &limits()).unwrap();
        assert_eq!(got[0].colour, colour);
        assert!(&got[0].pixels == want, "{space:?}");
        let (pages, _) = pages_of(&file, &Profile::default()).unwrap();
        assert_eq!(pages[0].encoding, Encoding::Flate);
    }
    // A colour space with another number of components than the codestream: an error.
    let dict = dictionary! { "Filter" => "JPXDecode", "ColorSpace" => "DeviceRGB" };
    let gray = include_bytes!("../../tests/data/jpx/gray.j2k").to_vec();
    let e = decoded(&one_page(image(w, h, dict, gray), w, h), &limits()).unwrap_err();
    assert_eq!(e.code, "pdf.corrupt", "{}", e.en);
}

/// An embedded JBIG2 stream (T.88 annex D.3) holding `px` (0 = black) as one immediate
/// lossless generic region coded MMR, that is CCITT G4: page information, region, end of page.
fn jbig2_embedded(px: &[u8], w: u32, h: u32) -> Vec<u8> {
    let segment = |number: u32, kind: u8, data: &[u8]| {
        let mut s = number.to_be_bytes().to_vec();
        // Flags (type, 1-byte page association), no referred segments, page 1, length.
        s.extend_from_slice(&[kind, 0, 1]);
        s.extend_from_slice(&(data.len() as u32).to_be_bytes());
        s.extend_from_slice(data);
        s
    };
    let mut page = Vec::new();
    for v in [w, h, 0, 0] {
        page.extend_from_slice(&v.to_be_bytes());
    }
    page.extend_from_slice(&[0, 0, 0]);
    let mut region = Vec::new();
    for v in [w, h, 0, 0] {
        region.extend_from_slice(&v.to_be_bytes());
    }
    // External combination OR; generic region flags: MMR.
    region.extend_from_slice(&[0, 1]);
    region.extend_from_slice(&g4_encode(px, w, h));
    let mut out = segment(0, 48, &page);
    out.extend(segment(1, 39, &region));
    out.extend(segment(2, 49, &[]));
    out
}

#[test]
fn a_jbig2_page_is_read_pixel_exact_and_stored_as_g4() {
    let (w, h) = (412u32, 300u32);
    let px = document_pixels(w, h);
    let img = image(
        w,
        h,
        dictionary! { "ColorSpace" => "DeviceGray", "BitsPerComponent" => 1, "Filter" => "JBIG2Decode" },
        jbig2_embedded(&px, w, h),
    );
    let file = one_page(img, w, h);
    let (got, _) = decoded(&file, &limits()).unwrap();
    assert_eq!(got.len(), 1);
    assert!(got[0].bilevel && got[0].colour == Colour::Gray);
    assert!(
        got[0].pixels == px,
        "JBIG2 black pixels are black, white white"
    );
    let (pages, _) = pages_of(&file, &Profile::default()).unwrap();
    assert_eq!(pages[0].encoding, Encoding::CcittG4);
    // The same page as a stencil mask painted black reads the same.
    let mask = image(
        w,
        h,
        dictionary! { "ImageMask" => true, "Filter" => "JBIG2Decode" },
        jbig2_embedded(&px, w, h),
    );
    let (got, _) = decoded(&one_page(mask, w, h), &limits()).unwrap();
    assert!(got[0].pixels == px);
    // A JBIG2 page narrower than the image declares is an error, not a shifted page.
    let short = image(
        w + 8,
        h,
        dictionary! { "ColorSpace" => "DeviceGray", "BitsPerComponent" => 1, "Filter" => "JBIG2Decode" },
        jbig2_embedded(&px, w, h),
    );
    let e = decoded(&one_page(short, w + 8, h), &limits()).unwrap_err();
    assert_eq!(e.code, "pdf.corrupt", "{}", e.en);
}

/// Writes the PDFs of these tests and the pixels sohoa reads from them (PGM/PPM) into
/// `$SOHOA_PDF_SAMPLES`, to compare with `pdfimages -png` by hand:
/// `SOHOA_PDF_SAMPLES=/tmp/s cargo test -p sohoa-imaging write_samples -- --ignored`.
#[test]
#[ignore]
fn write_samples_for_pdfimages() {
    let Ok(dir) = std::env::var("SOHOA_PDF_SAMPLES") else {
        return;
    };
    let dir = std::path::Path::new(&dir);
    std::fs::create_dir_all(dir).unwrap();
    let (w, h) = (37u32, 23u32);
    let rgb: Vec<u8> = pattern(w, h, 3, 256).into_iter().map(|v| v as u8).collect();
    let idx = pattern(w, h, 1, 4);
    let palette = vec![255u8, 0, 0, 0, 128, 0, 10, 20, 30, 255, 255, 255];
    let bits = pattern(w, h, 1, 2);
    let v16: Vec<u32> = (0..w * h).map(|i| (i * 1013) % 65536).collect();
    let v4 = pattern(w, h, 1, 16);
    let samples: Vec<(&str, Stream)> = vec![
        (
            "rgb",
            flate_image(
                w,
                h,
                dictionary! { "ColorSpace" => "DeviceRGB", "BitsPerComponent" => 8 },
                &rgb,
            ),
        ),
        (
            "indexed",
            flate_image(
                w,
                h,
                dictionary! {
                "ColorSpace" => vec!["Indexed".into(), "DeviceRGB".into(), 3.into(), Object::string_literal(palette)],
                "BitsPerComponent" => 2 },
                &pack(&idx, w as usize, 2),
            ),
        ),
        (
            "decode10",
            flate_image(
                w,
                h,
                dictionary! { "ColorSpace" => "DeviceGray", "BitsPerComponent" => 1, "Decode" => vec![1.into(), 0.into()] },
                &pack(&bits, w as usize, 1),
            ),
        ),
        (
            "gray16",
            flate_image(
                w,
                h,
                dictionary! { "ColorSpace" => "DeviceGray", "BitsPerComponent" => 16 },
                &v16.iter()
                    .flat_map(|&v| (v as u16).to_be_bytes())
                    .collect::<Vec<_>>(),
            ),
        ),
        (
            "gray4",
            flate_image(
                w,
                h,
                dictionary! { "ColorSpace" => "DeviceGray", "BitsPerComponent" => 4 },
                &pack(&v4, w as usize, 4),
            ),
        ),
        (
            "jbig2",
            image(
                w,
                h,
                dictionary! { "ColorSpace" => "DeviceGray", "BitsPerComponent" => 1, "Filter" => "JBIG2Decode" },
                jbig2_embedded(&document_pixels(w, h), w, h),
            ),
        ),
    ];
    for (name, img) in samples {
        let file = one_page(img, w, h);
        std::fs::write(dir.join(format!("{name}.pdf")), &file).unwrap();
        let got = only_page(&file);
        let (magic, n) = if got.colour == Colour::Rgb {
            ("P6", 3)
        } else {
            ("P5", 1)
        };
        let mut out = format!("{magic}\n{w} {h}\n255\n").into_bytes();
        assert_eq!(got.pixels.len(), (w * h) as usize * n);
        out.extend_from_slice(&got.pixels);
        std::fs::write(
            dir.join(format!(
                "{name}.sohoa.{}",
                if n == 3 { "ppm" } else { "pgm" }
            )),
            out,
        )
        .unwrap();
    }
}

#[test]
fn a_cmyk_jpeg_is_read_through_its_decode_array() {
    // jpeg-encoder stores CMYK inverted with an Adobe marker, as Photoshop does; a PDF shows
    // such an image correctly with /Decode [1 0 1 0 1 0 1 0].
    let (w, h) = (16u32, 16u32);
    let ink: Vec<u8> = (0..w * h)
        .flat_map(|i| [200, 30, (i % 16 * 16) as u8, 10])
        .collect();
    let jpeg = {
        let mut out = Vec::new();
        jpeg_encoder::Encoder::new(&mut out, 100)
            .encode(&ink, w as u16, h as u16, jpeg_encoder::ColorType::Cmyk)
            .unwrap();
        out
    };
    let near = |got: &[u8], want: &[u8]| got.iter().zip(want).all(|(a, b)| a.abs_diff(*b) <= 8);
    let mut dict = dictionary! { "ColorSpace" => "DeviceCMYK", "BitsPerComponent" => 8, "Filter" => "DCTDecode" };
    dict.set(
        "Decode",
        (0..8)
            .map(|i| Object::Integer(1 - i % 2))
            .collect::<Vec<_>>(),
    );
    let got = only_page(&one_page(image(w, h, dict, jpeg.clone()), w, h));
    let want: Vec<u8> = ink
        .chunks_exact(4)
        .flat_map(crate::encode::cmyk_to_rgb)
        .collect();
    assert_eq!(got.colour, Colour::Rgb);
    assert!(
        near(&got.pixels, &want),
        "{:?} vs {:?}",
        &got.pixels[..6],
        &want[..6]
    );
    assert_eq!(got.conversions, ["cmyk-to-rgb"]);
    // Without the /Decode array the stored values are the ink, as a viewer shows them.
    let dict = dictionary! { "ColorSpace" => "DeviceCMYK", "BitsPerComponent" => 8, "Filter" => "DCTDecode" };
    let got = only_page(&one_page(image(w, h, dict, jpeg), w, h));
    let raw: Vec<u8> = ink.iter().map(|v| 255 - v).collect();
    let want: Vec<u8> = raw
        .chunks_exact(4)
        .flat_map(crate::encode::cmyk_to_rgb)
        .collect();
    assert!(
        near(&got.pixels, &want),
        "{:?} vs {:?}",
        &got.pixels[..6],
        &want[..6]
    );
}
