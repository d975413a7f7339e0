//! Scanned PDFs in a case folder: their scanned pages become pages of the bundle (JPEG and
//! CCITT G4 byte for byte, in order, named by source page), a born-digital page is warned and
//! kept in the original (always in the bag), a PDF with no scanned page is an attachment, an
//! encrypted PDF fails only its case. The bundle still passes the PDF/A checks.

mod common;
use common::*;
use lopdf::{dictionary, Dictionary, Document, Object, Stream};
use std::path::Path;

/// A page of a test PDF: its size in points, content, images.
struct Page {
    size: (f64, f64),
    content: String,
    images: Vec<Stream>,
}

fn scan_page(size: (f64, f64), image: Stream) -> Page {
    Page {
        size,
        content: format!("q {} 0 0 {} 0 0 cm /Im0 Do Q", size.0, size.1),
        images: vec![image],
    }
}

fn text_page() -> Page {
    Page {
        size: (595.0, 842.0),
        content: "BT /F1 24 Tf 72 720 Td (Bien ban giao nhan) Tj ET".into(),
        images: vec![],
    }
}

fn document(pages: Vec<Page>) -> Document {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let mut kids: Vec<Object> = Vec::new();
    let count = pages.len() as i64;
    for p in pages {
        let mut xo = Dictionary::new();
        for (i, s) in p.images.into_iter().enumerate() {
            let id = doc.add_object(s);
            xo.set(format!("Im{i}"), id);
        }
        let content = doc.add_object(Stream::new(dictionary! {}, p.content.into_bytes()));
        let page = dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), Object::Real(p.size.0 as f32), Object::Real(p.size.1 as f32)],
            "Contents" => content,
            "Resources" => dictionary! { "XObject" => xo },
        };
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

fn save(mut doc: Document) -> Vec<u8> {
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

fn image(w: u32, h: u32, entries: Dictionary, data: Vec<u8>) -> Stream {
    let mut dict = dictionary! {
        "Type" => "XObject", "Subtype" => "Image", "Width" => w as i64, "Height" => h as i64,
    };
    for (k, v) in entries.iter() {
        dict.set(k.clone(), v.clone());
    }
    Stream::new(dict, data)
}

/// A page that looks scanned: white paper, lines of dark "words".
fn document_pixels(w: u32, h: u32) -> Vec<u8> {
    (0..h)
        .flat_map(|y| {
            (0..w).map(move |x| {
                let line = y > h / 8 && y < h * 7 / 8 && (y / 12) % 3 == 0;
                let word = x > w / 8 && x < w * 7 / 8 && (x / 30) % 4 != 3;
                if line && word {
                    20
                } else {
                    250
                }
            })
        })
        .collect()
}

/// Letter size at 150 dpi.
const LETTER: (f64, f64) = (612.0, 792.0);
const W: u32 = 1275;
const H: u32 = 1650;

/// A scanned PDF as an office scanner writes it: page 1 a gray JPEG, page 2 CCITT G4 (with
/// padding after its end, as some scanners leave), page 3 a born-digital page of text.
fn scanned_pdf() -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let gray = document_pixels(W, H);
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 80)
        .encode(&gray, W, H, image::ExtendedColorType::L8)
        .unwrap();
    let bilevel: Vec<u8> = gray
        .iter()
        .map(|&v| if v < 128 { 0 } else { 255 })
        .collect();
    let mut g4 = sohoa_imaging::g4_encode(&bilevel, W, H);
    g4.extend_from_slice(&[0, 0]);
    let pdf = save(document(vec![
        scan_page(
            LETTER,
            image(
                W,
                H,
                dictionary! { "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8, "Filter" => "DCTDecode" },
                jpeg.clone(),
            ),
        ),
        scan_page(
            LETTER,
            image(
                W,
                H,
                dictionary! {
                    "ColorSpace" => "DeviceGray", "BitsPerComponent" => 1, "Filter" => "CCITTFaxDecode",
                    "DecodeParms" => dictionary! { "K" => -1, "Columns" => W as i64, "Rows" => H as i64 },
                },
                g4.clone(),
            ),
        ),
        text_page(),
    ]));
    (pdf, jpeg, g4)
}

