//! A strict reader over a parsed TOML document that records every problem with its span (clause front matter and the requirement registry).

use std::ops::Range;

use chrono::NaiveDate;
use toml_edit::{Item, TableLike, Value};

use crate::diag::suggest;
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::schema::{join, quoted, unknown_keys};

/// Reads typed values out of TOML tables, collecting diagnostics instead of stopping at the first.
pub struct Reader<'a> {
    file: &'a str,
    diags: &'a mut Diagnostics,
    /// Spans of every value read, by dotted path, for checks made after reading.
    pub spans: Vec<(String, Range<usize>)>,
    /// Keys offered as "did you mean" for a misspelt key; their absence is not reported again.
    suggested: Vec<String>,
}

/// The kind of a TOML value, for "expected X, found Y" messages.
fn kind(item: &Item) -> &'static str {
    match item {
        Item::None => "nothing",
        Item::Table(_) => "a table",
        Item::ArrayOfTables(_) => "an array of tables",
        Item::Value(v) => match v {
            Value::String(_) => "a string",
            Value::Integer(_) => "an integer",
            Value::Float(_) => "a float",
            Value::Boolean(_) => "a boolean",
            Value::Datetime(_) => "a date",
            Value::Array(_) => "an array",
            Value::InlineTable(_) => "an inline table",
        },
    }
}

impl<'a> Reader<'a> {
    /// A reader for `file` that adds its diagnostics to `diags`.
    pub fn new(file: &'a str, diags: &'a mut Diagnostics) -> Self {
        Self {
            file,
            diags,
            spans: Vec::new(),
            suggested: Vec::new(),
        }
    }

    /// The file name diagnostics carry.
    pub fn file(&self) -> &str {
        self.file
    }

    /// Records an error at `span`.
    pub fn error(
        &mut self,
        span: Option<Range<usize>>,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.diags.push(Diagnostic::error(
            self.file,
            Some(span.unwrap_or(0..0)),
            message,
        ));
        self.diags.last_mut()
    }

    /// Records a warning at `span`.
    pub fn warning(&mut self, span: Range<usize>, message: impl Into<String>) -> &mut Diagnostic {
        self.diags
            .push(Diagnostic::warning(self.file, Some(span), message));
        self.diags.last_mut()
    }

