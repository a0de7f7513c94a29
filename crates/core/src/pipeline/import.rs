//! `import`: vendor records from a procurement export (CSV or XLSX): the table read, the
//! column mapping (saved and given), the plan checked, and the records written.

use std::path::Path;

use crate::error::Error;
use crate::import::{self, Options, Plan, Table};

/// An import, as [`import()`] takes it.
#[derive(Debug, Clone, Default)]
pub struct Request<'a> {
    /// Which record field a column fills, added to (and winning over) the saved mapping.
    pub maps: &'a [(String, String)],
    /// Keep `maps` in the workspace's mapping file for later imports.
    pub save_map: bool,
    /// Check and plan only; write nothing.
    pub dry_run: bool,
    /// Edit existing records in place.
    pub update: bool,
    /// Import the valid rows and leave out the invalid ones.
    pub skip_invalid: bool,
}

/// What [`import()`] read, planned and did.
#[derive(Debug)]
pub struct Imported {
    /// The table read.
    pub table: Table,
    /// What each row does, with the messages placed on rows and columns.
    pub plan: Plan,
    /// Whether columns were mapped as saved in the mapping file.
    pub used_saved_map: bool,
    /// Whether the mapping was saved (`save_map`, not a dry run).
    pub saved_map: bool,
    /// Whether the records were written: not a dry run, and no invalid row (unless skipped).
    pub written: bool,
}

/// Imports the export `file` (named `shown` in messages) into the workspace at `root`: reads
/// it (a workbook in a bounded worker process), maps its columns, plans every row, saves the
/// mapping when asked, and writes the records unless it is a dry run or a row is invalid.
pub fn import(root: &Path, file: &Path, shown: &str, req: &Request) -> Result<Imported, Error> {
    if !root.join(crate::workspace::COMPANY_FILE).is_file() {
        return Err(Error::Usage(format!(
            "no {} here: import into a dpa workspace\n  hint: run `dpa init` to create one, or pass `-C DIR`",
            crate::workspace::COMPANY_FILE
        )));
    }
    let table =
        import::read_table(file, shown).map_err(|why| Error::Usage(format!("{shown}: {why}")))?;
    // The saved mapping first; `maps` adds to it and wins for a column it names again.
    let mut maps = import::mapfile::load(root).map_err(Error::Usage)?;
    for (column, field) in req.maps {
        maps.retain(|(c, _)| c != column);
        maps.push((column.clone(), field.clone()));
    }
    let used_saved_map = !maps.is_empty() && req.maps.len() < maps.len();
    let saved = if req.save_map {
        Some(import::mapfile::merged(root, req.maps).map_err(Error::Usage)?)
    } else {
        None
    };
    let opts = Options {
        maps,
        update: req.update,
        skip_invalid: req.skip_invalid,
    };
    let plan = import::plan(root, &table, &opts)?;
    let saved_map = match &saved {
        Some(text) if !req.dry_run => {
            crate::files::write_atomic(&root.join(import::mapfile::FILE), text.as_bytes())?;
            true
        }
        _ => false,
    };
    let written = !req.dry_run && !plan.has_errors();
    if written {
        import::apply(root, &plan)?;
    }
    Ok(Imported {
        table,
        plan,
        used_saved_map,
        saved_map,
        written,
    })
}
