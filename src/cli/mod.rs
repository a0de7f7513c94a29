//! The command line: argument definitions (clap derive) and dispatch to the commands.

mod args;
mod check;
mod clauses;
mod confirm;
mod diff;
mod eject;
mod fields;
mod import;
mod init;
mod progress;
mod record;
mod render;
mod review;
mod sign;
mod status;
mod subprocessors;
mod sync;
mod tags;
mod vendorpaper;
mod watch;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};

use dpa::diag::{self, Diagnostics, SourceLookup};
use dpa::error::Error;

const AFTER_HELP: &str = "\
Exit status:
  0  success
  1  the command worked and found something: coverage gaps in `check`, differences with
     `diff --exit-code`, gaps with `status --fail-on-gaps`, a mismatch in `verify`,
     a required requirement missing in `review`
  2  bad input or usage (invalid records, clauses or templates, unknown vendor, wrong
     arguments, a vendor that failed to render), or a failure of the environment (files, git)";

/// Generate, check and track Data Processing Addendums from TOML records.
///
/// A workspace holds `dpa.toml` (our company), `vendors/<id>.toml` (one record per
/// vendor; on the processor side, `role = "processor"`, `customers/<id>.toml`, one per
/// customer) and optionally `clauses/` and `templates/` overriding the built-in library.
#[derive(Debug, Parser)]
#[command(name = "dpa", version, after_help = AFTER_HELP, max_term_width = 100)]
pub struct Cli {
    /// Run as if started in DIR (the workspace).
    #[arg(short = 'C', global = true, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// When to colour output.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Print only errors.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Print more detail (warnings from the compiler, timings).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Work without the team's remote (the branch's upstream): nothing is fetched or pushed;
    /// a version recorded offline is provisional until `dpa sync` pushes it.
    #[arg(long, global = true)]
    pub offline: bool,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// When to use colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless `NO_COLOR` is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// Output format of reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Readable text.
    Text,
    /// JSON for programs.
    Json,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a workspace: a git repository with dpa.toml and one example vendor.
    ///
    /// Example: dpa init contracts
    Init(init::Args),
    /// Validate records, clauses and templates, and prove requirement coverage per vendor.
    ///
    /// Example: dpa check --coverage --format json
    Check(check::Args),
    /// Render agreements as PDF, with their Typst source and manifest.json.
    ///
    /// Example: dpa render acme --out out/  |  dpa render --all --final
    Render(render::Args),
    /// Live preview: render one vendor's agreement now and again on every save of its record, dpa.toml, clauses, templates or fonts.
    ///
    /// Example: dpa watch acme-analytics  (then open out/acme-analytics/acme-analytics.pdf)
    Watch(watch::Args),
    /// Issue a new version: render final, commit `agreements/<id>/` and tag `dpa/<id>/v<N>`, only if content changed.
    ///
    /// Example: dpa record --all -m "Annual review 2026"
    Record(record::Args),
    /// List the issued versions of a vendor's agreement.
    ///
    /// Example: dpa log acme-analytics
    Log(record::LogArgs),
    /// Clause-level diff of issued versions, of two Markdown contracts, or of the clause library.
    ///
    /// Example: dpa diff acme-analytics 1 2  |  dpa diff old.md new.md --format html > redline.html
    Diff(diff::Args),
    /// The tracker: which vendors need which framework, and what is signed, sent, expired or outdated.
    ///
    /// Example: dpa status --missing ccpa --format csv > ccpa-gaps.csv
    Status(status::Args),
    /// Record that an issued version was sent for signature, in the vendor's record, and commit it.
    ///
    /// Example: dpa send acme-analytics --date 2026-02-20
    Send(sign::SendArgs),
    /// Share the workspace with the team's remote: fetch, bring in its versions and records, renumber provisional versions, push.
    ///
    /// Example: dpa sync  |  dpa sync --take theirs vendors/acme.toml:processing.retention
    Sync(sync::Args),
    /// Check issued versions' tags where the team's repository is kept (CI, a server hook): each manifest matches its PDF, no tag rewritten.
    ///
    /// Example: dpa check-tags --repo /srv/git/contracts.git  |  dpa check-tags --pre-receive (as a hook)
    CheckTags(tags::Args),
    /// Record the execution of an issued version in the vendor's record and commit it with the executed copy.
    ///
    /// Example: dpa sign acme-analytics --version 2 --date 2026-03-01 --file signed.pdf
    Sign(sign::Args),
    /// Record that a person accepted a gap in a vendor's own signed document (who, when, why), and commit it.
    ///
    /// Example: dpa accept cloud-host gdpr.28.4.flowdown --by "Priya Natarajan" --reason "Flow-down in the MSA, s. 9.3"
    Accept(vendorpaper::AcceptArgs),
    /// Record that a person confirmed a vendor's own signed document as reviewed, and commit it; until then a review alone never makes it cover a framework.
    ///
    /// Example: dpa confirm cloud-host --by "Priya Natarajan, General Counsel"
    Confirm(confirm::Args),
    /// Check that the kept executed copy, any given file and the signed version's tag still match what was recorded.
    ///
    /// Example: dpa verify acme-analytics --file signed.pdf
    Verify(sign::VerifyArgs),
    /// Review a DPA of any origin (PDF, DOCX, Markdown, text) against the requirement registry, with quoted evidence.
    ///
    /// Example: dpa review their-dpa.pdf --framework gdpr --format html > review.html
    Review(review::Args),
    /// Create vendor records from a procurement export (CSV or XLSX), or update them with --update.
    ///
    /// Example: dpa import vendors.csv --dry-run  |  dpa import export.xlsx --map "Supplier=name"
    Import(import::Args),
    /// Processor side: sub-processor changes — record an intended one, list and send the notices each customer is owed, record objections and consents.
    ///
    /// Example: dpa subprocessors notices --as-of 2027-01-10
    Subprocessors(subprocessors::Args),
    /// List the clause library, or show one clause with its source.
    ///
    /// Example: dpa clauses gdpr.security
    Clauses(clauses::Args),
    /// The record field reference: every field of vendor records and dpa.toml, with its meaning and allowed values.
    ///
    /// Example: dpa fields transfers.mechanism  |  dpa fields --markdown > docs/records.md
    Fields(fields::Args),
    /// Copy the built-in clauses, requirement registry and templates into the workspace to customise them.
    ///
    /// Example: dpa eject && $EDITOR clauses/gdpr/audits.md
    Eject(eject::Args),
    /// Print a shell completion script.
    ///
    /// Example: source <(dpa completions bash)
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), generated from the same definitions as --help.
    ///
    /// Example: dpa man > dpa.1 && man ./dpa.1
    Man,
}

