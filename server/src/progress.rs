//! Progress of long command-line work (rendering the tile pyramid for `serve` and
//! `export-pmtiles`, slow on the national data): a bar on a terminal, plain log lines
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
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(0);
            if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} tiles, {eta} left") {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_message("rendering tiles");
            bar
        });
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
