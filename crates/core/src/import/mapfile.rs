//! The workspace's saved column mapping, `import-map.toml`: which record fact each column of
//! procurement's own export fills, kept so that the next export imports with no `--map`.
//!
//! ```toml
//! [columns]
//! "Supplier" = "name"
//! "Do they get EU data?" = "regions:EEA"
//! "Annual spend" = ""
//! ```

use std::path::Path;

use toml_edit::{DocumentMut, Item, Table};

/// The file, at the workspace root.
pub const FILE: &str = "import-map.toml";

/// The saved `COLUMN=FIELD` pairs, in file order; none when there is no file. An unreadable or
/// malformed file is an error, never an empty mapping.
pub fn load(root: &Path) -> Result<Vec<(String, String)>, String> {
    let path = root.join(FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(format!("{FILE} cannot be read: {e}")),
    };
    let doc: DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
        format!("{FILE} is not valid TOML: {}", e.message().trim())
    })?;
    let mut out = Vec::new();
    for (key, item) in doc.iter() {
        if key != "columns" {
            return Err(format!(
                "{FILE}: unknown key `{key}`; the file holds one table, [columns], of \"COLUMN\" = \"FIELD\""
            ));
        }
        let Some(table) = item.as_table_like() else {
            return Err(format!(
                "{FILE}: `columns` must be a table of \"COLUMN\" = \"FIELD\""
            ));
        };
        for (column, field) in table.iter() {
            let Some(field) = field.as_str() else {
                return Err(format!(
                    "{FILE}: the field for column `{column}` must be text, like \"name\" or \"regions:EEA\""
                ));
            };
            out.push((column.to_string(), field.trim().to_string()));
        }
    }
    Ok(out)
}

/// Adds `maps` to the saved mapping (a column given again takes the new field), keeping the
/// file's comments; returns the file's new text.
pub fn merged(root: &Path, maps: &[(String, String)]) -> Result<String, String> {
    let path = root.join(FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            "# Which record field each column of our procurement export fills (`dpa import`).\n# \"COLUMN\" = \"FIELD\"; \"FIELD:VALUE\" for a Yes/No column; \"\" leaves a column out.\n[columns]\n".to_string()
        }
        Err(e) => return Err(format!("{FILE} cannot be read: {e}")),
    };
    load(root)?;
    let mut doc: DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
        format!("{FILE} is not valid TOML: {}", e.message().trim())
    })?;
    let columns = doc
        .entry("columns")
        .or_insert(Item::Table(Table::new()))
        .as_table_like_mut()
        .ok_or_else(|| format!("{FILE}: `columns` must be a table"))?;
    for (column, field) in maps {
        columns.insert(column, toml_edit::value(field.as_str()));
    }
    Ok(doc.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_maps_round_trip() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert!(load(dir.path()).unwrap().is_empty());
        let text = merged(
            dir.path(),
            &[("Do they get EU data?".into(), "regions:EEA".into())],
        )
        .unwrap();
        std::fs::write(dir.path().join(FILE), text).unwrap();
        let text = merged(dir.path(), &[("HQ".into(), "country".into())]).unwrap();
        std::fs::write(dir.path().join(FILE), &text).unwrap();
        assert!(text.starts_with("# Which record field"), "{text}");
        assert_eq!(
            load(dir.path()).unwrap(),
            [
                (
                    "Do they get EU data?".to_string(),
                    "regions:EEA".to_string()
                ),
                ("HQ".to_string(), "country".to_string())
            ]
        );
        std::fs::write(dir.path().join(FILE), "[colums]\n").unwrap();
        assert!(
            load(dir.path())
                .unwrap_err()
                .contains("unknown key `colums`")
        );
    }
}
