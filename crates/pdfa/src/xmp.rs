//! The XMP metadata packet of a bundle: PDF/A identification plus the case's identifier,
//! title, description and dates in standard Dublin Core and XMP properties only (no
//! extension schema), identical to the Info dictionary where they overlap.

use super::{iso_date, producer, BundleInfo};

/// Escapes XML text and drops characters XML 1.0 forbids.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

pub(super) fn packet(info: &BundleInfo) -> String {
    let created = iso_date(info.created);
    let mut dc = String::new();
    dc.push_str("<dc:format>application/pdf</dc:format>\n");
    dc.push_str(&format!(
        "<dc:identifier>{}</dc:identifier>\n",
        esc(&info.identifier)
    ));
    dc.push_str(&format!(
        "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">{}</rdf:li></rdf:Alt></dc:title>\n",
        esc(&info.title)
    ));
    if !info.description.is_empty() {
        dc.push_str(&format!(
            "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">{}</rdf:li></rdf:Alt></dc:description>\n",
            esc(&info.description)
        ));
    }
    if !info.dates.is_empty() {
        let items: String = info
            .dates
            .iter()
            .map(|d| format!("<rdf:li>{}</rdf:li>", esc(d)))
            .collect();
        dc.push_str(&format!("<dc:date><rdf:Seq>{items}</rdf:Seq></dc:date>\n"));
    }
    if let Some(p) = &info.publisher {
        dc.push_str(&format!(
            "<dc:publisher><rdf:Bag><rdf:li>{}</rdf:li></rdf:Bag></dc:publisher>\n",
            esc(p)
        ));
    }
    dc.push_str("<dc:language><rdf:Bag><rdf:li>vi</rdf:li></rdf:Bag></dc:language>\n");
    let ids: String = std::iter::once(&info.identifier)
        .chain(info.other_identifiers.iter())
        .map(|i| format!("<rdf:li>{}</rdf:li>", esc(i)))
        .collect();
    let producer = esc(&producer());
    format!(
        "<?xpacket begin=\"\u{FEFF}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n\
<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n\
<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n\
<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\" xmlns:xmpMM=\"http://ns.adobe.com/xap/1.0/mm/\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n\
{dc}\
<xmp:Identifier><rdf:Bag>{ids}</rdf:Bag></xmp:Identifier>\n\
<xmp:CreateDate>{created}</xmp:CreateDate>\n\
<xmp:ModifyDate>{created}</xmp:ModifyDate>\n\
<xmp:MetadataDate>{created}</xmp:MetadataDate>\n\
<xmp:CreatorTool>{producer}</xmp:CreatorTool>\n\
<pdf:Producer>{producer}</pdf:Producer>\n\
<xmpMM:DocumentID>uuid:{doc}</xmpMM:DocumentID>\n\
<xmpMM:InstanceID>uuid:{doc}</xmpMM:InstanceID>\n\
<pdfaid:part>2</pdfaid:part>\n\
<pdfaid:conformance>B</pdfaid:conformance>\n\
</rdf:Description>\n\
</rdf:RDF>\n\
</x:xmpmeta>\n\
<?xpacket end=\"w\"?>",
        doc = esc(&info.document_id)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(esc("a<b>&\"c'\u{1}"), "a&lt;b&gt;&amp;&quot;c&apos;");
    }
}