    /// The span recorded for a dotted path, if it was read.
    pub fn span_of(&self, path: &str) -> Option<Range<usize>> {
        self.spans
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, s)| s.clone())
    }

    /// Reports every key of `table` that is not in `allowed`, with the nearest known key.
    pub fn check_keys(&mut self, table: &dyn TableLike, prefix: &str, allowed: &[&str]) {
        let suggested = unknown_keys(
            self.file,
            self.diags,
            table,
            prefix,
            prefix,
            allowed,
            |_| None,
        );
        self.suggested.extend(suggested);
    }

    fn value<'t>(
        &mut self,
        table: &'t dyn TableLike,
        prefix: &str,
        key: &str,
        required: bool,
        container: Option<Range<usize>>,
    ) -> Option<&'t Item> {
        match table.get(key) {
            Some(item) if !item.is_none() => {
                if let Some(span) = item.span() {
                    self.spans.push((join(prefix, key), span));
                }
                Some(item)
            }
            _ => {
                if required && !self.suggested.contains(&join(prefix, key)) {
                    let name = join(prefix, key);
                    let d = self.error(container, format!("missing required field `{name}`"));
                    d.label = Some(format!("`{key}` is required here"));
                }
                None
            }
        }
    }

    fn type_error(&mut self, item: &Item, prefix: &str, key: &str, expected: &str) {
        let name = join(prefix, key);
        let found = kind(item);
        self.error(
            item.span(),
            format!("`{name}` must be {expected}, found {found}"),
        )
        .label = Some(format!("expected {expected}"));
    }

    /// A string field; `required` reports its absence.
    pub fn string(
        &mut self,
        t: &dyn TableLike,
        prefix: &str,
        key: &str,
        required: bool,
        container: Option<Range<usize>>,
    ) -> Option<String> {
        let item = self.value(t, prefix, key, required, container)?;
        match item.as_str() {
            Some(s) if s.trim().is_empty() && required => {
                self.error(
                    item.span(),
                    format!("`{}` must not be empty", join(prefix, key)),
                );
                None
            }
            Some(s) => Some(s.to_string()),
            None => {
                self.type_error(item, prefix, key, "a string");
                None
            }
        }
    }

    /// A boolean field.
    pub fn boolean(&mut self, t: &dyn TableLike, prefix: &str, key: &str) -> Option<bool> {
        let item = self.value(t, prefix, key, false, None)?;
        match item.as_bool() {
            Some(b) => Some(b),
            None => {
                self.type_error(item, prefix, key, "true or false");
                None
            }
        }
    }

    /// A non-negative integer field.
    pub fn integer(
        &mut self,
        t: &dyn TableLike,
        prefix: &str,
        key: &str,
        required: bool,
        container: Option<Range<usize>>,
    ) -> Option<u32> {
        let item = self.value(t, prefix, key, required, container)?;
        match item.as_integer() {
            Some(n) if (0..=i64::from(u32::MAX)).contains(&n) => Some(n as u32),
            Some(_) => {
                self.error(
                    item.span(),
                    format!(
                        "`{}` must be a whole number of 0 or more",
                        join(prefix, key)
                    ),
                );
                None
            }
            None => {
                self.type_error(item, prefix, key, "a whole number");
                None
            }
        }
    }

    /// A date field, written as a TOML date (`2025-01-15`) or a string of that form.
    pub fn date(
        &mut self,
        t: &dyn TableLike,
        prefix: &str,
        key: &str,
        required: bool,
        container: Option<Range<usize>>,
    ) -> Option<NaiveDate> {
        let item = self.value(t, prefix, key, required, container)?;
        let name = join(prefix, key);
        let text = match item {
            Item::Value(Value::Datetime(d)) => {
                let dt = d.value();
                if dt.time.is_some() || dt.offset.is_some() || dt.date.is_none() {
                    self.error(
                        item.span(),
                        format!("`{name}` must be a date without a time, like 2025-01-15"),
                    );
                    return None;
                }
                dt.to_string()
            }
            Item::Value(Value::String(s)) => s.value().clone(),
            _ => {
                self.type_error(item, prefix, key, "a date like 2025-01-15");
                return None;
            }
        };
        match NaiveDate::parse_from_str(&text, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                self.error(
                    item.span(),
                    format!("`{name}` is not a valid date: `{text}`"),
                )
                .hints
                .push("write dates as YYYY-MM-DD, like 2025-01-15".into());
                None
            }
        }
    }

    /// A list of strings.
    pub fn strings(
        &mut self,
        t: &dyn TableLike,
        prefix: &str,
        key: &str,
        required: bool,
        container: Option<Range<usize>>,
    ) -> Option<Vec<String>> {
        let item = self.value(t, prefix, key, required, container)?;
        let Some(array) = item.as_array() else {
            self.type_error(item, prefix, key, "a list of strings");
            return None;
        };
        let mut out = Vec::with_capacity(array.len());
        for (i, v) in array.iter().enumerate() {
            match v.as_str() {
                Some(s) => {
                    if let Some(span) = v.span() {
                        self.spans
                            .push((format!("{}[{i}]", join(prefix, key)), span));
                    }
                    out.push(s.to_string())
                }
                None => {
                    let name = join(prefix, key);
                    self.error(v.span(), format!("`{name}` must hold only strings"))
                        .label = Some("not a string".into());
                }
            }
        }
        Some(out)
    }

    /// A string that must be one of `choices`.
    pub fn choice(
        &mut self,
        t: &dyn TableLike,
        prefix: &str,
        key: &str,
        choices: &[&str],
        required: bool,
        container: Option<Range<usize>>,
    ) -> Option<String> {
        let value = self.string(t, prefix, key, required, container)?;
        if choices.contains(&value.as_str()) {
            return Some(value);
        }
        let span = self.span_of(&join(prefix, key));
        let name = join(prefix, key);
        let d = self.error(
            span,
            format!(
                "`{name}` must be one of {}, found `{value}`",
                quoted(choices)
            ),
        );
        if let Some(s) = suggest(&value, choices) {
            d.hints.push(format!("did you mean `{s}`?"));
        }
        None
    }

    /// A sub-table (standard or inline) and its span; reports a value of another type.
    pub fn table<'t>(
        &mut self,
        t: &'t dyn TableLike,
        prefix: &str,
        key: &str,
        required: bool,
        container: Option<Range<usize>>,
    ) -> Option<(&'t dyn TableLike, Option<Range<usize>>)> {
        let item = self.value(t, prefix, key, required, container)?;
        match item.as_table_like() {
            Some(tl) => Some((
                tl,
                item.span()
                    .or_else(|| t.get_key_value(key).and_then(|(k, _)| k.span())),
            )),
            None => {
                self.type_error(item, prefix, key, "a table");
                None
            }
        }
    }

    /// An array of tables (`[[key]]` or an array of inline tables), each with its span.
    pub fn tables<'t>(
        &mut self,
        t: &'t dyn TableLike,
        prefix: &str,
        key: &str,
    ) -> Vec<(&'t dyn TableLike, Option<Range<usize>>)> {
        let Some(item) = self.value(t, prefix, key, false, None) else {
            return Vec::new();
        };
        match item {
            Item::ArrayOfTables(a) => a.iter().map(|t| (t as &dyn TableLike, t.span())).collect(),
            Item::Value(Value::Array(a)) => {
                let mut out = Vec::new();
                for v in a.iter() {
                    match v.as_inline_table() {
                        Some(it) => out.push((it as &dyn TableLike, v.span())),
                        None => {
                            self.error(
                                v.span(),
                                format!("`{}` must hold only tables", join(prefix, key)),
                            );
                        }
                    }
                }
                out
            }
            other => {
                self.type_error(other, prefix, key, "an array of tables");
                Vec::new()
            }
        }
    }
}
