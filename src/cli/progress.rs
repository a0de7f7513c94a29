//! Progress on a terminal only: a bar on stderr for long commands, nothing when output is redirected.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::Ctx;

/// A progress bar that is drawn only when stderr is a terminal, and result lines that go to stdout.
pub struct Progress<'c> {
    bar: Option<ProgressBar>,
    ctx: &'c Ctx,
}

impl<'c> Progress<'c> {
    /// A bar for `total` steps, shown when stderr is a terminal, not quiet, and there is more than one step.
    pub fn new(ctx: &'c Ctx, total: u64, what: &str) -> Self {
        let show = !ctx.quiet && total > 1 && std::io::stderr().is_terminal();
        let bar = show.then(|| {
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            if let Ok(style) =
                ProgressStyle::with_template("{msg} {bar:40} {pos}/{len} ({per_sec}, {eta} left)")
            {
                bar.set_style(style);
            }
            bar.set_message(what.to_string());
            bar
        });
        Progress { bar, ctx }
    }

    /// Prints a result line to stdout without tearing the bar; once the reader has closed the
    /// pipe, lines are dropped and the work goes on (`Ctx::finish` reports it).
    pub fn println(&self, line: &str) {
        if self.ctx.quiet {
            return;
        }
        let _ = self.suspend(|| self.ctx.out(&format!("{line}\n")));
    }

    /// Runs `f` with the bar hidden (for diagnostics on stderr).
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        match &self.bar {
            Some(bar) => bar.suspend(f),
            None => f(),
        }
    }

    /// One step done.
    pub fn inc(&self) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
