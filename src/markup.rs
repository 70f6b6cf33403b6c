//! Markup written as text, for the parts of the page that only show things.
//!
//! Every element written with `html!` is code in the page's WebAssembly (building the virtual
//! node, its attributes, its children), a few hundred bytes each; the same element written
//! here is a call or two with constant strings. Yew hands the text to the browser as raw
//! markup (`Html::from_html_unchecked`) and replaces it only when the text changes, so this
//! suits read-only parts: focusable controls and inputs keep being `html!` elements, or sit in
//! the markup with one delegated listener on a container that reads their `data-*` attributes.
//! The state graph and state panel (`crate::graph::svg`, `crate::graph::tables`) are written
//! the same way.
//!
//! Every text and attribute value is escaped as it is added; tag and attribute names are
//! constants of ours.

use yew::{AttrValue, Html};

/// Markup being written.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Markup(String);

impl Markup {
    pub fn new() -> Markup {
        Markup::default()
    }

    /// Opens `<tag name="value"…>` (also for void elements such as `<wbr>`).
    pub fn open(&mut self, tag: &str, attributes: &[(&str, &str)]) -> &mut Markup {
        self.0.push('<');
        self.0.push_str(tag);
        for (name, value) in attributes {
            self.0.push(' ');
            self.0.push_str(name);
            self.0.push_str("=\"");
            escape_into(&mut self.0, value);
            self.0.push('"');
        }
        self.0.push('>');
        self
    }

    pub fn close(&mut self, tag: &str) -> &mut Markup {
        self.0.push_str("</");
        self.0.push_str(tag);
        self.0.push('>');
        self
    }

    /// Text content.
    pub fn text(&mut self, text: &str) -> &mut Markup {
        escape_into(&mut self.0, text);
        self
    }

    /// Markup of ours written out as is (a constant: nothing from the user or the documents).
    pub fn raw(&mut self, markup: &'static str) -> &mut Markup {
        self.0.push_str(markup);
        self
    }

    /// Markup written earlier with a `Markup` of its own (so already escaped).
    pub fn append(&mut self, markup: &Markup) -> &mut Markup {
        self.0.push_str(&markup.0);
        self
    }

    /// `<tag …>text</tag>`.
    pub fn element(&mut self, tag: &str, attributes: &[(&str, &str)], text: &str) -> &mut Markup {
        self.open(tag, attributes).text(text).close(tag)
    }

    pub fn into_string(self) -> String {
        self.0
    }

    /// The markup as Yew raw HTML.
    pub fn html(self) -> Html {
        Html::from_html_unchecked(AttrValue::from(self.0))
    }
}

/// Appends `text` made safe for element content and attribute values.
pub fn escape_into(out: &mut String, text: &str) {
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_and_attribute_values_are_escaped() {
        let mut markup = Markup::new();
        markup
            .open("p", &[("class", "a"), ("title", "x\"><script>")])
            .text("1 < 2 & 'b'")
            .open("wbr", &[])
            .close("p")
            .element("code", &[], "<&>")
            .raw("<br>");
        assert_eq!(
            markup.into_string(),
            "<p class=\"a\" title=\"x&quot;&gt;&lt;script&gt;\">1 &lt; 2 &amp; &#39;b&#39;<wbr></p><code>&lt;&amp;&gt;</code><br>"
        );
    }
}
