//! The fixed parts of an exported DOCX: house styles, numbering definitions, settings, properties.
//!
//! Sizes and spacing follow `templates/dpa.typ`: 10.5 pt text, paragraphs 1.05 em apart, level-1
//! headings 12.5 pt with 1.8 em above and 1 em below, level-2 headings 1.3 em above and 0.7 em below.
//! Word measures in twentieths of a point (twips) and half-points.

use std::fmt::Write as _;

use crate::escape::xml;

/// The body font. Libertinus (the PDF's font) is not installed with Word and cannot be embedded
/// (Word embeds TrueType only), so the document names Palatino Linotype, which ships with Windows
/// and Office and is, like Libertinus, an old-style serif of similar colour; Word substitutes
/// `Book Antiqua` or `Palatino` from the font table where it is missing.
pub const BODY_FONT: &str = "Palatino Linotype";

/// Body text size in half-points. Palatino sets about 10% wider than Libertinus (a line of the
/// PDF holds 109 characters at 10.5 pt, of Palatino 99), so 10 pt keeps the PDF's words per line,
/// and with them its line breaks and page count; line pitch and spacing are the PDF's.
pub const BODY_SIZE: u32 = 20;

/// Numbering instance of section (level 0) and clause (level 1) headings.
pub const NUM_HEADINGS: u32 = 1;
/// Numbering instance of bulleted lists.
pub const NUM_BULLETS: u32 = 2;
/// Numbering instance of the parties list.
pub const NUM_PARTIES: u32 = 3;
/// First numbering instance of lettered lists; each list gets its own, so it restarts at (a).
pub const NUM_LETTERED_FIRST: u32 = 10;

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// One paragraph style: id, name, base style, paragraph properties and run properties.
struct PStyle {
    id: &'static str,
    name: &'static str,
    based_on: Option<&'static str>,
    ppr: String,
    rpr: String,
}

fn spacing(before: u32, after: u32) -> String {
    format!("<w:spacing w:before=\"{before}\" w:after=\"{after}\"/>")
}

/// Spacing for text larger than the body's, whose lines need more than the body's exact 13.3 pt.
fn spacing_auto(before: u32, after: u32) -> String {
    format!(
        "<w:spacing w:before=\"{before}\" w:after=\"{after}\" w:line=\"240\" w:lineRule=\"auto\"/>"
    )
}