/// Settings every command shares.
pub struct Ctx {
    /// The workspace directory.
    pub root: PathBuf,
    /// Colour on stderr.
    pub color_err: bool,
    /// Colour on stdout.
    pub color_out: bool,
    /// Only errors.
    pub quiet: bool,
    /// Verbosity.
    pub verbose: u8,
    /// `--offline`: the team's remote is left alone.
    pub offline: bool,
    /// Set once a write to stdout found the pipe closed.
    stdout_closed: std::sync::atomic::AtomicBool,
}

impl Ctx {
    /// Prints diagnostics to stderr (warnings only with `-v` unless they concern records), errors always.
    pub fn report(&self, diags: &Diagnostics, sources: &dyn SourceLookup) {
        let shown: Vec<diag::Diagnostic> = diags
            .iter()
            .filter(|d| {
                d.is_error() || (!self.quiet && (self.verbose > 0 || !d.file.ends_with(".typ")))
            })
            .cloned()
            .collect();
        if shown.is_empty() {
            return;
        }
        let text = diag::render(&shown, sources, self.color_err);
        let _ = std::io::stderr().write_all(text.as_bytes());
    }

    /// Prints results to stdout. A reader that closed the pipe (`| head`) gives
    /// [`Error::ClosedPipe`], which `main` treats as success; commands that must finish their
    /// work anyway (`record`) carry on and return it at the end.
    pub fn out(&self, text: &str) -> Result<(), Error> {
        self.out_bytes(text.as_bytes())
    }

    /// Prints bytes to stdout, such as a Word file, as [`Ctx::out`] prints text.
    pub fn out_bytes(&self, bytes: &[u8]) -> Result<(), Error> {
        if self
            .stdout_closed
            .load(std::sync::atomic::Ordering::Relaxed)
        {
            return Err(Error::ClosedPipe);
        }
        let mut stdout = std::io::stdout().lock();
        match stdout.write_all(bytes).and_then(|_| stdout.flush()) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.stdout_closed
                    .store(true, std::sync::atomic::Ordering::Relaxed);
                Err(Error::ClosedPipe)
            }
            Err(e) => Err(Error::io(Path::new("<stdout>"), e)),
        }
    }

    /// `code`, or [`Error::ClosedPipe`] when results could not all be printed.
    pub fn finish(&self, code: u8) -> Result<u8, Error> {
        if code == 0
            && self
                .stdout_closed
                .load(std::sync::atomic::Ordering::Relaxed)
        {
            return Err(Error::ClosedPipe);
        }
        Ok(code)
    }

    /// Prints a progress or status note to stderr unless quiet.
    pub fn note(&self, text: &str) {
        if !self.quiet {
            eprintln!("{text}");
        }
    }
}

fn color_enabled(choice: ColorChoice, terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    }
}

/// Finds the workspace: the nearest directory from `start` upwards holding `dpa.toml`, else `start`.
fn find_root(start: &Path) -> PathBuf {
    let mut dir = Some(start);
    while let Some(d) = dir {
        if d.join(dpa::workspace::COMPANY_FILE).is_file() {
            return d.to_path_buf();
        }
        dir = d.parent();
    }
    start.to_path_buf()
}

