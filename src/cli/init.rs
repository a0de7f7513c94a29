//! `dpa init`: scaffolds a workspace in a git repository.

use std::path::PathBuf;

use crate::builtin;
use crate::error::Error;
use crate::files::write_atomic;

use super::Ctx;

/// Arguments of `dpa init`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Directory to create the workspace in (default: the current directory, or `-C DIR`).
    #[arg(value_name = "DIR")]
    pub directory: Option<PathBuf>,
    /// Our side of the table: `controller` papers our vendors (vendors/); `processor` issues our
    /// own DPA to our customers (customers/), with our sub-processors in dpa.toml.
    #[arg(long, value_enum, default_value_t = RoleArg::Controller)]
    pub role: RoleArg,
}

/// The `role` a new workspace's dpa.toml is written with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RoleArg {
    /// We are the controller (the business): one record per vendor in vendors/.
    Controller,
    /// We are the processor (the service provider), a vendor issuing its own DPA: one record per customer in customers/.
    Processor,
}

fn scaffold(name: &str) -> &'static str {
    builtin::DATA
        .iter()
        .find(|(p, _)| *p == name)
        .map_or("", |(_, t)| t)
}

/// Runs `dpa init`.
pub fn run(ctx: &Ctx, args: Args) -> Result<u8, Error> {
    let dir = match args.directory {
        Some(d) if d.is_absolute() => d,
        Some(d) => ctx.root.join(d),
        None => ctx.root.clone(),
    };
    let company = dir.join(crate::workspace::COMPANY_FILE);
    if company.exists() {
        return Err(Error::Usage(format!(
            "{} already exists: this is already a dpa workspace",
            company.display()
        )));
    }
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    if git2::Repository::discover(&dir).is_err() {
        git2::Repository::init(&dir).map_err(|e| {
            Error::Usage(format!(
                "cannot create a git repository in {}: {}",
                dir.display(),
                e.message()
            ))
        })?;
    }
    let (company_text, record, record_text) = match args.role {
        RoleArg::Controller => (
            scaffold("data/init/dpa.toml"),
            "vendors/example-analytics.toml",
            scaffold("data/init/example-analytics.toml"),
        ),
        RoleArg::Processor => (
            scaffold("data/init/processor/dpa.toml"),
            "customers/example-customer.toml",
            scaffold("data/init/processor/example-customer.toml"),
        ),
    };
    write_atomic(&company, company_text.as_bytes())?;
    write_atomic(&dir.join(record), record_text.as_bytes())?;
    let ignore = dir.join(".gitignore");
    if !ignore.exists() {
        write_atomic(&ignore, b"out/\n")?;
    }
    ctx.note(&format!(
        "created a dpa workspace in {}\n  next: edit dpa.toml and {record}, then run `dpa check` and `dpa render --all`",
        dir.display()
    ));
    Ok(0)
}