/// `styles.xml`: the house style as named paragraph styles.
pub fn styles() -> String {
    let font = format!(
        "<w:rFonts w:ascii=\"{BODY_FONT}\" w:hAnsi=\"{BODY_FONT}\" w:eastAsia=\"{BODY_FONT}\" w:cs=\"{BODY_FONT}\"/>"
    );
    // Baselines 13.3 pt apart (cap height plus 0.62 em leading). Typst puts 1.05 em between
    // paragraphs instead of the leading; Word adds its spacing to the line, so 0.43 em = 4.5 pt.
    let line = "<w:spacing w:before=\"0\" w:after=\"90\" w:line=\"266\" w:lineRule=\"exact\"/>";
    let styles = [
        PStyle {
            id: "Normal",
            name: "Normal",
            based_on: None,
            ppr: format!("<w:widowControl/>{line}<w:jc w:val=\"both\"/>"),
            rpr: String::new(),
        },
        PStyle {
            id: "BodyText",
            name: "Body Text",
            based_on: Some("Normal"),
            ppr: String::new(),
            rpr: String::new(),
        },
        PStyle {
            id: "Title",
            name: "Title",
            based_on: Some("Normal"),
            ppr: format!(
                "<w:keepNext/>{}<w:jc w:val=\"center\"/>",
                spacing_auto(0, 40)
            ),
            rpr: "<w:b/><w:bCs/><w:sz w:val=\"36\"/><w:szCs w:val=\"36\"/>".into(),
        },
        PStyle {
            id: "Subtitle",
            name: "Subtitle",
            based_on: Some("Normal"),
            ppr: format!(
                "<w:keepNext/>{}<w:jc w:val=\"center\"/>",
                spacing_auto(0, 440)
            ),
            rpr: "<w:sz w:val=\"22\"/><w:szCs w:val=\"22\"/>".into(),
        },
        PStyle {
            id: "Parties",
            name: "Parties",
            based_on: Some("Normal"),
            ppr: format!(
                "<w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"{NUM_PARTIES}\"/></w:numPr>{}<w:ind w:left=\"454\" w:hanging=\"284\"/>",
                spacing(0, 80)
            ),
            rpr: String::new(),
        },
        PStyle {
            id: "KeyTerms",
            name: "Key Terms",
            based_on: Some("Normal"),
            ppr: format!(
                "<w:tabs><w:tab w:val=\"left\" w:pos=\"1588\"/></w:tabs>{}<w:ind w:left=\"1588\" w:hanging=\"1588\"/><w:jc w:val=\"left\"/>",
                spacing(0, 60)
            ),
            rpr: String::new(),
        },
        PStyle {
            id: "Heading1",
            name: "heading 1",
            based_on: Some("Normal"),
            ppr: format!(
                "<w:keepNext/><w:keepLines/><w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"{NUM_HEADINGS}\"/></w:numPr>{}<w:jc w:val=\"left\"/><w:outlineLvl w:val=\"0\"/>",
                spacing_auto(230, 120)
            ),
            rpr: "<w:b/><w:bCs/><w:sz w:val=\"25\"/><w:szCs w:val=\"25\"/>".into(),
        },
        PStyle {
            id: "Heading2",
            name: "heading 2",
            based_on: Some("Normal"),
            ppr: format!(
                "<w:keepNext/><w:keepLines/><w:numPr><w:ilvl w:val=\"1\"/><w:numId w:val=\"{NUM_HEADINGS}\"/></w:numPr>{}<w:jc w:val=\"left\"/><w:outlineLvl w:val=\"1\"/>",
                spacing(60, 20)
            ),
            rpr: "<w:b/><w:bCs/>".into(),
        },
        PStyle {
            id: "Heading1Annex",
            name: "Annex Heading",
            based_on: Some("Heading1"),
            ppr: "<w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"0\"/></w:numPr>".into(),
            rpr: String::new(),
        },
        PStyle {
            id: "ListBullet",
            name: "List Bullet",
            based_on: Some("Normal"),
            ppr: format!(
                "<w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"{NUM_BULLETS}\"/></w:numPr>{}<w:contextualSpacing/>",
                spacing(0, 90)
            ),
            rpr: String::new(),
        },
        PStyle {
            id: "Definition",
            name: "Definition",
            based_on: Some("ListBullet"),
            ppr: String::new(),
            rpr: String::new(),
        },
        PStyle {
            id: "ListNumber",
            name: "List Number",
            based_on: Some("Normal"),
            ppr: format!("{}<w:contextualSpacing/>", spacing(0, 90)),
            rpr: String::new(),
        },
        PStyle {
            id: "TableText",
            name: "Annex Table Text",
            based_on: Some("Normal"),
            ppr: format!("{}<w:jc w:val=\"left\"/>", spacing(0, 0)),
            rpr: String::new(),
        },
        PStyle {
            id: "SignatureBlock",
            name: "Signature Block",
            based_on: Some("Normal"),
            ppr: format!(
                "<w:keepNext/><w:keepLines/>{}<w:jc w:val=\"left\"/>",
                spacing(0, 60)
            ),
            rpr: String::new(),
        },
        PStyle {
            id: "Footer",
            name: "footer",
            based_on: Some("Normal"),
            ppr: format!("{}<w:jc w:val=\"left\"/>", spacing(0, 0)),
            rpr: "<w:color w:val=\"464646\"/><w:sz w:val=\"16\"/><w:szCs w:val=\"16\"/>".into(),
        },
    ];
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:styles xmlns:w=\"{W}\">\
         <w:docDefaults><w:rPrDefault><w:rPr>{font}<w:sz w:val=\"{BODY_SIZE}\"/><w:szCs w:val=\"{BODY_SIZE}\"/>\
         <w:lang w:val=\"en-GB\" w:eastAsia=\"en-GB\" w:bidi=\"ar-SA\"/></w:rPr></w:rPrDefault>\
         <w:pPrDefault><w:pPr>{line}</w:pPr></w:pPrDefault></w:docDefaults>"
    );
    for s in &styles {
        let default = if s.id == "Normal" {
            " w:default=\"1\""
        } else {
            ""
        };
        let _ = write!(
            out,
            "<w:style w:type=\"paragraph\"{default} w:styleId=\"{}\"><w:name w:val=\"{}\"/>",
            s.id, s.name
        );
        if let Some(base) = s.based_on {
            let _ = write!(out, "<w:basedOn w:val=\"{base}\"/>");
        }
        out.push_str("<w:qFormat/>");
        if !s.ppr.is_empty() {
            let _ = write!(out, "<w:pPr>{}</w:pPr>", s.ppr);
        }
        if !s.rpr.is_empty() {
            let _ = write!(out, "<w:rPr>{}</w:rPr>", s.rpr);
        }
        out.push_str("</w:style>");
    }
    out.push_str(
        "<w:style w:type=\"character\" w:default=\"1\" w:styleId=\"DefaultParagraphFont\"><w:name w:val=\"Default Paragraph Font\"/><w:uiPriority w:val=\"1\"/><w:semiHidden/></w:style>\
         <w:style w:type=\"character\" w:styleId=\"Hyperlink\"><w:name w:val=\"Hyperlink\"/><w:basedOn w:val=\"DefaultParagraphFont\"/><w:rPr><w:color w:val=\"1A4F8B\"/></w:rPr></w:style>\
         <w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\"><w:name w:val=\"Normal Table\"/><w:semiHidden/><w:tblPr><w:tblInd w:w=\"0\" w:type=\"dxa\"/><w:tblCellMar><w:top w:w=\"0\" w:type=\"dxa\"/><w:left w:w=\"108\" w:type=\"dxa\"/><w:bottom w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"108\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style>\
         <w:style w:type=\"table\" w:styleId=\"AnnexTable\"><w:name w:val=\"Annex Table\"/><w:basedOn w:val=\"TableNormal\"/><w:pPr><w:spacing w:before=\"0\" w:after=\"0\"/><w:jc w:val=\"left\"/></w:pPr><w:tblPr><w:tblBorders>\
         <w:top w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"787878\"/><w:left w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"787878\"/>\
         <w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"787878\"/><w:right w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"787878\"/>\
         <w:insideH w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"787878\"/><w:insideV w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"787878\"/></w:tblBorders>\
         <w:tblCellMar><w:top w:w=\"40\" w:type=\"dxa\"/><w:left w:w=\"100\" w:type=\"dxa\"/><w:bottom w:w=\"40\" w:type=\"dxa\"/><w:right w:w=\"100\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr>\
         <w:tblStylePr w:type=\"firstRow\"><w:rPr><w:b/><w:bCs/></w:rPr></w:tblStylePr></w:style>\
         <w:style w:type=\"table\" w:styleId=\"SignatureTable\"><w:name w:val=\"Signature Table\"/><w:basedOn w:val=\"TableNormal\"/><w:tblPr><w:tblCellMar><w:left w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"567\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style>\
         </w:styles>",
    );
    out
}

