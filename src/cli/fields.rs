//! `dpa fields`: the record field reference, from the record types themselves.

use dpa::error::Error;
use dpa::model::schema;

use super::Ctx;

/// Arguments of `dpa fields`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A field path such as `transfers.mechanism` or `vendor.processing.regions`; every field when left out.
    #[arg(value_name = "FIELD")]
    pub field: Option<String>,
    /// Print the whole reference as Markdown (the text of docs/records.md).
    #[arg(long, conflicts_with = "field")]
    pub markdown: bool,
}

/// Runs `dpa fields`.
pub fn run(ctx: &Ctx, args: Args) -> Result<u8, Error> {
    if args.markdown {
        ctx.out(&schema::reference(&dpa::model::RECORDS))?;
        return Ok(0);
    }
    let Some(path) = args.field else {
        let mut out = String::new();
        for (title, file, _, fields) in dpa::model::RECORDS {
            out.push_str(&format!("{title} ({file}):\n"));
            for p in schema::paths(fields) {
                if let Some(f) = schema::field_at(fields, &p) {
                    out.push_str(&schema::field_text(&p, &f, false));
                }
            }
            out.push('\n');
        }
        ctx.out(&out)?;
        return Ok(0);
    };
    let found = dpa::model::find_field(&path);
    if found.is_empty() {
        let all: Vec<String> = dpa::model::RECORDS
            .iter()
            .flat_map(|(_, _, _, fields)| schema::paths(fields))
            .collect();
        let refs: Vec<&str> = all.iter().map(String::as_str).collect();
        let leaf = path.rsplit('.').next().unwrap_or(&path);
        let leaves: Vec<&str> = refs
            .iter()
            .map(|p| p.rsplit('.').next().unwrap_or(p))
            .collect();
        let hint = dpa::diag::suggest(&path, &refs)
            .map(str::to_string)
            .or_else(|| {
                let near = dpa::diag::suggest(leaf, &leaves)?;
                all.iter()
                    .find(|p| p.rsplit('.').next() == Some(near))
                    .cloned()
            })
            .map(|s| format!("\n  hint: did you mean `{s}`?"))
            .unwrap_or_else(|| "\n  hint: `dpa fields` lists every field".into());
        return Err(Error::Usage(format!("no record field `{path}`{hint}")));
    }
    let mut out = String::new();
    for (file, p, f) in found {
        out.push_str(&format!("in {file}: "));
        out.push_str(&schema::field_text(&p, &f, false));
    }
    ctx.out(&out)?;
    Ok(0)
}
