//! The word boxes of a page as a complete hOCR 1.2 document (Tesseract's own `ocr_page`
//! element inside the header Tesseract's hOCR renderer writes), stored in the bag.

/// Wraps Tesseract's `ocr_page` element into a standalone XHTML hOCR file.
pub fn hocr_document(page_element: &str, title: &str, engine: &str, languages: &str) -> String {
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
            .replace('\'', "&#39;")
    };
    let body = page_element.trim_end();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="vi" lang="vi">
 <head>
  <title>{}</title>
  <meta http-equiv="Content-Type" content="text/html;charset=utf-8"/>
  <meta name="ocr-system" content="{}"/>
  <meta name="ocr-langs" content="{}"/>
  <meta name="ocr-number-of-pages" content="1"/>
  <meta name="ocr-capabilities" content="ocr_page ocr_carea ocr_par ocr_line ocrx_word ocrp_wconf"/>
 </head>
 <body>
{body}
 </body>
</html>
"#,
        esc(title),
        esc(engine),
        esc(&languages.replace('+', " "))
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn wraps_the_page_element_and_escapes_the_title() {
        let doc = super::hocr_document(
            "  <div class='ocr_page' id='page_1'></div>\n",
            "Hồ sơ <1>",
            "Tesseract 5.3.0",
            "vie+eng",
        );
        assert!(doc.starts_with("<?xml"));
        assert!(doc.contains("<title>Hồ sơ &lt;1&gt;</title>"));
        assert!(doc.contains("content=\"vie eng\""));
        assert!(doc.contains("<div class='ocr_page' id='page_1'></div>\n </body>"));
    }
}