fn level(ilvl: u32, fmt: &str, text: &str, left: u32, hanging: u32, extra: &str) -> String {
    format!(
        "<w:lvl w:ilvl=\"{ilvl}\"><w:start w:val=\"1\"/><w:numFmt w:val=\"{fmt}\"/>{extra}<w:lvlText w:val=\"{text}\"/><w:lvlJc w:val=\"left\"/><w:pPr><w:ind w:left=\"{left}\" w:hanging=\"{hanging}\"/></w:pPr></w:lvl>"
    )
}

/// `numbering.xml`: sections `1.`, clauses `1.1`, lettered paragraphs `(a)`/`(i)`/`(A)`, bullets;
/// one lettered instance per list (`lettered_lists`), each restarting at (a).
pub fn numbering(lettered_lists: u32) -> String {
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:numbering xmlns:w=\"{W}\">"
    );
    // Headings: the number hangs in the margin of the title, as a lawyer's outline does.
    out.push_str("<w:abstractNum w:abstractNumId=\"0\"><w:multiLevelType w:val=\"multilevel\"/>");
    out.push_str(&level(
        0,
        "decimal",
        "%1.",
        567,
        567,
        "<w:pStyle w:val=\"Heading1\"/>",
    ));
    out.push_str(&level(
        1,
        "decimal",
        "%1.%2",
        567,
        567,
        "<w:pStyle w:val=\"Heading2\"/>",
    ));
    out.push_str("</w:abstractNum>");
    out.push_str("<w:abstractNum w:abstractNumId=\"1\"><w:multiLevelType w:val=\"multilevel\"/>");
    for (i, (fmt, text)) in [
        ("lowerLetter", "(%1)"),
        ("lowerRoman", "(%2)"),
        ("upperLetter", "(%3)"),
    ]
    .iter()
    .enumerate()
    {
        let i = i as u32;
        out.push_str(&level(i, fmt, text, 567 + 454 * i, 397, ""));
    }
    out.push_str("</w:abstractNum>");
    out.push_str("<w:abstractNum w:abstractNumId=\"2\"><w:multiLevelType w:val=\"multilevel\"/>");
    for (i, text) in ["\u{2022}", "\u{2013}", "\u{2022}"].iter().enumerate() {
        let i = i as u32;
        out.push_str(&level(i, "bullet", text, 454 + 397 * i, 284, ""));
    }
    out.push_str("</w:abstractNum>");
    out.push_str("<w:abstractNum w:abstractNumId=\"3\"><w:multiLevelType w:val=\"singleLevel\"/>");
    out.push_str(&level(0, "decimal", "%1.", 454, 284, ""));
    out.push_str("</w:abstractNum>");
    let _ = write!(
        out,
        "<w:num w:numId=\"{NUM_HEADINGS}\"><w:abstractNumId w:val=\"0\"/></w:num>\
         <w:num w:numId=\"{NUM_BULLETS}\"><w:abstractNumId w:val=\"2\"/></w:num>\
         <w:num w:numId=\"{NUM_PARTIES}\"><w:abstractNumId w:val=\"3\"/></w:num>"
    );
    for k in 0..lettered_lists {
        let _ = write!(
            out,
            "<w:num w:numId=\"{}\"><w:abstractNumId w:val=\"1\"/><w:lvlOverride w:ilvl=\"0\"><w:startOverride w:val=\"1\"/></w:lvlOverride></w:num>",
            NUM_LETTERED_FIRST + k
        );
    }
    out.push_str("</w:numbering>");
    out
}

