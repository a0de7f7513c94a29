//! Word's automatic numbering (`word/numbering.xml`): list labels as displayed, `1.`, `1.1`, `(a)`,
//! `(i)`, as the DOCX reader needs them to turn numbered paragraphs into clause numbers.

use std::collections::HashMap;

use crate::numerals::{letters, roman};

/// One level of a list definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LevelDef {
    /// The first number.
    pub start: u32,
    /// Word's number format: `decimal`, `lowerLetter`, `upperRoman`, `bullet`, `none`, …
    pub format: String,
    /// The label template, `%1.%2` meaning the counters of levels 0 and 1.
    pub text: String,
}

/// The list definitions of a document and the running counters, as Word displays them.
#[derive(Debug, Default)]
pub struct Numbering {
    /// numId -> (abstractNumId, levels, whether the instance restarts its counters).
    lists: HashMap<usize, (usize, Vec<LevelDef>, bool)>,
    /// abstractNumId -> counters per level (0 = not yet used).
    counters: HashMap<usize, Vec<u32>>,
    /// Instances whose restart has been applied.
    started: std::collections::HashSet<usize>,
}

fn json<T: serde::Serialize>(x: &T) -> serde_json::Value {
    serde_json::to_value(x).unwrap_or(serde_json::Value::Null)
}

impl Numbering {
    /// Reads the list definitions of a parsed document.
    pub fn from_docx(docx: &docx_rs::Docx) -> Numbering {
        let mut abstracts: HashMap<usize, Vec<LevelDef>> = HashMap::new();
        for a in &docx.numberings.abstract_nums {
            let mut levels: Vec<LevelDef> = Vec::new();
            for l in &a.levels {
                let def = LevelDef {
                    start: json(&l.start).as_u64().unwrap_or(1) as u32,
                    format: l.format.val.clone(),
                    text: json(&l.text).as_str().unwrap_or("").to_string(),
                };
                if l.level < 9 {
                    if levels.len() <= l.level {
                        levels.resize(
                            l.level + 1,
                            LevelDef {
                                start: 1,
                                format: "decimal".into(),
                                text: String::new(),
                            },
                        );
                    }
                    levels[l.level] = def;
                }
            }
            abstracts.insert(a.id, levels);
        }
        let mut lists = HashMap::new();
        for n in &docx.numberings.numberings {
            let mut levels = abstracts
                .get(&n.abstract_num_id)
                .cloned()
                .unwrap_or_default();
            let mut restart = false;
            for o in &n.level_overrides {
                if let (Some(start), Some(level)) = (o.override_start, levels.get_mut(o.level)) {
                    level.start = start as u32;
                    restart = true;
                }
            }
            lists.insert(n.id, (n.abstract_num_id, levels, restart));
        }
        Numbering {
            lists,
            ..Numbering::default()
        }
    }

    /// Advances list `num_id` at `level` and returns the label displayed, with the level's format.
    pub fn next(&mut self, num_id: usize, level: usize) -> Option<(String, String)> {
        let (abs, levels, restart) = self.lists.get(&num_id)?;
        let def = levels.get(level)?;
        let counters = self.counters.entry(*abs).or_insert_with(|| vec![0; 9]);
        if *restart && self.started.insert(num_id) {
            counters.iter_mut().for_each(|c| *c = 0);
        }
        if level >= counters.len() {
            return None;
        }
        counters[level] = if counters[level] == 0 {
            def.start
        } else {
            counters[level].saturating_add(1)
        };
        for c in counters.iter_mut().skip(level + 1) {
            *c = 0;
        }
        if def.format == "bullet" || def.format == "none" {
            return Some((String::new(), def.format.clone()));
        }
        let mut label = String::new();
        let mut chars = def.text.chars().peekable();
        while let Some(c) = chars.next() {
            match (c, chars.peek().and_then(|d| d.to_digit(10))) {
                ('%', Some(d)) if (1..=9).contains(&d) => {
                    chars.next();
                    let k = d as usize - 1;
                    let value = counters
                        .get(k)
                        .copied()
                        .filter(|v| *v > 0)
                        .or_else(|| levels.get(k).map(|l| l.start))
                        .unwrap_or(1);
                    let format = levels.get(k).map_or("decimal", |l| l.format.as_str());
                    label.push_str(&format_number(value, format));
                }
                _ => label.push(c),
            }
        }
        Some((label, def.format.clone()))
    }
}

/// A counter value in one of Word's number formats.
pub fn format_number(n: u32, format: &str) -> String {
    match format {
        "lowerLetter" => letters(n, false),
        "upperLetter" => letters(n, true),
        "lowerRoman" => roman(n, false),
        "upperRoman" => roman(n, true),
        "decimalZero" if n < 10 => format!("0{n}"),
        _ => n.to_string(),
    }
}