fn encrypted_pdf() -> Vec<u8> {
    let mut doc = document(vec![scan_page(
        (20.0, 20.0),
        image(
            8,
            8,
            dictionary! { "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8 },
            vec![200; 64],
        ),
    )]);
    let id = Object::string_literal(b"0123456789abcdef".to_vec());
    doc.trailer.set("ID", vec![id.clone(), id]);
    let state = lopdf::EncryptionState::try_from(lopdf::EncryptionVersion::V2 {
        document: &doc,
        owner_password: "owner",
        user_password: "",
        key_length: 128,
        permissions: lopdf::Permissions::all(),
    })
    .unwrap();
    doc.encrypt(&state).unwrap();
    save(doc)
}

/// The image stream of each page of a bundle, in order.
fn bundle_images(pdf: &Path) -> Vec<(Vec<u8>, Vec<u8>)> {
    let doc = Document::load(pdf).unwrap();
    doc.get_pages()
        .values()
        .map(|&id| {
            let page = doc.get_dictionary(id).unwrap();
            let res = page.get(b"Resources").unwrap().as_dict().unwrap();
            let xo = res.get(b"XObject").unwrap().as_dict().unwrap();
            let (_, r) = xo.iter().next().unwrap();
            let s = doc
                .get_object(r.as_reference().unwrap())
                .unwrap()
                .as_stream()
                .unwrap();
            let filter = s.dict.get(b"Filter").unwrap().as_name().unwrap().to_vec();
            (filter, s.content.clone())
        })
        .collect()
}

/// qpdf --check and pikepdf's PDF/A-2b rules, when they are installed (scripts/conformance.sh
/// installs them); a note otherwise.
fn external_pdfa_checks(pdf: &Path) {
    match std::process::Command::new("qpdf")
        .arg("--check")
        .arg(pdf)
        .output()
    {
        Ok(out) => assert!(
            out.status.success(),
            "qpdf --check: {}",
            String::from_utf8_lossy(&out.stdout)
        ),
        Err(_) => eprintln!("note: qpdf not installed, skipped"),
    }
    let script = "import sys, pikepdf.pdfa\nr = pikepdf.pdfa.validate_written(sys.argv[1], '2b')\nprint('\\n'.join(str(f) for f in getattr(r, 'findings', [])))\nsys.exit(0 if r.passed else 1)";
    let ready = std::process::Command::new("python3")
        .args(["-c", "import pikepdf.pdfa"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ready {
        eprintln!("note: pikepdf.pdfa not installed, skipped");
        return;
    }
    let out = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(pdf)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "pikepdf.pdfa 2b: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn warnings_with<'a>(r: &'a serde_json::Value, code: &str) -> Vec<&'a serde_json::Value> {
    r["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["code"] == code)
        .collect()
}

#[test]
fn a_scanned_pdf_becomes_pages_of_the_bundle_byte_for_byte_and_is_kept_whole() {
    let w = Work::empty();
    let s = w.scans();
    let (pdf, jpeg, g4) = scanned_pdf();
    std::fs::create_dir_all(s.join("HS pdf")).unwrap();
    std::fs::write(s.join("HS pdf/scan.pdf"), &pdf).unwrap();
    std::fs::write(s.join("HS pdf/note.txt"), "Ghi chú\n").unwrap();
    // Only a born-digital PDF besides a photo: the PDF is an attachment.
    std::fs::create_dir_all(s.join("HS digital")).unwrap();
    std::fs::write(s.join("HS digital/1.jpg"), jpeg_bytes()).unwrap();
    std::fs::write(
        s.join("HS digital/don.pdf"),
        save(document(vec![text_page(), text_page()])),
    )
    .unwrap();
    // Encrypted: this case fails, the others do not.
    std::fs::create_dir_all(s.join("HS locked")).unwrap();
    std::fs::write(s.join("HS locked/1.jpg"), jpeg_bytes()).unwrap();
    std::fs::write(s.join("HS locked/scan.pdf"), encrypted_pdf()).unwrap();

    let (code, report) = w.ingest(&[]);
    assert_eq!(code, 1, "partial: {report:#}");

    let r = case_result(&report, "HS pdf");
    assert_eq!(r["status"], "ingested", "{r:#}");
    assert_eq!(
        r["pages"], 2,
        "the born-digital page is not a page of the bundle"
    );
    let not_scanned = warnings_with(r, "pdf.page_not_scanned");
    assert_eq!(not_scanned.len(), 1, "{r:#}");
    assert_eq!(not_scanned[0]["file"], "HS pdf/scan.pdf");
    assert_eq!(not_scanned[0]["page"], 3);
    assert_eq!(
        warnings_with(r, "scan.other_file_kept").len(),
        1,
        "the note"
    );

    let id = r["case_id"].as_str().unwrap();
    let bag = w.bag(id);
    let bundle = bag.join(format!("data/{id}.pdf"));
    let images = bundle_images(&bundle);
    assert_eq!(images.len(), 2);
    assert_eq!(images[0].0, b"DCTDecode");
    assert!(
        images[0].1 == jpeg,
        "page 1: the scanner's JPEG, byte for byte"
    );
    assert_eq!(images[1].0, b"CCITTFaxDecode");
    assert!(images[1].1 == g4, "page 2: the scanner's G4, byte for byte");
    assert_eq!(
        std::fs::read(bag.join("data/originals/scan.pdf")).unwrap(),
        pdf,
        "the PDF is kept whole, its born-digital page with it"
    );
    assert!(bag.join("data/originals/note.txt").is_file());

    let meta = w.metadata(id);
    let src = &meta["sources"][0];
    assert_eq!(src["path"], "scan.pdf");
    assert_eq!(src["pages"], 2);
    assert_eq!(src["kept_as"], "data/originals/scan.pdf");
    assert!(src.get("attachment").is_none());
    let pages = meta["pages"].as_array().unwrap();
    let seen: Vec<(&str, u64, &str, f64)> = pages
        .iter()
        .map(|p| {
            (
                p["source"].as_str().unwrap(),
                p["frame"].as_u64().unwrap(),
                p["encoding"].as_str().unwrap(),
                p["dpi_x"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("scan.pdf", 0, "dct", 150.0),
            ("scan.pdf", 1, "ccitt-g4", 150.0)
        ]
    );
    let events = std::fs::read_to_string(bag.join("data/events.json")).unwrap();
    assert!(events.contains("PDF page(s) 3 not scans"), "{events}");
    external_pdfa_checks(&bundle);

    let d = case_result(&report, "HS digital");
    assert_eq!(d["status"], "ingested", "{d:#}");
    assert_eq!(d["pages"], 1);
    let warned = warnings_with(d, "pdf.page_not_scanned");
    assert_eq!(warned.len(), 1);
    assert!(warned[0].get("page").is_none(), "one warning for the file");
    let did = d["case_id"].as_str().unwrap();
    let meta = w.metadata(did);
    let don = meta["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["path"] == "don.pdf")
        .unwrap();
    assert_eq!(
        (&don["attachment"], &don["pages"]),
        (&true.into(), &0.into())
    );
    assert!(w.bag(did).join("data/originals/don.pdf").is_file());

    let l = case_result(&report, "HS locked");
    assert_eq!(l["status"], "failed");
    let e = &l["errors"][0];
    assert_eq!(
        (&e["code"], &e["file"]),
        (&"pdf.encrypted".into(), &"HS locked/scan.pdf".into())
    );
    assert!(!w.bag("HS locked").exists());

    let (vcode, v) = w.verify();
    assert_eq!(vcode, 0, "{v:#}");
    let (code, again) = w.ingest(&[]);
    assert_eq!(code, 1);
    assert_eq!(case_result(&again, "HS pdf")["status"], "skipped");
}

#[test]
fn a_case_whose_pdfs_hold_no_scanned_page_is_not_stored() {
    let w = Work::empty();
    let s = w.scans();
    std::fs::create_dir_all(s.join("HS text")).unwrap();
    std::fs::write(s.join("HS text/don.pdf"), save(document(vec![text_page()]))).unwrap();
    let (code, report) = w.ingest(&[]);
    assert_eq!(code, 1, "{report:#}");
    let r = case_result(&report, "HS text");
    assert_eq!(r["status"], "failed");
    assert!(
        r["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["code"] == "scan.no_pages"),
        "{r:#}"
    );
}

#[test]
fn inspect_reads_a_scanned_pdf_and_names_its_born_digital_page() {
    let w = Work::empty();
    let (pdf, _, _) = scanned_pdf();
    let file = w.scans().join("scan.pdf");
    std::fs::write(&file, pdf).unwrap();
    let out = w.sohoa(&["inspect", file.to_str().unwrap(), "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = &json["files"][0];
    let pages: Vec<(u64, &str)> = f["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["page"].as_u64().unwrap(), p["encoding"].as_str().unwrap()))
        .collect();
    assert_eq!(pages, [(1, "dct"), (2, "ccitt-g4")]);
    assert_eq!(f["warnings"][0]["code"], "pdf.page_not_scanned");
    assert_eq!(f["warnings"][0]["page"], 3);
}
