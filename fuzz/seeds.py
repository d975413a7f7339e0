#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (fuzz/corpus/<target>/): small valid inputs of every
kind each reader takes, for libFuzzer to mutate. Committed; rerun after adding a kind of input.
usage: python3 fuzz/seeds.py   (needs Pillow)"""
import io
import os
import shutil
import zipfile

from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def out(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def image(mode, size, fmt, **kw):
    img = Image.new(mode, size)
    w, h = size
    for y in range(h):
        for x in range(w):
            v = (x * 13 + y * 7) % 256
            if mode == "1":
                img.putpixel((x, y), 255 if (x // 3 + y // 3) % 2 else 0)
            elif mode in ("L", "P"):
                img.putpixel((x, y), v if mode == "L" else v % 16)
            elif mode == "I;16":
                img.putpixel((x, y), v * 256)
            elif mode == "RGBA":
                img.putpixel((x, y), (v, 255 - v, 90, 200))
            elif mode == "CMYK":
                img.putpixel((x, y), (v, 40, 255 - v, 10))
            else:
                img.putpixel((x, y), (v, 255 - v, 90))
    if mode == "P":
        img.putpalette([c for i in range(16) for c in (i * 16, 255 - i * 16, 128)])
    buf = io.BytesIO()
    img.save(buf, fmt, **kw)
    return buf.getvalue()


def pages():
    out("page", "gray.jpg", image("L", (32, 24), "JPEG", dpi=(200, 200)))
    out("page", "rgb420.jpg", image("RGB", (40, 30), "JPEG", subsampling=2))
    out("page", "rgb444-progressive.jpg", image("RGB", (33, 17), "JPEG", subsampling=0, progressive=True))
    out("page", "cmyk.jpg", image("CMYK", (16, 16), "JPEG"))
    out("page", "gray.png", image("L", (30, 20), "PNG", dpi=(300, 300)))
    out("page", "palette.png", image("P", (30, 20), "PNG"))
    out("page", "rgba.png", image("RGBA", (20, 20), "PNG"))
    out("page", "gray16.png", image("I;16", (12, 12), "PNG"))
    out("page", "bilevel.png", image("1", (40, 40), "PNG"))
    out("page", "g4.tif", image("1", (64, 48), "TIFF", compression="group4", dpi=(300, 300)))
    out("page", "lzw-rgb.tif", image("RGB", (24, 24), "TIFF", compression="tiff_lzw"))
    out("page", "packbits-gray.tif", image("L", (24, 24), "TIFF", compression="packbits"))
    out("page", "palette.tif", image("P", (24, 24), "TIFF"))
    out("page", "deflate.tif", image("RGB", (16, 16), "TIFF", compression="tiff_adobe_deflate"))
    buf = io.BytesIO()
    first = Image.new("1", (32, 32), 1)
    first.save(buf, "TIFF", compression="group4", save_all=True,
               append_images=[Image.new("1", (32, 32), 0)])
    out("page", "two-pages-g4.tif", buf.getvalue())
    # Scanned PDFs as Pillow writes them: JPEG (DCTDecode), G4 (CCITTFaxDecode), a palette
    # (ASCIIHexDecode, Indexed), CMYK JPEG with /Decode; two pages; and a born-digital page.
    out("page", "gray-jpeg.pdf", image("L", (32, 24), "PDF", resolution=150))
    out("page", "rgb-jpeg.pdf", image("RGB", (40, 30), "PDF", resolution=300))
    out("page", "bilevel-g4.pdf", image("1", (40, 40), "PDF", resolution=200))
    out("page", "palette.pdf", image("P", (30, 20), "PDF", resolution=100))
    out("page", "cmyk-jpeg.pdf", image("CMYK", (16, 16), "PDF"))
    buf = io.BytesIO()
    Image.new("L", (32, 32), 200).save(buf, "PDF", save_all=True, append_images=[Image.new("1", (32, 32), 0)])
    out("page", "two-pages.pdf", buf.getvalue())
    out("page", "born-digital.pdf", text_pdf())
    # JPEG 2000 (a raw codestream, lossless) and JBIG2 (one MMR generic region) images.
    buf = io.BytesIO()
    image_obj = Image.new("L", (24, 16))
    image_obj.putdata([(x * 13 + y * 7) % 256 for y in range(16) for x in range(24)])
    image_obj.save(buf, "JPEG2000", no_jp2=True, irreversible=False)
    out("page", "jpx.pdf", image_pdf(24, 16, b"/Filter /JPXDecode /ColorSpace /DeviceGray", buf.getvalue()))
    out("page", "jbig2.pdf", image_pdf(32, 32, b"/Filter /JBIG2Decode /ColorSpace /DeviceGray /BitsPerComponent 1",
                                       jbig2_embedded(32, 32)))


def g4_strip(img):
    """The CCITT G4 data of a 1-bit image, as Pillow writes it into a one-strip TIFF."""
    buf = io.BytesIO()
    img.save(buf, "TIFF", compression="group4")
    tif = Image.open(io.BytesIO(buf.getvalue()))
    offsets, counts = tif.tag_v2[273], tif.tag_v2[279]
    raw = buf.getvalue()
    return b"".join(raw[o:o + c] for o, c in zip(offsets, counts))


def jbig2_embedded(w, h):
    """An embedded JBIG2 stream (T.88 annex D.3): page information, an immediate lossless
    generic region coded MMR (= CCITT G4, black = 1), end of page."""
    img = Image.new("1", (w, h), 1)
    for y in range(h):
        for x in range(w):
            if (x // 4 + y // 4) % 2:
                img.putpixel((x, y), 0)

    def segment(number, kind, data):
        return number.to_bytes(4, "big") + bytes([kind, 0, 1]) + len(data).to_bytes(4, "big") + data

    dims = b"".join(v.to_bytes(4, "big") for v in (w, h, 0, 0))
    return segment(0, 48, dims + b"\0\0\0") + segment(1, 39, dims + b"\0\1" + g4_strip(img)) + segment(2, 49, b"")


def image_pdf(w, h, entries, data):
    """A one-page PDF drawing one image XObject over the page, written by hand."""
    content = b"q %d 0 0 %d 0 0 cm /Im0 Do Q" % (w, h)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents 4 0 R"
        b" /Resources << /XObject << /Im0 5 0 R >> >> >>" % (w, h),
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d %s /Length %d >>\nstream\n%s\nendstream"
        % (w, h, entries, len(data), data),
    ]
    return objects_pdf(objects)


def objects_pdf(objects):
    """A PDF of these objects (1 is the catalog), classic cross-reference table."""
    body = b"%PDF-1.4\n"
    offsets = []
    for i, o in enumerate(objects, 1):
        offsets.append(len(body))
        body += b"%d 0 obj\n%s\nendobj\n" % (i, o)
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return body


def text_pdf():
    """A one-page PDF of text, written by hand (classic cross-reference table)."""
    content = b"BT /F1 24 Tf 72 720 Td (Bien ban) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return objects_pdf(objects)


XLSX_PARTS = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Tháng 7" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    "xl/sharedStrings.xml": '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="6" uniqueCount="6"><si><t>Mã hồ sơ</t></si><si><t>Họ và tên</t></si><si><t>Ngày tiếp nhận</t></si><si><t>000.00.15.H12-250701-0001</t></si><si><t>Nguyễn Văn An</t></si><si><t>Số CCCD</t></si></sst>',
    "xl/worksheets/sheet1.xml": '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>5</v></c></row><row r="2"><c r="A2" t="s"><v>3</v></c><c r="B2" t="s"><v>4</v></c><c r="C2"><v>45839</v></c><c r="D2"><v>40093878972</v></c></row></sheetData></worksheet>',
}


def registers():
    for name in ("so-dang-ky-tcvn3.csv", "so-dang-ky-windows-1258.csv", "so-dang-ky-unicode.txt"):
        shutil.copy(os.path.join(ROOT, "samples", "registers", name),
                    os.path.join(HERE, "corpus", "register_csv", name))
    out("register_csv", "utf16.csv", "\ufeffMã hồ sơ\tThư mục\nA-1\ta\n".encode("utf-16-le"))
    out("register_csv", "titles.csv", "UBND XÃ TÂN HÒA\n\nMã hồ sơ;Ngày tiếp nhận;Số CCCD\n\"A;1\";5/7/25;040093878972\n".encode())
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in XLSX_PARTS.items():
            z.writestr(name, body)
    out("register_workbook", "small.xlsx", buf.getvalue())


def tags():
    shutil.copy(os.path.join(ROOT, "samples", "batch", "000.00.15.H12-250701-0001", "hoso.json"),
                os.path.join(HERE, "corpus", "sidecar", "hoso.json"))
    out("sidecar", "components.json", '{"Tiêu đề": "Hồ sơ", "components": [{"folder": "01", "label": "Tờ khai"}]}'.encode())
    sha = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    out("bag_tags", "manifest.txt", f"{sha}  data/a.pdf\n{sha}  data/originals/a%25b.jpg\n{sha}  data/x%0D%0Ay\n".encode())
    out("bag_tags", "bag-info.txt", b"Source-Organization: UBND\nExternal-Description: one\n  two\nPayload-Oxum: 123.4\n")
    out("identity_numbers", "forms.txt", "CCCD 040093878972, 040 093 878 972; 0400.9387.8972 CMND 123456789 tiền 123.456.789 đồng 000.00.15.H12-250701-0001".encode())


def main():
    for t in ("page", "register_csv", "register_workbook", "sidecar", "bag_tags", "identity_numbers"):
        os.makedirs(os.path.join(HERE, "corpus", t), exist_ok=True)
    pages()
    registers()
    tags()


if __name__ == "__main__":
    main()
