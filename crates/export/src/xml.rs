//! A small element tree for the package's XML files (METS, PREMIS, TT 05 descriptive files),
//! serialized with quick-xml: names and attributes as the standards spell them, text and
//! attribute values escaped by the writer, indented for people who open the files.

use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;

/// An element: name (with its prefix), attributes in order, children.
#[derive(Debug, Clone, Default)]
pub(crate) struct El {
    name: String,
    attrs: Vec<(String, String)>,
    kids: Vec<Node>,
}

#[derive(Debug, Clone)]
enum Node {
    El(El),
    Text(String),
}

impl El {
    pub fn new(name: impl Into<String>) -> El {
        El {
            name: name.into(),
            ..Default::default()
        }
    }

    /// Adds an attribute.
    pub fn attr(mut self, name: impl Into<String>, value: impl Into<String>) -> El {
        self.attrs.push((name.into(), value.into()));
        self
    }

    /// Adds an attribute when there is a value.
    pub fn attr_opt(self, name: &str, value: Option<impl Into<String>>) -> El {
        match value {
            Some(v) => self.attr(name, v),
            None => self,
        }
    }

    /// Adds a child element.
    pub fn child(mut self, el: El) -> El {
        self.kids.push(Node::El(el));
        self
    }

    /// Adds child elements.
    pub fn children(mut self, els: impl IntoIterator<Item = El>) -> El {
        self.kids.extend(els.into_iter().map(Node::El));
        self
    }

    /// Adds text content.
    pub fn text(mut self, text: impl Into<String>) -> El {
        self.kids.push(Node::Text(text.into()));
        self
    }

    /// `<name>text</name>`.
    pub fn leaf(name: impl Into<String>, text: impl Into<String>) -> El {
        El::new(name).text(text)
    }

    /// The document: XML declaration (UTF-8) and this element as its root.
    pub fn to_document(&self) -> Vec<u8> {
        let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
        // Writing into a Vec cannot fail.
        let _ = w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
        self.write(&mut w);
        let mut out = w.into_inner();
        out.push(b'\n');
        out
    }

    fn write(&self, w: &mut Writer<Vec<u8>>) {
        let mut start = BytesStart::new(self.name.as_str());
        for (k, v) in &self.attrs {
            start.push_attribute((k.as_str(), v.as_str()));
        }
        if self.kids.is_empty() {
            let _ = w.write_event(Event::Empty(start));
            return;
        }
        let _ = w.write_event(Event::Start(start));
        for kid in &self.kids {
            match kid {
                Node::El(e) => e.write(w),
                Node::Text(t) => {
                    let _ = w.write_event(Event::Text(BytesText::new(t)));
                }
            }
        }
        let _ = w.write_event(Event::End(BytesEnd::new(self.name.as_str())));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_attributes_are_escaped_and_vietnamese_kept() {
        let doc = El::new("a")
            .attr("t", "x < \"y\" & z")
            .child(El::leaf("b", "Hồ sơ <số 1> & \"đất\""))
            .child(El::new("c"))
            .to_document();
        let s = String::from_utf8(doc).unwrap();
        assert!(s.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
        assert!(s.contains("t=\"x &lt; &quot;y&quot; &amp; z\""), "{s}");
        assert!(
            s.contains("<b>Hồ sơ &lt;số 1&gt; &amp; &quot;đất&quot;</b>"),
            "{s}"
        );
        assert!(s.contains("<c/>"));
    }
}