/// `settings.xml`: Track Changes on; with `protect`, editing is restricted to tracked changes
/// (no password: the restriction keeps honest edits visible, it is not a security boundary).
pub fn settings(protect: bool) -> String {
    let protection = if protect {
        "<w:documentProtection w:edit=\"trackedChanges\" w:enforcement=\"1\"/>"
    } else {
        ""
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:settings xmlns:w=\"{W}\">\
         <w:trackRevisions/>{protection}<w:defaultTabStop w:val=\"567\"/>\
         <w:characterSpacingControl w:val=\"doNotCompress\"/>\
         <w:compat><w:compatSetting w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat>\
         </w:settings>"
    )
}

/// `fontTable.xml`: the body font with the alternatives Word may substitute.
pub fn font_table() -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:fonts xmlns:w=\"{W}\">\
         <w:font w:name=\"{BODY_FONT}\"><w:altName w:val=\"Book Antiqua\"/><w:panose1 w:val=\"02040502050505030304\"/>\
         <w:charset w:val=\"00\"/><w:family w:val=\"roman\"/><w:pitch w:val=\"variable\"/></w:font>\
         </w:fonts>"
    )
}

/// `footer1.xml`: document id and version on the left, "Page X of Y" on the right.
pub fn footer(document_id: &str, version: &str, text_width: u32) -> String {
    let field = |instr: &str| {
        format!(
            "<w:fldSimple w:instr=\" {instr} \"><w:r><w:rPr><w:noProof/></w:rPr><w:t>1</w:t></w:r></w:fldSimple>"
        )
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:ftr xmlns:w=\"{W}\" xmlns:r=\"{R}\">\
         <w:p><w:pPr><w:pStyle w:val=\"Footer\"/><w:tabs><w:tab w:val=\"right\" w:pos=\"{text_width}\"/></w:tabs></w:pPr>\
         <w:r><w:t xml:space=\"preserve\">Document {} \u{b7} Version {}</w:t></w:r><w:r><w:tab/><w:t xml:space=\"preserve\">Page </w:t></w:r>{}\
         <w:r><w:t xml:space=\"preserve\"> of </w:t></w:r>{}</w:p></w:ftr>",
        xml(document_id),
        xml(version),
        field("PAGE"),
        field("NUMPAGES"),
    )
}