/// Runs the command line and returns the exit code.
pub fn main() -> u8 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    // `-C DIR` means "as if started in DIR", so relative paths such as `--out` resolve there too.
    if let Some(d) = &cli.dir
        && let Err(e) = std::env::set_current_dir(d)
    {
        eprintln!("error: cannot use -C {}: {e}", d.display());
        return 2;
    }
    let root = std::env::current_dir()
        .map(|d| find_root(&d))
        .unwrap_or_else(|_| PathBuf::from("."));
    let ctx = Ctx {
        root,
        color_err: color_enabled(cli.color, std::io::stderr().is_terminal()),
        color_out: color_enabled(cli.color, std::io::stdout().is_terminal()),
        quiet: cli.quiet,
        verbose: cli.verbose,
        offline: cli.offline,
        stdout_closed: Default::default(),
    };
    let result = match cli.command {
        Command::Init(args) => init::run(&ctx, args),
        Command::Check(args) => check::run(&ctx, args),
        Command::Render(args) => render::run(&ctx, args),
        Command::Watch(args) => watch::run(&ctx, args),
        Command::Record(args) => record::run(&ctx, args),
        Command::Log(args) => record::log(&ctx, args),
        Command::Diff(args) => diff::run(&ctx, args),
        Command::Status(args) => status::run(&ctx, args),
        Command::Sync(args) => sync::run(&ctx, args),
        Command::CheckTags(args) => tags::run(&ctx, args),
        Command::Send(args) => sign::send(&ctx, args),
        Command::Sign(args) => sign::run(&ctx, args),
        Command::Accept(args) => vendorpaper::accept(&ctx, args),
        Command::Confirm(args) => confirm::run(&ctx, args),
        Command::Verify(args) => sign::verify(&ctx, args),
        Command::Review(args) => review::run(&ctx, args),
        Command::Import(args) => import::run(&ctx, args),
        Command::Subprocessors(args) => subprocessors::run(&ctx, args),
        Command::Clauses(args) => clauses::run(&ctx, args),
        Command::Eject(args) => eject::run(&ctx, args),
        Command::Fields(args) => fields::run(&ctx, args),
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(
                shell,
                &mut <Cli as clap::CommandFactory>::command(),
                "dpa",
                &mut out,
            );
            ctx.out(&String::from_utf8_lossy(&out)).map(|()| 0)
        }
        Command::Man => {
            let mut out = Vec::new();
            let cmd = <Cli as clap::CommandFactory>::command();
            match clap_mangen::Man::new(cmd).render(&mut out) {
                Ok(()) => ctx.out(&String::from_utf8_lossy(&out)).map(|()| 0),
                Err(e) => Err(Error::io(Path::new("<manual page>"), e)),
            }
        }
    };
    match result {
        Ok(code) => code,
        Err(Error::Invalid(_)) => 2,
        Err(Error::ClosedPipe) => 0,
        Err(e) => {
            let mut msg = format!("error: {e}");
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                if !msg.contains(&s.to_string()) {
                    msg.push_str(&format!(": {s}"));
                }
                source = s.source();
            }
            eprintln!("{msg}");
            e.exit_code()
        }
    }
}

/// Names the conflicted files of a git merge in progress and what to run, on stderr; true
/// when there are any. `status`, `log` and `check` call it first and then carry on with what
/// can still be read.
pub fn report_conflicts(ctx: &Ctx) -> bool {
    let Ok(store) = dpa::store::Store::open(&ctx.root) else {
        return false;
    };
    let files = store.conflicted().unwrap_or_default();
    if files.is_empty() {
        return false;
    }
    let mut text = format!(
        "error: a git merge is in progress and {} file(s) have conflicts:\n",
        files.len()
    );
    for f in &files {
        let what = if f.starts_with("agreements/") {
            "generated by dpa: never merged as text; `dpa sync` takes the vendor's highest version"
        } else if f == dpa::workspace::COMPANY_FILE
            || f.starts_with("vendors/")
            || f.starts_with("customers/")
        {
            "a record: `dpa sync` merges it field by field"
        } else {
            "resolve it by hand"
        };
        text.push_str(&format!("  {f}  ({what})\n"));
    }
    text.push_str("  hint: run `git merge --abort`, then `dpa sync`; or resolve each file, `git add` it and `git commit`\n");
    let _ = std::io::stderr().write_all(text.as_bytes());
    true
}

/// Opens the workspace, reporting problems; `Err` when it cannot be used.
pub fn open(ctx: &Ctx, diags: &mut Diagnostics) -> Result<dpa::workspace::Workspace, Error> {
    match dpa::workspace::Workspace::open(&ctx.root, diags) {
        Ok(ws) => {
            if diags.has_errors() {
                ctx.report(diags, &ws);
                return Err(Error::Invalid(diags.error_count()));
            }
            Ok(ws)
        }
        Err(e) => {
            ctx.report(diags, &dpa::workspace::lookup_in(&ctx.root));
            Err(e)
        }
    }
}
