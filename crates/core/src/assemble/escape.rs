//! Escaping: record text becomes Typst string data, never markup, on every path.

/// Marks the start of a record value carried through Markdown (a private-use character).
pub const VALUE_START: char = '\u{E000}';
/// Marks the end of a record value carried through Markdown.
pub const VALUE_END: char = '\u{E001}';

/// Normalises record text for printing: whitespace runs become one space, control characters are dropped.
pub fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if c.is_control() || c == VALUE_START || c == VALUE_END {
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.push(c);
    }
    out
}

/// A Typst string literal holding `s` (cleaned), for code positions: `"..."`.
pub fn typst_str(s: &str) -> String {
    let s = clean(s);
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Record text for a markup position: an embedded string expression, `#"...";`.
///
/// A value that prints as nothing (empty or only whitespace) stays empty, so that a template
/// condition on it is false: tera escapes a value before `{% if %}` tests it.
pub fn typst_value(s: &str) -> String {
    if prints_empty(s) {
        return String::new();
    }
    format!("#{};", typst_str(s))
}

/// Whether a record value prints as nothing once cleaned.
pub fn prints_empty(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_whitespace() || c.is_control() || c == VALUE_START || c == VALUE_END)
}

/// Escapes literal (trusted clause or template) text so Typst prints it as written.
pub fn typst_markup(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\\' | '#' | '$' | '*' | '_' | '`' | '<' | '>' | '@' | '[' | ']' | '=' | '-' | '+'
            | '/' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Wraps a record value so that it passes through Markdown untouched (hex between private-use markers).
///
/// Tera applies this escape function to a value before `{% if value %}` and `==` test it, so the
/// encoding keeps what those tests see: a value that prints as nothing encodes to the empty
/// string (false in a condition), any other value to a non-empty token, and equal values to
/// equal tokens.
pub fn encode_value(s: &str) -> String {
    if prints_empty(s) {
        return String::new();
    }
    let mut out = String::with_capacity(s.len() * 2 + 6);
    out.push(VALUE_START);
    for b in s.as_bytes() {
        out.push_str(&format!("{b:02x}"));
    }
    out.push(VALUE_END);
    out
}

/// Mends the joins between a record value and the clause text that follows it, as a careful
/// drafter would write them: a value ending in a full stop (`HelpHive, Inc.`) takes no second
/// one; a possessive after a name ending in `s` is the apostrophe alone (`Sunset Outfitters’`);
/// and an apostrophe after a value is always the closing one (`Inc.’s`), which typesetting would
/// otherwise take for an opening quote after a full stop.
pub fn mend_joins(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(end) = rest.find(VALUE_END) {
        let (head, tail) = rest.split_at(end + VALUE_END.len_utf8());
        out.push_str(head);
        let value = head
            .rfind(VALUE_START)
            .map(|start| decode_hex(&head[start + VALUE_START.len_utf8()..end]))
            .unwrap_or_default();
        let last = value.trim_end().chars().last();
        let mut tail = tail;
        if last == Some('.') && tail.starts_with('.') && !tail.starts_with("..") {
            tail = &tail[1..];
        }
        for apostrophe in ["'", "\u{2019}"] {
            if let Some(after) = tail.strip_prefix(apostrophe) {
                let possessive_s = after.starts_with('s')
                    && !after[1..].starts_with(|c: char| c.is_alphanumeric());
                out.push('\u{2019}');
                tail = if possessive_s && matches!(last, Some('s' | 'S')) {
                    &after[1..]
                } else {
                    after
                };
                break;
            }
        }
        rest = tail;
    }
    out.push_str(rest);
    out
}

/// A piece of text after Markdown: literal text from the clause, or a record value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Text written in the clause itself.
    Literal(&'a str),
    /// A record value, decoded.
    Value(String),
}

/// Splits text into literal pieces and decoded record values.
pub fn pieces(text: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(VALUE_START) {
        if start > 0 {
            out.push(Piece::Literal(&rest[..start]));
        }
        let after = &rest[start + VALUE_START.len_utf8()..];
        let Some(end) = after.find(VALUE_END) else {
            // An unterminated marker cannot come from our encoder; print nothing of it.
            rest = "";
            break;
        };
        out.push(Piece::Value(decode_hex(&after[..end])));
        rest = &after[end + VALUE_END.len_utf8()..];
    }
    if !rest.is_empty() {
        out.push(Piece::Literal(rest));
    }
    out
}

fn decode_hex(hex: &str) -> String {
    let bytes: Vec<u8> = hex
        .as_bytes()
        .chunks(2)
        .filter_map(|pair| {
            std::str::from_utf8(pair)
                .ok()
                .and_then(|p| u8::from_str_radix(p, 16).ok())
        })
        .collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Decodes every record value in `text` back to plain text (for plain-text outputs).
pub fn decode_all(text: &str) -> String {
    pieces(text)
        .into_iter()
        .map(|p| match p {
            Piece::Literal(s) => s.to_string(),
            Piece::Value(v) => clean(&v),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn joined(value: &str, after: &str) -> String {
        decode_all(&mend_joins(&format!("{}{after}", encode_value(value))))
    }

    #[test]
    fn joins_after_a_value_read_as_a_drafter_writes_them() {
        assert_eq!(joined("HelpHive, Inc.", "."), "HelpHive, Inc.");
        assert_eq!(joined("HelpHive, Inc.", "'s"), "HelpHive, Inc.\u{2019}s");
        assert_eq!(
            joined("Sunset Outfitters", "'s team"),
            "Sunset Outfitters\u{2019} team"
        );
        assert_eq!(
            joined("Sunset Outfitters", "\u{2019}s"),
            "Sunset Outfitters\u{2019}"
        );
        assert_eq!(joined("Acme", "'s"), "Acme\u{2019}s");
        assert_eq!(joined("Acme", "'sake"), "Acme\u{2019}sake");
        assert_eq!(joined("Acme", ". Next"), "Acme. Next");
        assert_eq!(joined("Acme Inc.", "..."), "Acme Inc....");
    }

    #[test]
    fn string_literal_escapes_quotes_and_backslashes() {
        assert_eq!(typst_str(r#"a "b" \ c"#), r#""a \"b\" \\ c""#);
        assert_eq!(typst_value("x"), "#\"x\";");
    }

    #[test]
    fn clean_collapses_whitespace_and_drops_controls() {
        assert_eq!(clean("  a \n\t b\u{0007}c  "), "a bc");
        assert_eq!(clean(""), "");
    }

    #[test]
    fn markup_escapes_specials() {
        assert_eq!(
            typst_markup("#read() *x* $y$ [z] <l> @r"),
            "\\#read() \\*x\\* \\$y\\$ \\[z\\] \\<l\\> \\@r"
        );
        assert_eq!(typst_markup("https://a"), "https:\\/\\/a");
    }

    #[test]
    fn empty_values_encode_to_nothing() {
        assert_eq!(encode_value(""), "");
        assert_eq!(encode_value(" \n\t"), "");
        assert_eq!(typst_value(""), "");
        assert_ne!(encode_value("a"), "");
        assert_ne!(encode_value("a"), encode_value("b"));
    }

    /// The mechanism the clause templates rely on: conditions see the real value, printing escapes.
    #[test]
    fn template_conditions_see_empty_missing_and_false_values() {
        let mut t = tera::Tera::default();
        t.autoescape_on(vec![".md"]);
        t.set_escape_fn(encode_value);
        t.add_raw_template(
            "c.md",
            "{% if e %}E{% endif %}{% if w %}W{% endif %}{% if m %}M{% endif %}\
             {% if f %}F{% endif %}{% if n %}N{% endif %}{% if s %}[{{ s }}]{% endif %}\
             {% if s == \"*x*\" %}=={% endif %}{% if e == \"\" %}empty{% endif %}\
             {% if not e %}!e{% endif %}",
        )
        .expect("template");
        let ctx = tera::Context::from_value(serde_json::json!({
            "e": "", "w": "  ", "f": false, "n": null, "s": "*x*"
        }))
        .expect("context");
        let out = t.render("c.md", &ctx).expect("render");
        assert_eq!(
            decode_all(&out),
            "[*x*]==empty!e",
            "only the non-empty value is true; comparisons still work"
        );
    }

    #[test]
    fn values_round_trip_through_pieces() {
        let v = "*Acme* {{ x }} \u{E000} é";
        let text = format!("Hello {} and {}", encode_value(v), encode_value("B"));
        let p = pieces(&text);
        assert_eq!(
            p,
            vec![
                Piece::Literal("Hello "),
                Piece::Value(v.into()),
                Piece::Literal(" and "),
                Piece::Value("B".into())
            ]
        );
        assert_eq!(decode_all(&text), "Hello *Acme* {{ x }} é and B");
    }
}
