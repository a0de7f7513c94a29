//! `dpa init`: the arguments of [`dpa::pipeline::init()`], and what it prints.

use std::path::PathBuf;

use dpa::error::Error;
use dpa::model::CompanyRole;

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

impl From<RoleArg> for CompanyRole {
    fn from(role: RoleArg) -> Self {
        match role {
            RoleArg::Controller => CompanyRole::Controller,
            RoleArg::Processor => CompanyRole::Processor,
        }
    }
}

/// Runs `dpa init`.
pub fn run(ctx: &Ctx, args: Args) -> Result<u8, Error> {
    let dir = match args.directory {
        Some(d) if d.is_absolute() => d,
        Some(d) => ctx.root.join(d),
        None => ctx.root.clone(),
    };
    let created = dpa::pipeline::init(&dir, args.role.into())?;
    ctx.note(&format!(
        "created a dpa workspace in {}\n  next: edit dpa.toml and {}, then run `dpa check` and `dpa render --all`",
        created.dir.display(),
        created.record
    ));
    Ok(0)
}
