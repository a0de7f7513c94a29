//! `dpa sync`: bring the workspace in line with the team's remote, in dpa's terms.

use dpa::error::Error;
use dpa::pipeline::sync::{self, Options, Outcome};
use dpa::store::merge::Take;
use dpa::store::remote::describe;

use super::Ctx;

/// Arguments of `dpa sync`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Settle a conflict: `--take ours FIELD` or `--take theirs FIELD`, FIELD as `dpa sync`
    /// printed it (`vendors/acme.toml:processing.retention`), a field for every record, or a
    /// whole file (repeatable).
    #[arg(
        long,
        num_args = 2,
        value_names = ["SIDE", "FIELD"],
        action = clap::ArgAction::Append
    )]
    pub take: Vec<String>,
    /// Fetch, renumber and merge, but push nothing.
    #[arg(long)]
    pub no_push: bool,
}

/// Runs `dpa sync`.
pub fn run(ctx: &Ctx, args: Args) -> Result<u8, Error> {
    if ctx.offline {
        return Err(Error::Usage(
            "`dpa sync` works with the team's remote: leave out --offline".into(),
        ));
    }
    let mut take = Vec::new();
    for pair in args.take.chunks(2) {
        let side = match pair[0].as_str() {
            "ours" => Take::Ours,
            "theirs" => Take::Theirs,
            other => {
                return Err(Error::Usage(format!(
                    "--take {other}: say `ours` (this workspace) or `theirs` (the remote), then the field"
                )));
            }
        };
        take.push((side, pair.get(1).cloned().unwrap_or_default()));
    }
    let options = Options {
        take,
        push: !args.no_push,
    };
    let report = sync::sync_workspace(&ctx.root, &options)?;
    let up = &report.upstream;
    let mut out = String::new();
    let mut sides = Vec::new();
    if report.ahead > 0 {
        sides.push(format!("{} local commit(s) not on {up}", report.ahead));
    }
    if report.behind > 0 {
        sides.push(format!("{} commit(s) on {up} not here", report.behind));
    }
    if !sides.is_empty() {
        out.push_str(&format!("{}\n", sides.join(", ")));
    }
    let conflicts = report.outcome == Outcome::Conflicts;
    if !report.theirs.is_empty() {
        out.push_str(&format!(
            "versions from {up}: {}\n",
            describe(&report.theirs)
        ));
    }
    for r in report.renumbered.iter().filter(|_| conflicts) {
        out.push_str(&format!(
            "{}: provisional v{} will become v{} ({up} issued v{} meanwhile) once the conflicts below are settled\n",
            r.id, r.from, r.to, r.from
        ));
    }
    for r in report.renumbered.iter().filter(|_| !conflicts) {
        out.push_str(&format!(
            "{}: provisional v{} is now v{} ({up} issued v{} meanwhile): rendered again under the new number, commit {}, tag dpa/{}/v{}; {up}'s v{} keeps its number\n",
            r.id,
            r.from,
            r.to,
            r.from,
            r.commit.chars().take(10).collect::<String>(),
            r.id,
            r.to,
            r.from
        ));
    }
    for m in report.merged.iter().filter(|_| !conflicts) {
        let mut parts = Vec::new();
        if !m.theirs.is_empty() {
            parts.push(format!("from {up}: {}", m.theirs.join(", ")));
        }
        for (f, side) in &m.chosen {
            parts.push(format!(
                "{f}: {} chosen",
                if *side == Take::Ours {
                    "ours"
                } else {
                    "theirs"
                }
            ));
        }
        out.push_str(&format!(
            "{}: merged field by field ({})\n",
            m.file,
            parts.join("; ")
        ));
    }
    for id in report.regenerated.iter().filter(|_| !conflicts) {
        out.push_str(&format!(
            "agreements/{id}/: set to its highest version's files (generated files are not merged as text)\n"
        ));
    }
    if conflicts {
        let _ = ctx.out(&out);
        let mut err = String::from(
            "error: the two sides changed the same thing differently; nothing was written\n",
        );
        for c in &report.conflicts {
            match &c.field {
                Some(field) => err.push_str(&format!(
                    "  {}: {field}\n    ours   (here):  {}\n    theirs ({up}): {}\n",
                    c.file, c.ours, c.theirs
                )),
                None => err.push_str(&format!(
                    "  {}: {} here, {} on {up}\n",
                    c.file, c.ours, c.theirs
                )),
            }
        }
        if let Some(c) = report
            .conflicts
            .iter()
            .find(|c| !c.file.starts_with("tag "))
        {
            let spec = match &c.field {
                Some(f) => format!("{}:{f}", c.file),
                None => c.file.clone(),
            };
            err.push_str(&format!(
                "  hint: choose a side for each: `dpa sync --take ours {spec}` or `dpa sync --take theirs {spec}` (repeat --take for several); to settle on a third value, take either side, then edit the record and commit it\n"
            ));
        } else {
            err.push_str(
                "  hint: a version issued here and not provisional has the number of another on the remote; ask who issued each (`git show TAG`) before changing either\n",
            );
        }
        eprint!("{err}");
        return Ok(1);
    }
    let short = |h: &Option<String>| {
        h.as_ref()
            .map(|h| h.chars().take(10).collect::<String>())
            .unwrap_or_default()
    };
    out.push_str(&match report.outcome {
        Outcome::UpToDate if report.ahead > 0 => format!("nothing to bring in from {up}\n"),
        Outcome::UpToDate => format!("up to date with {up}\n"),
        Outcome::FastForward => {
            format!("fast-forwarded to {up} (commit {})\n", short(&report.head))
        }
        Outcome::Merged => format!("merged with {up} (commit {})\n", short(&report.head)),
        Outcome::Conflicts => String::new(),
    });
    let code = match &report.pushed {
        Ok(true) => {
            out.push_str(&format!(
                "pushed to {up}{}\n",
                if report.ours.is_empty() {
                    String::new()
                } else {
                    format!(": {}", describe(&report.ours))
                }
            ));
            0
        }
        Ok(false) => {
            if args.no_push && (!report.ours.is_empty() || report.ahead > 0) {
                out.push_str("not pushed (--no-push)\n");
            }
            0
        }
        Err(e) => {
            eprintln!(
                "error: {e}\n  hint: run `dpa sync` again; versions not pushed stay provisional"
            );
            2
        }
    };
    if !ctx.quiet {
        ctx.out(&out)?;
    }
    Ok(code)
}
