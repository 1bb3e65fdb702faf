//! Progress of long command-line work (rendering the tile pyramid for `serve` and
//! `export-pmtiles`, and loading a dataset for `check`, slow on the national data): a bar on a terminal, plain log lines
//! otherwise (a pipe, a log file, CI), so neither a person nor a log is left guessing.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

/// Reports `(rendered, total)` tiles: a bar when standard error is a terminal, or every
/// 1,000 tiles as a log line.
pub struct PyramidProgress {
    bar: Option<ProgressBar>,
}

impl PyramidProgress {
    /// A bar if standard error is a terminal; log lines otherwise.
    pub fn for_stderr() -> PyramidProgress {
        let bar = terminal_bar(0, "{msg} [{bar:40}] {pos}/{len} tiles, {eta} left");
        if let Some(bar) = &bar {
            bar.set_message("rendering tiles");
        }
        PyramidProgress { bar }
    }

    /// Records that `rendered` of `total` tiles are done.
    pub fn advance(&self, rendered: usize, total: usize) {
        match &self.bar {
            Some(bar) => {
                bar.set_length(total as u64);
                bar.set_position(rendered as u64);
            }
            None => tiles::pyramid::log_progress(rendered, total),
        }
    }

    /// Removes the bar, leaving the log's own summary line.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// Reports the steps of loading a dataset: a bar of steps with the elapsed time when
/// standard error is a terminal, a log line per step otherwise.
pub struct StepProgress {
    bar: Option<ProgressBar>,
}

impl StepProgress {
    /// A bar if standard error is a terminal; log lines otherwise.
    pub fn for_stderr() -> StepProgress {
        let bar =
            terminal_bar(data_boundaries::LoadStep::COUNT as u64, "loading the dataset [{bar:20}] {msg} ({elapsed})");
        if let Some(bar) = &bar {
            bar.enable_steady_tick(std::time::Duration::from_millis(200));
        }
        StepProgress { bar }
    }

    /// Records that `step` has begun.
    pub fn begin(&self, step: data_boundaries::LoadStep) {
        let text = format!("step {}/{}: {}", step.number(), data_boundaries::LoadStep::COUNT, step.describe());
        match &self.bar {
            Some(bar) => {
                // The bar fills with the steps done; the message names the one under way.
                bar.set_position(step.number() as u64 - 1);
                bar.set_message(text);
            }
            None => tracing::info!("loading the dataset: {text}"),
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// Reports `(done, total)` of a long task by its items (`basemap extract`'s tiles): a bar
/// when standard error is a terminal, a log line at every tenth otherwise.
pub struct TaskProgress {
    bar: Option<ProgressBar>,
    what: &'static str,
    unit: &'static str,
    logged_tenths: std::sync::atomic::AtomicUsize,
}

impl TaskProgress {
    /// `what` names the task ("reading tiles"), `unit` its items ("tiles").
    pub fn for_stderr(what: &'static str, unit: &'static str) -> TaskProgress {
        let template = format!("{what} [{{bar:40}}] {{pos}}/{{len}} {unit}, {{eta}} left");
        TaskProgress { bar: terminal_bar(0, &template), what, unit, logged_tenths: Default::default() }
    }

    /// Records that `done` of `total` items are done.
    pub fn advance(&self, done: usize, total: usize) {
        match &self.bar {
            Some(bar) => {
                bar.set_length(total as u64);
                bar.set_position(done as u64);
            }
            None => {
                let tenths = done * 10 / total.max(1);
                let logged = self.logged_tenths.fetch_max(tenths, std::sync::atomic::Ordering::Relaxed);
                if tenths > logged {
                    tracing::info!("{}: {done}/{total} {}", self.what, self.unit);
                }
            }
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// A bar of `length` drawn with `template` when standard error is a terminal; `None`
/// otherwise, where progress goes to the log instead.
fn terminal_bar(length: u64, template: &str) -> Option<ProgressBar> {
    std::io::stderr().is_terminal().then(|| {
        let bar = ProgressBar::new(length);
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar
    })
}
