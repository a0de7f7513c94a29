//! Escaping text for HTML and XML outputs: record and contract text stays inert, in element
//! content and in quoted attribute values alike. (Typst escaping is `assemble::escape`.)

/// Escapes text for HTML element content and attribute values.
///
/// Control characters pass through: they are inert in HTML, and a caller that must not show
/// them (the redline) removes them first.
pub fn html(text: &str) -> String {
    escape(text, Target::Html)
}

/// Escapes text for XML 1.0 content and attribute values; characters XML cannot carry are dropped.
pub fn xml(text: &str) -> String {
    escape(text, Target::Xml)
}

/// Where escaped text goes; the two differ only where noted in [`escape`].
#[derive(Clone, Copy, PartialEq, Eq)]
enum Target {
    Html,
    Xml,
}

fn escape(text: &str, target: Target) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // XML attribute values are always written in double quotes, so `'` stays literal there.
            '\'' if target == Target::Html => out.push_str("&#39;"),
            c if target == Target::Xml && !xml_char(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// Whether XML 1.0 can carry `c`: tab, line feed, carriage return and everything from space up,
/// except U+FFFE and U+FFFF.
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c as u32 >= 0x20 && c != '\u{fffe}' && c != '\u{ffff}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_markup_and_both_quotes() {
        assert_eq!(
            html("<script>alert('x')</script> & \""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;"
        );
        assert_eq!(html("&amp;"), "&amp;amp;");
        assert_eq!(
            html("<a href=\"x\" onclick='y'>"),
            "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;"
        );
    }

    #[test]
    fn html_leaves_control_characters_and_non_ascii_alone() {
        assert_eq!(html("a\u{7}b\u{1b}[31m\tc\r\n"), "a\u{7}b\u{1b}[31m\tc\r\n");
        assert_eq!(
            html("Müller — § 3 «ü» 数据 \u{202e}"),
            "Müller — § 3 «ü» 数据 \u{202e}"
        );
        assert_eq!(html(""), "");
    }

    #[test]
    fn xml_escapes_markup_keeps_apostrophes_and_drops_what_xml_cannot_carry() {
        let cases = [
            (
                "<w:t a=\"1\">A & B's</w:t>",
                "&lt;w:t a=&quot;1&quot;&gt;A &amp; B's&lt;/w:t&gt;",
            ),
            ("a\u{0}b\u{7}c\u{1b}d\u{1f}e", "abcde"),
            ("\tline\r\nnext", "\tline\r\nnext"),
            ("x\u{fffe}y\u{ffff}z", "xyz"),
            ("Müller — § 3 数据 \u{7f} 🙂", "Müller — § 3 数据 \u{7f} 🙂"),
        ];
        for (text, escaped) in cases {
            assert_eq!(xml(text), escaped, "{text:?}");
        }
    }
}
