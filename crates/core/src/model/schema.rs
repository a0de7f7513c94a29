//! The record schema, read from the record types themselves: every field's name, meaning, kind,
//! allowed values and whether it is required.
//!
//! A record struct is written once, inside `record!`; the macro keeps the struct as written
//! (serde derives and all) and adds its [`Record::FIELDS`]. A closed set of values is an enum
//! written inside `choices!`. From these one description, [`validate`] checks a parsed TOML
//! table and reports every problem at once (unknown keys with "did you mean", also across
//! tables; missing fields; wrong types; values outside a closed set), the `when` validator
//! gets its known paths ([`paths`]), and `docs/records.md` and `dpa fields` get their text
//! ([`reference()`]).

use std::ops::Range;

use chrono::{Datelike, NaiveDate};
use toml_edit::{Item, TableLike, Value};

use super::country;
use crate::diag::{Diagnostic, Diagnostics, suggest};

/// One value of a closed set: how it is written in a record and what it means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choice {
    /// The value as written.
    pub name: &'static str,
    /// One line on what it means.
    pub doc: &'static str,
}

/// What a field holds.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// A string.
    Text,
    /// A whole number of 0 or more.
    Integer,
    /// `true` or `false`.
    Boolean,
    /// A date, `2025-01-15`.
    Date,
    /// One value of a closed set.
    Choice(&'static [Choice]),
    /// A list of values of one kind.
    List(fn() -> Kind),
    /// A table with fields of its own.
    Table(fn() -> &'static [Field]),
    /// A list of tables (`[[key]]`), each with these fields.
    Tables(fn() -> &'static [Field]),
    /// A table whose keys come from a closed set, each holding a value of one kind.
    Map(&'static [Choice], fn() -> Kind),
}

/// One field of a record.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// The key.
    pub name: &'static str,
    /// One line on what it means.
    pub doc: &'static str,
    /// The kind of value.
    pub kind: fn() -> Kind,
    /// Whether the value may be left out: an `Option`, or a field with a serde default.
    pub optional: bool,
    /// The default, as a record would write it (or, when it is not one value, in words), when
    /// the field has one worth stating.
    pub default: Option<&'static str>,
    /// An example value as written in the source: text without quotes, list items separated by
    /// `|`. Fields of a closed set, dates, booleans and tables have one derived from their kind.
    pub example: Option<&'static str>,
    /// Who writes the field.
    pub role: Role,
    /// The form a text value (or each item of a list) must take, beyond being text.
    pub format: Option<Format>,
}

/// A form of text value checked when a record is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// An ISO 3166-1 alpha-2 country code (`DE`).
    Country,
    /// A region whose law may apply: a country code, a subdivision (`US-CA`), `EEA`, `UK` or `CH`.
    Region,
}

impl Format {
    /// The format named by a field marker: `[country]`, `[region]`, or none.
    pub const fn from_marker(marker: Option<&str>) -> Option<Format> {
        match marker {
            Some(m) if eq(m, "country") => Some(Format::Country),
            Some(m) if eq(m, "region") => Some(Format::Region),
            _ => None,
        }
    }

    /// How the reference names a value of this form.
    pub fn describe(self) -> &'static str {
        match self {
            Format::Country => "country code (ISO 3166-1 alpha-2, like `DE`)",
            Format::Region => {
                "region code (a country code like `DE`, a subdivision like `US-CA`, or `EEA`, `UK`, `CH`)"
            }
        }
    }
}

/// Who writes a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The person editing the record.
    Written,
    /// dpa, for example `dpa sign` (a record may still hold it).
    Managed,
    /// Nobody: dpa computes it when loading (the vendor id from the file name); not a key.
    Computed,
}

impl Role {
    /// The role named by a field marker: `[managed]`, `[computed]`, or none.
    pub const fn from_marker(marker: Option<&str>) -> Role {
        match marker {
            Some(m) if eq(m, "managed") => Role::Managed,
            Some(m) if eq(m, "computed") => Role::Computed,
            _ => Role::Written,
        }
    }
}

