//! Text for XML documents we write (the still map's SVG, the server's Atom feed).

/// `text` as XML character data or attribute value: `& < > " '` escaped, and what XML 1.0
/// cannot carry or discourages left out: control characters (tab and line ends are kept)
/// and the Unicode noncharacters (U+FFFE and U+FFFF are not XML characters at all; a
/// document holding one is refused by every parser).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() || data_boundaries::text::is_noncharacter(c) => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_escaped_and_control_characters_dropped() {
        assert_eq!(escape(r#"Huế & <"Thuận Hóa">'"#), "Huế &amp; &lt;&quot;Thuận Hóa&quot;&gt;&apos;");
        assert_eq!(escape("a\u{0}b\u{1b}c\td\ne"), "abc\td\ne");
        assert_eq!(escape("a\u{FFFE}b\u{FFFF}c\u{FDD0}d\u{10FFFF}e\u{FFFD}"), "abcde\u{FFFD}");
    }
}
