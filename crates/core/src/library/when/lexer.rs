//! The lexer of `when` conditions: source text to tokens with byte spans.

use serde_json::{Number, Value};
use std::ops::Range;

use super::WhenError;

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok {
    Path(String),
    Str(String),
    Num(Value),
    True,
    False,
    And,
    Or,
    Not,
    In,
    EqEq,
    NotEq,
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Eof,
}

#[derive(Debug, Clone)]
pub(super) struct Token {
    pub(super) tok: Tok,
    pub(super) span: Range<usize>,
}

pub(super) struct Lexer<'a> {
    pub(super) src: &'a str,
    pub(super) pos: usize,
}

pub(super) fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

pub(super) fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

impl Lexer<'_> {
    pub(super) fn peek(&self) -> Option<char> {
        self.src[self.pos..].chars().next()
    }

    pub(super) fn peek2(&self) -> Option<char> {
        self.src[self.pos..].chars().nth(1)
    }

    pub(super) fn run(mut self) -> Result<Vec<Token>, WhenError> {
        let mut out = Vec::new();
        loop {
            while self.peek().is_some_and(char::is_whitespace) {
                self.pos += self.peek().map_or(0, char::len_utf8);
            }
            let start = self.pos;
            let Some(c) = self.peek() else {
                out.push(Token {
                    tok: Tok::Eof,
                    span: start..start,
                });
                return Ok(out);
            };
            let tok = match c {
                '(' | ')' | '[' | ']' | ',' => {
                    self.pos += 1;
                    match c {
                        '(' => Tok::LParen,
                        ')' => Tok::RParen,
                        '[' => Tok::LBracket,
                        ']' => Tok::RBracket,
                        _ => Tok::Comma,
                    }
                }
                '=' | '!' => {
                    if self.peek2() == Some('=') {
                        self.pos += 2;
                        if c == '=' { Tok::EqEq } else { Tok::NotEq }
                    } else if c == '=' {
                        return Err(WhenError::new(start..start + 1, "`=` is not an operator")
                            .hint("did you mean `==`?"));
                    } else {
                        return Err(WhenError::new(start..start + 1, "`!` is not an operator")
                            .hint("write `not` to negate, or `!=` to compare"));
                    }
                }
                '&' | '|' => {
                    let len = if self.peek2() == Some(c) { 2 } else { 1 };
                    let word = if c == '&' { "and" } else { "or" };
                    return Err(WhenError::new(
                        start..start + len,
                        format!("`{}` is not an operator", &self.src[start..start + len]),
                    )
                    .hint(format!("did you mean `{word}`?")));
                }
                '<' | '>' => {
                    let len = if self.peek2() == Some('=') { 2 } else { 1 };
                    return Err(WhenError::new(
                        start..start + len,
                        format!("`{}` is not supported", &self.src[start..start + len]),
                    )
                    .hint("conditions compare with `==`, `!=`, `in` and `not in`"));
                }
                '\'' | '"' => self.string(c)?,
                c if c.is_ascii_digit() => self.number()?,
                '-' if self.peek2().is_some_and(|d| d.is_ascii_digit()) => self.number()?,
                c if is_ident_start(c) => self.path()?,
                c => {
                    return Err(WhenError::new(
                        start..start + c.len_utf8(),
                        format!("unexpected character `{}`", c.escape_debug()),
                    ));
                }
            };
            out.push(Token {
                tok,
                span: start..self.pos,
            });
        }
    }

    pub(super) fn ident(&mut self) -> &str {
        let start = self.pos;
        while self.peek().is_some_and(is_ident_char) {
            self.pos += 1;
        }
        &self.src[start..self.pos]
    }

    pub(super) fn path(&mut self) -> Result<Tok, WhenError> {
        let start = self.pos;
        let first = self.ident();
        // A keyword is never the start of a path; a '.' after it is then
        // reported by the parser as an unexpected character.
        match first {
            "and" => return Ok(Tok::And),
            "or" => return Ok(Tok::Or),
            "not" => return Ok(Tok::Not),
            "in" => return Ok(Tok::In),
            "true" => return Ok(Tok::True),
            "false" => return Ok(Tok::False),
            _ => {}
        }
        while self.peek() == Some('.') {
            if !self.peek2().is_some_and(is_ident_start) {
                return Err(WhenError::new(
                    self.pos..self.pos + 1,
                    "expected a field name after `.`",
                )
                .hint("field names start with a letter or `_`"));
            }
            self.pos += 1;
            self.ident();
        }
        Ok(Tok::Path(self.src[start..self.pos].to_string()))
    }

    pub(super) fn number(&mut self) -> Result<Tok, WhenError> {
        let start = self.pos;
        if self.peek() == Some('-') {
            self.pos += 1;
        }
        let digits = |lx: &mut Self| {
            while lx.peek().is_some_and(|c| c.is_ascii_digit()) {
                lx.pos += 1;
            }
        };
        digits(self);
        let mut decimal = false;
        if self.peek() == Some('.') {
            if !self.peek2().is_some_and(|c| c.is_ascii_digit()) {
                return Err(WhenError::new(
                    self.pos..self.pos + 1,
                    "expected digits after the decimal point",
                ));
            }
            decimal = true;
            self.pos += 1;
            digits(self);
        }
        if self.peek().is_some_and(is_ident_char) {
            // `12abc`: take the whole word so the error names what was written.
            while self.peek().is_some_and(is_ident_char) {
                self.pos += 1;
            }
            let text = &self.src[start..self.pos];
            return Err(
                WhenError::new(start..self.pos, format!("invalid number `{text}`"))
                    .hint("field names start with a letter or `_`; text goes in quotes"),
            );
        }
        let text = &self.src[start..self.pos];
        let int = if decimal {
            None
        } else {
            text.parse::<i64>().ok()
        };
        let num = match int {
            Some(i) => Some(Number::from(i)),
            // Integers beyond i64 and decimals are kept as f64.
            None => text.parse::<f64>().ok().and_then(Number::from_f64),
        };
        match num {
            Some(n) => Ok(Tok::Num(Value::Number(n))),
            None => Err(WhenError::new(
                start..self.pos,
                format!("number `{}` is too large", snippet(text)),
            )),
        }
    }

    pub(super) fn string(&mut self, quote: char) -> Result<Tok, WhenError> {
        let start = self.pos;
        self.pos += 1;
        let mut out = String::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(WhenError::new(start..start + 1, "unclosed string")
                    .hint(format!("add a closing `{quote}`")));
            };
            let at = self.pos;
            self.pos += c.len_utf8();
            if c == quote {
                return Ok(Tok::Str(out));
            }
            if c != '\\' {
                out.push(c);
                continue;
            }
            match self.peek() {
                Some(e @ ('\\' | '\'' | '"')) => {
                    self.pos += 1;
                    out.push(e);
                }
                Some(e) => {
                    return Err(WhenError::new(
                        at..self.pos + e.len_utf8(),
                        format!("unknown escape `\\{}`", e.escape_debug()),
                    )
                    .hint(
                        "only `\\\\`, `\\'` and `\\\"` are escapes; write `\\\\` for a backslash",
                    ));
                }
                None => {
                    return Err(WhenError::new(start..start + 1, "unclosed string")
                        .hint(format!("add a closing `{quote}`")));
                }
            }
        }
    }
}

/// Source text for a message, cut short so that a long string literal does
/// not swamp the error.
pub(super) fn snippet(text: &str) -> String {
    const MAX: usize = 40;
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text.to_string(),
    }
}