const fn eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The fields of a record that are keys of its file (not computed).
pub fn keys(fields: &'static [Field]) -> impl Iterator<Item = &'static Field> {
    fields.iter().filter(|f| f.role != Role::Computed)
}

impl Field {
    /// Whether a record must give the field.
    pub fn required(&self) -> bool {
        !self.optional
    }
}

/// A type that can appear as a field of a record.
pub trait Describe {
    /// The kind of value.
    fn kind() -> Kind;
    /// Whether the field may be left out whatever its attributes say.
    const OPTIONAL: bool = false;
}

/// A record type: a TOML table with known fields.
pub trait Record {
    /// Its fields, in the order the record documents them.
    const FIELDS: &'static [Field];
}

impl Describe for String {
    fn kind() -> Kind {
        Kind::Text
    }
}
impl Describe for u32 {
    fn kind() -> Kind {
        Kind::Integer
    }
}
impl Describe for u64 {
    fn kind() -> Kind {
        Kind::Integer
    }
}
impl Describe for bool {
    fn kind() -> Kind {
        Kind::Boolean
    }
}
impl Describe for NaiveDate {
    fn kind() -> Kind {
        Kind::Date
    }
}
/// Computed fields are not keys; their kind is never asked for.
impl Describe for Spans {
    fn kind() -> Kind {
        Kind::Text
    }
}

impl<T: Describe> Describe for Option<T> {
    fn kind() -> Kind {
        T::kind()
    }
    const OPTIONAL: bool = true;
}
impl<T: Describe + ListItem> Describe for Vec<T> {
    fn kind() -> Kind {
        T::list_kind()
    }
}

/// How a list of `Self` is written: a TOML array, or an array of tables for records.
pub trait ListItem {
    /// The kind of a list of `Self`.
    fn list_kind() -> Kind;
}
impl ListItem for String {
    fn list_kind() -> Kind {
        Kind::List(String::kind)
    }
}

/// Defines a record struct and its [`Record`] description from one definition.
///
/// Every field has exactly one `///` line (its meaning in the reference). A field may be
/// followed by `= "value"` to document its default and by `[e.g. "value"]` to give an example
/// (see [`Field::example`]), and marked after its doc line `[managed]`
/// (written by dpa), `[computed]` (not a key: filled in when loading), or with the form of its
/// text, `[country]` or `[region]` (see [`Format`]).
#[macro_export]
macro_rules! record {
    (
        $(#[doc = $sdoc:literal])+
        $(#[$smeta:meta])*
        pub struct $name:ident {
            $(
                #[doc = $doc:literal]
                $([$role:ident])?
                $(#[$fmeta:meta])*
                pub $field:ident : $ty:ty $(= $default:literal)? $([e.g. $example:literal])?,
            )*
        }
    ) => {
        $(#[doc = $sdoc])+
        $(#[$smeta])*
        pub struct $name {
            $(
                #[doc = $doc]
                $(#[$fmeta])*
                pub $field: $ty,
            )*
        }

        impl $crate::model::schema::Record for $name {
            const FIELDS: &'static [$crate::model::schema::Field] = &[
                $(
                    $crate::model::schema::Field {
                        name: stringify!($field),
                        doc: $doc,
                        kind: <$ty as $crate::model::schema::Describe>::kind,
                        optional: <$ty as $crate::model::schema::Describe>::OPTIONAL
                            || $crate::model::schema::has_default(stringify!($($fmeta)*)),
                        default: $crate::model::schema::first(&[$($default)?]),
                        example: $crate::model::schema::first(&[$($example)?]),
                        role: $crate::model::schema::Role::from_marker(
                            $crate::model::schema::first(&[$(stringify!($role))?]),
                        ),
                        format: $crate::model::schema::Format::from_marker(
                            $crate::model::schema::first(&[$(stringify!($role))?]),
                        ),
                    },
                )*
            ];
        }

        impl $crate::model::schema::Describe for $name {
            fn kind() -> $crate::model::schema::Kind {
                $crate::model::schema::Kind::Table(|| <$name as $crate::model::schema::Record>::FIELDS)
            }
        }

        impl $crate::model::schema::ListItem for $name {
            fn list_kind() -> $crate::model::schema::Kind {
                $crate::model::schema::Kind::Tables(|| <$name as $crate::model::schema::Record>::FIELDS)
            }
        }
    };
}

/// Defines an enum of a closed set, its serde names and its [`Describe`] from one definition.
#[macro_export]
macro_rules! choices {
    (
        $(#[doc = $sdoc:literal])+
        pub enum $name:ident {
            $(
                #[doc = $doc:literal]
                $variant:ident = $text:literal,
            )+
        }
    ) => {
        $(#[doc = $sdoc])+
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $(
                #[doc = $doc]
                #[serde(rename = $text)]
                $variant,
            )+
        }

        impl $name {
            /// Every value, with its meaning.
            pub const CHOICES: &'static [$crate::model::schema::Choice] = &[
                $($crate::model::schema::Choice { name: $text, doc: $doc },)+
            ];

            /// The value as a record writes it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::model::schema::Describe for $name {
            fn kind() -> $crate::model::schema::Kind {
                $crate::model::schema::Kind::Choice($name::CHOICES)
            }
        }

        impl $crate::model::schema::ListItem for $name {
            fn list_kind() -> $crate::model::schema::Kind {
                $crate::model::schema::Kind::List(<$name as $crate::model::schema::Describe>::kind)
            }
        }
    };
}

/// The fields of a record that flattens another (`#[serde(flatten)]`) and adds its own: the
/// other's fields in order, with the meanings in `docs` restated for this record, then `more`.
/// `N` is their number; a wrong `N`, or a name in `docs` that is no field of `base`, fails to
/// compile where the result is a constant.
pub const fn extend<const N: usize>(
    base: &[Field],
    docs: &[(&str, &'static str)],
    more: &[Field],
) -> [Field; N] {
    assert!(base.len() + more.len() == N, "N must count every field");
    let mut out = [base[0]; N];
    let mut i = 0;
    while i < base.len() {
        out[i] = base[i];
        i += 1;
    }
    while i < N {
        out[i] = more[i - base.len()];
        i += 1;
    }
    let mut d = 0;
    while d < docs.len() {
        let (name, doc) = docs[d];
        let mut j = 0;
        while j < base.len() && !eq(base[j].name, name) {
            j += 1;
        }
        assert!(j < base.len(), "a restated meaning names no field");
        out[j].doc = doc;
        d += 1;
    }
    out
}

/// Whether a field's attributes (as text) give it a serde default.
pub const fn has_default(attrs: &str) -> bool {
    let b = attrs.as_bytes();
    let needle = b"default";
    let mut i = 0;
    while i + needle.len() <= b.len() {
        let mut j = 0;
        while j < needle.len() && b[i + j] == needle[j] {
            j += 1;
        }
        if j == needle.len() {
            return true;
        }
        i += 1;
    }
    false
}

/// The first item of an optional macro repetition.
pub const fn first(items: &[&'static str]) -> Option<&'static str> {
    match items {
        [x, ..] => Some(x),
        [] => None,
    }
}

/// Every dotted path of a record's fields, parents before children (`processing`,
/// `processing.regions`, ...). Lists of tables add their fields under the list's name.
pub fn paths(fields: &'static [Field]) -> Vec<String> {
    let mut out = Vec::new();
    fn walk(fields: &'static [Field], prefix: &str, out: &mut Vec<String>) {
        for f in keys(fields) {
            let path = join(prefix, f.name);
            out.push(path.clone());
            match (f.kind)() {
                Kind::Table(sub) | Kind::Tables(sub) => walk(sub(), &path, out),
                _ => {}
            }
        }
    }
    walk(fields, "", &mut out);
    out
}

/// The field at a dotted path (`transfers.mechanism`; `subprocessors.name` for a list of tables).
pub fn field_at(fields: &'static [Field], path: &str) -> Option<Field> {
    let mut fields = fields;
    let mut found = None;
    for part in path.split('.') {
        let f = keys(fields).find(|f| f.name == part)?;
        found = Some(*f);
        fields = match (f.kind)() {
            Kind::Table(sub) | Kind::Tables(sub) => sub(),
            _ => &[],
        };
    }
    found
}

/// `prefix.key`, or `key` at the top level.
pub fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

/// `"a", "b" or "c"` for messages.
pub fn quoted(choices: &[&str]) -> String {
    let q: Vec<String> = choices.iter().map(|c| format!("\"{c}\"")).collect();
    match q.len() {
        0 => String::new(),
        1 => q[0].clone(),
        n => format!("{} or {}", q[..n - 1].join(", "), q[n - 1]),
    }
}

/// A date as a record writes it: a TOML local date, `2025-01-15`.
pub fn toml_date(d: NaiveDate) -> toml_edit::Datetime {
    toml_edit::Datetime {
        date: Some(toml_edit::Date {
            year: u16::try_from(d.year()).unwrap_or(0),
            month: d.month() as u8,
            day: d.day() as u8,
        }),
        time: None,
        offset: None,
    }
}

/// Parses TOML text, turning a syntax error into a located diagnostic.
pub fn parse_document(file: &str, text: &str) -> Result<toml_edit::Document<String>, Diagnostic> {
    toml_edit::Document::parse(text.to_string()).map_err(|e| {
        let message = e.message().trim().to_string();
        let span = e.span().unwrap_or(0..0);
        Diagnostic::error(file, Some(span), format!("invalid TOML: {message}")).with_label("here")
    })
}

/// Reads a record: TOML syntax, then every field against the type's description (all problems
/// at once), then serde into the type, with `serde_ignored` catching any key the type skipped.
pub fn load<T>(file: &str, text: &str, diags: &mut Diagnostics) -> Option<T>
where
    T: Record + for<'de> serde::Deserialize<'de> + HasSpans,
{
    let doc = match parse_document(file, text) {
        Ok(doc) => doc,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let before = diags.error_count();
    let spans = validate(file, doc.as_table(), T::FIELDS, diags);
    if diags.error_count() > before {
        return None;
    }
    let de = match toml::de::Deserializer::parse(text) {
        Ok(de) => de,
        Err(e) => {
            diags.push(Diagnostic::error(
                file,
                e.span(),
                format!("invalid TOML: {}", e.message()),
            ));
            return None;
        }
    };
    let mut ignored = Vec::new();
    let value: Result<T, _> = serde_ignored::deserialize(de, |path| ignored.push(path.to_string()));
    for path in ignored {
        diags.push(Diagnostic::error(
            file,
            Some(0..0),
            format!("unknown key `{path}`"),
        ));
    }
    match value {
        Ok(mut v) => {
            *v.spans_mut() = spans;
            (diags.error_count() == before).then_some(v)
        }
        Err(e) => {
            diags.push(Diagnostic::error(file, e.span(), e.message().to_string()));
            None
        }
    }
}

/// A record that keeps the spans of its values.
pub trait HasSpans {
    /// Where the spans are kept.
    fn spans_mut(&mut self) -> &mut Spans;
}

/// The spans of a record's values by dotted path (`processing.regions[1]`), for the checks and
/// messages that come after reading.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Spans(Vec<(String, Range<usize>)>);

impl Spans {
    /// The span of the value at `path`, if the record gives it.
    pub fn get(&self, path: &str) -> Option<Range<usize>> {
        self.0
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, s)| s.clone())
    }

    fn push(&mut self, path: String, span: Range<usize>) {
        self.0.push((path, span));
    }
}

/// The second pass over a typed record: checks that report at the span of a field path.
pub struct Checks<'a> {
    /// The record's file.
    pub file: &'a str,
    /// Its spans.
    pub spans: &'a Spans,
    /// Where problems go.
    pub diags: &'a mut Diagnostics,
}

impl Checks<'_> {
    /// Records an error at the value of `path` (the file's start when the record lacks it).
    pub fn error(&mut self, path: &str, message: String) -> &mut Diagnostic {
        self.diags.push(Diagnostic::error(
            self.file,
            Some(self.spans.get(path).unwrap_or(0..0)),
            message,
        ));
        self.diags.last_mut()
    }

    /// Records a warning at the value of `path` (the file's start when the record lacks it).
    pub fn warning(&mut self, path: &str, message: String) -> &mut Diagnostic {
        self.diags.push(Diagnostic::warning(
            self.file,
            Some(self.spans.get(path).unwrap_or(0..0)),
            message,
        ));
        self.diags.last_mut()
    }
}

/// The kind of a TOML value, for "expected X, found Y" messages.
fn found(item: &Item) -> &'static str {
    match item {
        Item::None => "nothing",
        Item::Table(_) => "a table",
        Item::ArrayOfTables(_) => "an array of tables",
        Item::Value(v) => value_kind(v),
    }
}

fn value_kind(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "a string",
        Value::Integer(_) => "an integer",
        Value::Float(_) => "a float",
        Value::Boolean(_) => "a boolean",
        Value::Datetime(_) => "a date",
        Value::Array(_) => "an array",
        Value::InlineTable(_) => "an inline table",
    }
}

/// Checks a parsed record against its fields, reporting every problem to `diags`; returns the
/// spans of the values read.
pub fn validate(
    file: &str,
    table: &dyn TableLike,
    fields: &'static [Field],
    diags: &mut Diagnostics,
) -> Spans {
    let mut v = Validator {
        file,
        diags,
        spans: Spans::default(),
        suggested: Vec::new(),
        all: paths(fields),
    };
    v.table(table, "", fields, Some(0..0));
    v.spans
}

/// Reports every key of the table `t` at `prefix` that is not among `names`, as an error in `file`
/// whose label names the table as `table`. The hint is the nearest known key, else the path
/// `elsewhere` gives for a key written in the wrong table, else the keys known here. Returns the
/// paths offered as "did you mean", whose absence the caller need not report again.
pub fn unknown_keys(
    file: &str,
    diags: &mut Diagnostics,
    t: &dyn TableLike,
    prefix: &str,
    table: &str,
    names: &[&str],
    elsewhere: impl Fn(&str) -> Option<String>,
) -> Vec<String> {
    let mut suggested = Vec::new();
    for (key, _) in t.iter() {
        if names.contains(&key) {
            continue;
        }
        let span = t.get_key_value(key).and_then(|(k, _)| k.span());
        let where_ = if prefix.is_empty() {
            "at the top level".to_string()
        } else {
            format!("in `[{table}]`")
        };
        let mut d = Diagnostic::error(
            file,
            Some(span.unwrap_or(0..0)),
            format!("unknown key `{}`", join(prefix, key)),
        );
        d.label = Some(format!("not a known field {where_}"));
        if let Some(s) = suggest(key, names) {
            let s = join(prefix, s);
            d.hints.push(format!("did you mean `{s}`?"));
            suggested.push(s);
        } else if let Some(path) = elsewhere(key) {
            d.hints.push(format!(
                "`{}` belongs in `[{}]`: did you mean `{path}`?",
                path.rsplit('.').next().unwrap_or(&path),
                parent(&path)
            ));
        } else {
            d.hints
                .push(format!("known keys here: {}", names.join(", ")));
        }
        diags.push(d);
    }
    suggested
}

struct Validator<'a> {
    file: &'a str,
    diags: &'a mut Diagnostics,
    spans: Spans,
    /// Paths offered as "did you mean"; their absence is not reported again.
    suggested: Vec<String>,
    /// Every path of the record, for keys written in the wrong table.
    all: Vec<String>,
}

impl Validator<'_> {
    fn error(&mut self, span: Option<Range<usize>>, message: String) -> &mut Diagnostic {
        self.diags.push(Diagnostic::error(
            self.file,
            Some(span.unwrap_or(0..0)),
            message,
        ));
        self.diags.last_mut()
    }

    fn table(
        &mut self,
        t: &dyn TableLike,
        prefix: &str,
        fields: &'static [Field],
        container: Option<Range<usize>>,
    ) {
        self.unknown_keys(t, prefix, fields);
        for f in keys(fields) {
            let path = join(prefix, f.name);
            match t.get(f.name).filter(|i| !i.is_none()) {
                Some(item) => self.value(item, &path, (f.kind)(), f.required(), f.format),
                None if f.required() && !self.suggested.contains(&path) => {
                    self.error(
                        container.clone(),
                        format!("missing required field `{path}`"),
                    )
                    .label = Some(format!("`{}` is required here", f.name));
                }
                None => {}
            }
        }
    }

    fn unknown_keys(&mut self, t: &dyn TableLike, prefix: &str, fields: &'static [Field]) {
        let names: Vec<&str> = keys(fields).map(|f| f.name).collect();
        self.unknown_among(t, prefix, &names);
    }

    fn unknown_among(&mut self, t: &dyn TableLike, prefix: &str, names: &[&str]) {
        let all = &self.all;
        let suggested = unknown_keys(
            self.file,
            self.diags,
            t,
            prefix,
            &strip_indexes(prefix),
            names,
            |key| elsewhere(all, key, prefix),
        );
        self.suggested.extend(suggested);
    }

    fn type_error(
        &mut self,
        item_span: Option<Range<usize>>,
        found: &str,
        path: &str,
        expected: &str,
    ) {
        self.error(
            item_span,
            format!("`{path}` must be {expected}, found {found}"),
        )
        .label = Some(format!("expected {expected}"));
    }

    fn value(
        &mut self,
        item: &Item,
        path: &str,
        kind: Kind,
        required: bool,
        format: Option<Format>,
    ) {
        if let Some(span) = item.span() {
            self.spans.push(path.to_string(), span);
        }
        match kind {
            Kind::Table(sub) => match item.as_table_like() {
                Some(t) => self.table(t, path, sub(), item.span()),
                None => self.type_error(item.span(), found(item), path, "a table"),
            },
            Kind::Tables(sub) => match item {
                Item::ArrayOfTables(a) => {
                    for (i, t) in a.iter().enumerate() {
                        let p = format!("{path}[{i}]");
                        if let Some(span) = t.span() {
                            self.spans.push(p.clone(), span);
                        }
                        self.table(t, &p, sub(), t.span());
                    }
                }
                Item::Value(Value::Array(a)) => {
                    for (i, v) in a.iter().enumerate() {
                        let p = format!("{path}[{i}]");
                        match v.as_inline_table() {
                            Some(t) => {
                                if let Some(span) = v.span() {
                                    self.spans.push(p.clone(), span);
                                }
                                self.table(t, &p, sub(), v.span());
                            }
                            None => {
                                self.error(v.span(), format!("`{path}` must hold only tables"));
                            }
                        }
                    }
                }
                other => self.type_error(other.span(), found(other), path, "an array of tables"),
            },
            Kind::Map(choices, value_kind) => match item.as_table_like() {
                Some(t) => {
                    let names: Vec<&str> = choices.iter().map(|c| c.name).collect();
                    self.unknown_among(t, path, &names);
                    for (key, v) in t.iter() {
                        if names.contains(&key) {
                            self.value(v, &join(path, key), value_kind(), true, None);
                        }
                    }
                }
                None => self.type_error(item.span(), found(item), path, "a table"),
            },
            Kind::List(item_kind) => match item.as_array() {
                Some(a) => {
                    for (i, v) in a.iter().enumerate() {
                        let p = format!("{path}[{i}]");
                        if let Some(span) = v.span() {
                            self.spans.push(p.clone(), span);
                        }
                        self.scalar(v, &p, path, item_kind(), false, true);
                        if let (Some(f), Some(text)) = (format, v.as_str()) {
                            self.format(f, text, v.span());
                        }
                    }
                }
                None => self.type_error(item.span(), found(item), path, &list_of(item_kind())),
            },
            scalar => match item.as_value() {
                Some(v) => {
                    self.scalar(v, path, path, scalar, required, false);
                    if let (Some(f), Some(text)) = (format, v.as_str()) {
                        self.format(f, text, v.span());
                    }
                }
                None => self.type_error(item.span(), found(item), path, expected(scalar)),
            },
        }
    }

    fn scalar(
        &mut self,
        v: &Value,
        path: &str,
        list: &str,
        kind: Kind,
        required: bool,
        in_list: bool,
    ) {
        let span = v.span();
        match kind {
            Kind::Text => match v.as_str() {
                Some(s) if required && s.trim().is_empty() => {
                    self.error(span, format!("`{path}` must not be empty"));
                }
                Some(_) => {}
                None if in_list => {
                    self.error(span, format!("`{list}` must hold only strings"))
                        .label = Some("not a string".into());
                }
                None => self.type_error(span, value_kind(v), path, "a string"),
            },
            Kind::Boolean => {
                if v.as_bool().is_none() {
                    self.type_error(span, value_kind(v), path, "true or false");
                }
            }
            Kind::Integer => match v.as_integer() {
                Some(n) if (0..=i64::from(u32::MAX)).contains(&n) => {}
                Some(_) => {
                    self.error(
                        span,
                        format!("`{path}` must be a whole number of 0 or more"),
                    );
                }
                None => self.type_error(span, value_kind(v), path, "a whole number"),
            },
            Kind::Date => self.date(v, path),
            Kind::Choice(choices) => {
                let names: Vec<&str> = choices.iter().map(|c| c.name).collect();
                match v.as_str() {
                    Some(s) if names.contains(&s) => {}
                    Some(s) => {
                        let message = if in_list {
                            format!("`{list}` may hold only {}, found `{s}`", quoted(&names))
                        } else {
                            format!("`{path}` must be one of {}, found `{s}`", quoted(&names))
                        };
                        let d = self.error(span, message);
                        if let Some(hit) = suggest(s, &names) {
                            d.hints.push(format!("did you mean `{hit}`?"));
                        }
                    }
                    None if in_list => {
                        self.error(span, format!("`{list}` must hold only strings"))
                            .label = Some("not a string".into());
                    }
                    None => self.type_error(span, value_kind(v), path, "a string"),
                }
            }
            Kind::List(_) | Kind::Table(_) | Kind::Tables(_) | Kind::Map(..) => {
                self.type_error(span, value_kind(v), path, expected(kind));
            }
        }
    }

    /// Reports a text value that does not take its field's form, with the nearest that does.
    fn format(&mut self, format: Format, text: &str, span: Option<Range<usize>>) {
        match format {
            Format::Country if !country::is_known(text) => {
                let d = self.error(
                    span,
                    format!("`{text}` is not an ISO 3166-1 alpha-2 country code"),
                );
                d.label = Some("unknown country".into());
                if let Some(s) = country::suggest_code(text) {
                    d.hints.push(format!("did you mean `{s}`?"));
                }
            }
            Format::Region if !country::region_is_valid(text) => {
                let d = self.error(
                    span,
                    format!("`{text}` is not a region: use a country code, a subdivision like `US-CA`, or `EEA`, `UK`, `CH`"),
                );
                if let Some(code) = country::suggest_region(text) {
                    d.hints.push(format!("did you mean `{code}`?"));
                }
            }
            _ => {}
        }
    }

    fn date(&mut self, v: &Value, path: &str) {
        let span = v.span();
        let text = match v {
            Value::Datetime(d) => {
                let dt = d.value();
                if dt.time.is_some() || dt.offset.is_some() || dt.date.is_none() {
                    self.error(
                        span,
                        format!("`{path}` must be a date without a time, like 2025-01-15"),
                    );
                    return;
                }
                dt.to_string()
            }
            Value::String(s) => s.value().clone(),
            other => {
                self.type_error(span, value_kind(other), path, "a date like 2025-01-15");
                return;
            }
        };
        if NaiveDate::parse_from_str(&text, "%Y-%m-%d").is_err() {
            self.error(span, format!("`{path}` is not a valid date: `{text}`"))
                .hints
                .push("write dates as YYYY-MM-DD, like 2025-01-15".into());
        }
    }
}

/// The path of a field named `key` (or nearly) in another table of the record than `prefix`,
/// among `all` its paths.
fn elsewhere(all: &[String], key: &str, prefix: &str) -> Option<String> {
    let here = strip_indexes(prefix);
    let leaves: Vec<&str> = all
        .iter()
        .filter(|p| p.contains('.') && parent(p) != here)
        .map(|p| p.rsplit('.').next().unwrap_or(p))
        .collect();
    let hit = suggest(key, &leaves)?;
    let candidates: Vec<&String> = all
        .iter()
        .filter(|p| p.contains('.') && parent(p) != here && p.rsplit('.').next() == Some(hit))
        .collect();
    // A name shared by several tables (`name`) is no clue to where it belongs.
    match candidates.as_slice() {
        [one] => Some((*one).clone()),
        _ => None,
    }
}

/// `a.b` of `a.b.c`; empty for a top-level path.
fn parent(path: &str) -> &str {
    path.rsplit_once('.').map_or("", |(p, _)| p)
}

/// A path without its list items, indexed or keyed: `subprocessors[2].name` and
/// `vendor.subprocessors[Acme].name` -> `subprocessors.name`, `vendor.subprocessors.name`.
pub(crate) fn strip_indexes(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut depth = 0;
    for c in path.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

fn expected(kind: Kind) -> &'static str {
    match kind {
        Kind::Text | Kind::Choice(_) => "a string",
        Kind::Integer => "a whole number",
        Kind::Boolean => "true or false",
        Kind::Date => "a date like 2025-01-15",
        Kind::List(_) => "a list",
        Kind::Table(_) | Kind::Map(..) => "a table",
        Kind::Tables(_) => "an array of tables",
    }
}

fn list_of(kind: Kind) -> String {
    match kind {
        Kind::Text | Kind::Choice(_) => "a list of strings".into(),
        other => format!("a list of {}", expected(other)),
    }
}

/// The type of a field as the reference shows it.
pub fn type_name(kind: Kind) -> String {
    match kind {
        Kind::Text => "string".into(),
        Kind::Integer => "integer (0 or more)".into(),
        Kind::Boolean => "boolean".into(),
        Kind::Date => "date (YYYY-MM-DD)".into(),
        Kind::Choice(_) => "one of the values below".into(),
        Kind::List(item) => match item() {
            Kind::Choice(_) => "list of the values below".into(),
            other => format!("list of {}", type_name(other)),
        },
        Kind::Table(_) => "table".into(),
        Kind::Tables(_) => "list of tables (`[[...]]`)".into(),
        Kind::Map(_, value) => format!("table of {} by the keys below", type_name(value())),
    }
}

/// The type of a field as the reference shows it, with the form its text takes.
pub fn field_type(f: &Field) -> String {
    match (f.format, (f.kind)()) {
        (Some(form), Kind::List(_)) => format!("list of {}", form.describe()),
        (Some(form), _) => form.describe().to_string(),
        (None, kind) => type_name(kind),
    }
}

/// The field reference: every field of each record with its type, meaning, allowed values,
/// default, whether it is required and an example, as Markdown.
pub fn reference(records: &[(&str, &str, &str, &'static [Field])]) -> String {
    let mut out = String::from(
        "# Record fields\n\n\
         Generated from the record types by `dpa fields --markdown`; a test fails when they \
         disagree. `dpa fields PATH` prints one field in the terminal.\n\n\
         Each field gives its type, whether a record must give it (*required*), may leave it out \
         (*optional*, with the default that then applies) or leaves it to dpa (*written by dpa*), \
         its allowed values with their meanings, and an example line. A field under a table is \
         written inside that table: `processing.regions` is the key `regions` after the line \
         `[processing]`. Dates are written `2025-01-15`, without quotes.\n",
    );
    for (title, file, intro, fields) in records {
        out.push_str(&format!("\n## {title} (`{file}`)\n\n{intro}\n\n"));
        for p in paths(fields) {
            if let Some(f) = field_at(fields, &p) {
                out.push_str(&field_text(&p, &f, true));
            }
        }
    }
    out
}

/// A TOML value written for a kind from an example's text: quoted for text and closed sets,
/// as is for numbers, booleans and dates.
fn example_value(kind: Kind, text: &str) -> String {
    match kind {
        Kind::Text | Kind::Choice(_) => toml_edit::Value::from(text).to_string(),
        _ => text.to_string(),
    }
}

/// An example of a field as a record writes it: `key = value`, or the header of a table.
pub fn example(path: &str, f: &Field) -> Option<String> {
    let key = f.name;
    let line = |value: String| Some(format!("{key} = {value}"));
    match ((f.kind)(), f.example) {
        (Kind::Table(_), _) => Some(format!("[{}]", strip_indexes(path))),
        (Kind::Tables(_), _) => Some(format!("[[{}]]", strip_indexes(path))),
        (Kind::Map(_, value), Some(ex)) => {
            let (k, v) = ex.split_once('=')?;
            Some(format!(
                "{} = {}",
                k.trim(),
                example_value(value(), v.trim())
            ))
        }
        (Kind::List(item), Some(ex)) => {
            let items: Vec<String> = ex
                .split('|')
                .map(|i| example_value(item(), i.trim()))
                .collect();
            line(format!("[{}]", items.join(", ")))
        }
        (kind, Some(ex)) => line(example_value(kind, ex)),
        (Kind::Choice(c), None) => line(example_value(Kind::Text, c.first()?.name)),
        (Kind::List(item), None) => match item() {
            Kind::Choice(c) => line(format!("[{}]", example_value(Kind::Text, c.first()?.name))),
            _ => None,
        },
        (Kind::Boolean, None) => line("true".into()),
        (Kind::Date, None) => line("2025-01-15".into()),
        _ => None,
    }
}

/// One field's entry in the reference.
pub fn field_text(path: &str, f: &Field, markdown: bool) -> String {
    let kind = (f.kind)();
    let need = if f.role == Role::Managed {
        "written by dpa"
    } else if f.required() {
        "required"
    } else {
        "optional"
    };
    let mut out = if markdown {
        format!(
            "### `{path}`\n\n{}\n\n- type: {}\n- {need}\n",
            f.doc.trim(),
            field_type(f)
        )
    } else {
        format!(
            "{path}\n  {}\n  type: {}; {need}\n",
            f.doc.trim(),
            field_type(f)
        )
    };
    if let Some(d) = f.default {
        // A default in words (`the legal name`) is prose; a value is code.
        let prose = d.contains(' ') && !d.starts_with('[');
        out.push_str(&match (markdown, prose) {
            (true, true) => format!("- default: {d}\n"),
            (true, false) => format!("- default: `{d}`\n"),
            (false, _) => format!("  default: {d}\n"),
        });
    }
    let (label, choices) = match kind {
        Kind::Choice(c) => ("values", Some(c)),
        Kind::Map(c, _) => ("keys", Some(c)),
        Kind::List(item) => match item() {
            Kind::Choice(c) => ("values", Some(c)),
            _ => ("values", None),
        },
        _ => ("values", None),
    };
    if let Some(choices) = choices {
        out.push_str(&if markdown {
            format!("- {label}:\n")
        } else {
            format!("  {label}:\n")
        });
        for c in choices {
            let name = if label == "keys" {
                c.name.to_string()
            } else {
                format!("\"{}\"", c.name)
            };
            out.push_str(&if markdown {
                format!("  - `{name}`: {}\n", c.doc.trim())
            } else {
                format!("    {:<20} {}\n", name, c.doc.trim())
            });
        }
    }
    if let Some(ex) = example(path, f) {
        out.push_str(&if markdown {
            format!("- example: `{ex}`\n")
        } else {
            format!("  example: {ex}\n")
        });
    }
    if markdown {
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_read_from_attributes() {
        assert!(has_default("serde(default)"));
        assert!(has_default("serde(default = \"x\")"));
        assert!(!has_default("serde(rename = \"x\")"));
        assert!(!has_default(""));
    }

    crate::record! {
        /// A record as it would be after adding one optional field: nothing else is edited.
        #[derive(Debug, serde::Deserialize)]
        pub struct Grown {
            /// Legal name.
            pub name: String,
            /// A field added for this test.
            pub renewal_owner: Option<String>,
            /// The record's spans.
            [computed]
            #[serde(skip)]
            pub spans: Spans,
        }
    }

    impl HasSpans for Grown {
        fn spans_mut(&mut self) -> &mut Spans {
            &mut self.spans
        }
    }

    #[test]
    fn a_new_optional_field_is_read_checked_and_suggested() {
        let mut d = Diagnostics::new();
        let g: Grown =
            load("g.toml", "name = \"A\"\nrenewal_owner = \"Jo\"\n", &mut d).expect("loads");
        assert_eq!(
            (g.name.as_str(), g.renewal_owner.as_deref()),
            ("A", Some("Jo"))
        );
        let mut d = Diagnostics::new();
        let bad: Option<Grown> = load("g.toml", "name = \"A\"\nrenewal_ownr = \"Jo\"\n", &mut d);
        assert!(bad.is_none());
        let hints: Vec<&String> = d.iter().flat_map(|x| &x.hints).collect();
        assert_eq!(hints, [&"did you mean `renewal_owner`?".to_string()]);
        assert!(paths(Grown::FIELDS).contains(&"renewal_owner".to_string()));
        let reference = reference(&[("Grown", "g.toml", "A test record.", Grown::FIELDS)]);
        assert!(
            reference.contains("### `renewal_owner`\n\nA field added for this test.\n\n- type: string\n- optional\n"),
            "{reference}"
        );
        assert!(!paths(Grown::FIELDS).contains(&"spans".to_string()));
    }

    #[test]
    fn every_field_has_a_valid_example() {
        for (_, file, _, fields) in crate::model::RECORDS {
            for path in paths(fields) {
                let f = field_at(fields, &path).expect("a path names its field");
                assert!(
                    f.doc.trim().len() > 3,
                    "{file}: `{path}` has no documentation"
                );
                let ex =
                    example(&path, &f).unwrap_or_else(|| panic!("{file}: `{path}` has no example"));
                if matches!((f.kind)(), Kind::Table(_) | Kind::Tables(_)) {
                    continue;
                }
                let text = match path.rsplit_once('.') {
                    _ if matches!((f.kind)(), Kind::Map(..)) => format!("[{path}]\n{ex}\n"),
                    None => ex.clone(),
                    Some((parent, _)) => {
                        let p = field_at(fields, parent).expect("parent");
                        // A list of tables inside a list of tables needs its parent's header first.
                        let outer = parent
                            .rsplit_once('.')
                            .filter(|(gp, _)| {
                                field_at(fields, gp)
                                    .is_some_and(|g| matches!((g.kind)(), Kind::Tables(_)))
                            })
                            .map(|(gp, _)| format!("[[{gp}]]\n"))
                            .unwrap_or_default();
                        match (p.kind)() {
                            Kind::Tables(_) => format!("{outer}[[{parent}]]\n{ex}\n"),
                            _ => format!("{outer}[{parent}]\n{ex}\n"),
                        }
                    }
                };
                let doc = parse_document(file, &text).expect("example is TOML");
                let mut d = Diagnostics::new();
                validate(file, doc.as_table(), fields, &mut d);
                let wrong: Vec<&str> = d
                    .iter()
                    .map(|x| x.message.as_str())
                    .filter(|m| !m.starts_with("missing required field"))
                    .collect();
                assert!(wrong.is_empty(), "{file}: example `{ex}`: {wrong:?}");
            }
        }
    }

    #[test]
    fn the_ccpa_threshold_in_the_reference_is_the_data() {
        let t = crate::model::ccpa::revenue_threshold();
        let f = field_at(
            crate::model::Company::FIELDS,
            "ccpa.annual_gross_revenue_usd",
        )
        .expect("field");
        let usd = t.usd.to_string();
        let grouped: Vec<&str> = usd
            .as_bytes()
            .rchunks(3)
            .rev()
            .map(|c| std::str::from_utf8(c).unwrap_or(""))
            .collect();
        assert!(
            f.doc
                .contains(&format!("USD {} from {}", grouped.join(","), t.from)),
            "{}",
            f.doc
        );
    }

    #[test]
    fn indexes_are_stripped() {
        assert_eq!(strip_indexes("subprocessors[2].name"), "subprocessors.name");
        assert_eq!(parent("a.b.c"), "a.b");
        assert_eq!(parent("a"), "");
    }
}