/// Document properties: title, subject, parties, version.
pub struct Properties<'a> {
    /// Title.
    pub title: &'a str,
    /// Subject.
    pub subject: &'a str,
    /// Our company's legal name (the author).
    pub author: &'a str,
    /// Both parties' names.
    pub parties: &'a str,
    /// Document id.
    pub document_id: &'a str,
    /// Version label.
    pub version: &'a str,
    /// Keywords.
    pub keywords: &'a str,
    /// Creation time, W3CDTF.
    pub created: &'a str,
}

/// `docProps/core.xml`.
pub fn core(p: &Properties<'_>) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<cp:coreProperties \
         xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\
         <dc:title>{}</dc:title><dc:subject>{}</dc:subject><dc:creator>{}</dc:creator>\
         <cp:keywords>{}</cp:keywords><dc:description>Between {}</dc:description>\
         <cp:version>{}</cp:version><cp:revision>1</cp:revision>\
         <dcterms:created xsi:type=\"dcterms:W3CDTF\">{}</dcterms:created>\
         <dcterms:modified xsi:type=\"dcterms:W3CDTF\">{}</dcterms:modified>\
         </cp:coreProperties>",
        xml(p.title),
        xml(p.subject),
        xml(p.author),
        xml(p.keywords),
        xml(p.parties),
        xml(p.version),
        p.created,
        p.created
    )
}

/// `docProps/custom.xml`: the properties Word lists under Advanced Properties > Custom.
pub fn custom(p: &Properties<'_>) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Properties \
         xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/custom-properties\" \
         xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\">",
    );
    for (i, (name, value)) in [
        ("Parties", p.parties),
        ("Document ID", p.document_id),
        ("Version", p.version),
    ]
    .iter()
    .enumerate()
    {
        let _ = write!(
            out,
            "<property fmtid=\"{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}\" pid=\"{}\" name=\"{name}\"><vt:lpwstr>{}</vt:lpwstr></property>",
            i + 2,
            xml(value)
        );
    }
    out.push_str("</Properties>");
    out
}

/// `docProps/app.xml`.
pub fn app() -> String {
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Properties \
     xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\">\
     <Application>dpa</Application></Properties>"
        .into()
}

/// `[Content_Types].xml`.
pub fn content_types() -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
         <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
         <Default Extension=\"xml\" ContentType=\"application/xml\"/>",
    );
    for (part, kind) in [
        (
            "/word/document.xml",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        ),
        (
            "/word/styles.xml",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml",
        ),
        (
            "/word/numbering.xml",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml",
        ),
        (
            "/word/settings.xml",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml",
        ),
        (
            "/word/fontTable.xml",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml",
        ),
        (
            "/word/footer1.xml",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml",
        ),
        (
            "/docProps/core.xml",
            "application/vnd.openxmlformats-package.core-properties+xml",
        ),
        (
            "/docProps/app.xml",
            "application/vnd.openxmlformats-officedocument.extended-properties+xml",
        ),
        (
            "/docProps/custom.xml",
            "application/vnd.openxmlformats-officedocument.custom-properties+xml",
        ),
    ] {
        let _ = write!(
            out,
            "<Override PartName=\"{part}\" ContentType=\"{kind}\"/>"
        );
    }
    out.push_str("</Types>");
    out
}

/// `_rels/.rels`.
pub fn package_rels() -> String {
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
     <Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>\
     <Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>\
     <Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/>\
     <Relationship Id=\"rId4\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties\" Target=\"docProps/custom.xml\"/>\
     </Relationships>"
        .into()
}

/// Relationship id of the footer in `document.xml.rels`.
pub const FOOTER_RID: &str = "rId6";

/// `word/_rels/document.xml.rels`.
pub fn document_rels() -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
         <Relationship Id=\"rId1\" Type=\"{R}/styles\" Target=\"styles.xml\"/>\
         <Relationship Id=\"rId2\" Type=\"{R}/numbering\" Target=\"numbering.xml\"/>\
         <Relationship Id=\"rId3\" Type=\"{R}/settings\" Target=\"settings.xml\"/>\
         <Relationship Id=\"rId4\" Type=\"{R}/fontTable\" Target=\"fontTable.xml\"/>\
         <Relationship Id=\"{FOOTER_RID}\" Type=\"{R}/footer\" Target=\"footer1.xml\"/>\
         </Relationships>"
    )
}

/// The namespaces of `document.xml`.
pub fn document_open() -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w=\"{W}\" xmlns:r=\"{R}\"><w:body>"
    )
}
