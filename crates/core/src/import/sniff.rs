//! What an import file really is, from its bytes, whatever its name: a workbook, text (UTF-8,
//! UTF-8 with a byte-order mark, UTF-16 with one), or a document that is not a spreadsheet,
//! refused in plain words.

/// What the bytes hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// An XLSX workbook.
    Workbook,
    /// Text, decoded to UTF-8 bytes, with a note on how it was decoded if that is worth saying.
    Text(Vec<u8>, Option<&'static str>),
}

/// Says what the bytes are, decoding UTF-16 text; an error in plain words for a file that is
/// not a spreadsheet (a Word document, a PDF, an HTML page, an old binary workbook).
pub fn sniff(bytes: &[u8]) -> Result<Content, String> {
    const SAVE: &str =
        "open it in your spreadsheet program and save it as CSV (UTF-8) or Excel Workbook (.xlsx)";
    if bytes.starts_with(b"%PDF-") {
        return Err(format!(
            "this is a PDF document, not a spreadsheet; export the vendor list from its source as CSV or XLSX, or {SAVE}"
        ));
    }
    if bytes.starts_with(b"PK\x03\x04") {
        if contains(bytes, b"word/document.xml") {
            return Err(format!(
                "this is a Word document, not a spreadsheet, whatever its file name says; copy its table into a spreadsheet, then {SAVE}"
            ));
        }
        return Ok(Content::Workbook);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(format!(
            "this is an old Excel 97-2003 workbook (.xls), which dpa does not read; {SAVE}"
        ));
    }
    let (text, note) = if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        (
            utf16(rest, u16::from_le_bytes)?,
            Some("read as UTF-16 text"),
        )
    } else if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        (
            utf16(rest, u16::from_be_bytes)?,
            Some("read as UTF-16 text"),
        )
    } else {
        (bytes.to_vec(), None)
    };
    let head = String::from_utf8_lossy(&text[..text.len().min(2048)]).to_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    if head.starts_with("<!doctype html")
        || head.starts_with("<html")
        || head.starts_with("<table")
        || (head.starts_with('<') && head.contains("<table"))
    {
        return Err(format!(
            "this is a web page (HTML), not a spreadsheet, whatever its file name says (some tools export an HTML table as .xls); {SAVE}"
        ));
    }
    if head.starts_with("{\\rtf") {
        return Err(format!(
            "this is a Rich Text document, not a spreadsheet; {SAVE}"
        ));
    }
    Ok(Content::Text(text, note))
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> Result<Vec<u8>, String> {
    let units: Vec<u16> = bytes.chunks_exact(2).map(|c| unit([c[0], c[1]])).collect();
    String::from_utf16(&units)
        .map(String::into_bytes)
        .map_err(|_| "the file says it is UTF-16 text but is not valid UTF-16".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_with_a_bom_is_text() {
        let mut le = vec![0xFF, 0xFE];
        le.extend("Name\tCountry\n".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(
            sniff(&le).unwrap(),
            Content::Text(b"Name\tCountry\n".to_vec(), Some("read as UTF-16 text"))
        );
        let mut be = vec![0xFE, 0xFF];
        be.extend("Name\n".encode_utf16().flat_map(u16::to_be_bytes));
        assert!(matches!(sniff(&be).unwrap(), Content::Text(t, _) if t == b"Name\n"));
    }

    #[test]
    fn documents_that_are_not_spreadsheets_are_named() {
        assert!(sniff(b"%PDF-1.7 ...").unwrap_err().contains("PDF document"));
        assert!(
            sniff(b"<html><body><table><tr><td>x</td></tr></table>")
                .unwrap_err()
                .contains("web page (HTML)")
        );
        let mut docx = b"PK\x03\x04....".to_vec();
        docx.extend(b"word/document.xml");
        assert!(sniff(&docx).unwrap_err().contains("Word document"));
        assert!(
            sniff(&[0xD0, 0xCF, 0x11, 0xE0, 0, 0])
                .unwrap_err()
                .contains("97-2003")
        );
    }
}
