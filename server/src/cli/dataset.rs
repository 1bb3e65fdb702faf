//! The commands on a dataset alone: `check` (the quality report) and `export-pmtiles`.

use std::path::Path;
use std::process::ExitCode;

use data_boundaries::{Dataset, Severity};

use super::args::ExportArgs;
use crate::state::load_snapshot_with_progress;

/// Loads the dataset and renders its pyramid, with a progress bar on a terminal.
fn load_with_progress(dir: &Path, maxzoom: Option<u8>) -> Result<crate::state::Snapshot, data_boundaries::LoadError> {
    let progress = crate::boot::progress::PyramidProgress::for_stderr();
    let loaded = load_snapshot_with_progress(dir, maxzoom, &|rendered, total| progress.advance(rendered, total));
    progress.finish();
    loaded
}

pub(super) fn export_pmtiles(args: &ExportArgs) -> ExitCode {
    let snapshot = match load_with_progress(&args.data.data, Some(args.maxzoom.min(14))) {
        Ok(snapshot) => snapshot,
        Err(error) => {
            report_load_error(&error);
            return ExitCode::from(2);
        }
    };
    match tiles::pmtiles_export::export_pmtiles(&snapshot.tiles, &args.out, args.maxzoom, &snapshot.data.version) {
        Ok(count) => {
            println!("wrote {count} tiles (z0-z{}) to {}", args.maxzoom, args.out.display());
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(1)
        }
    }
}

/// Prints why the dataset could not be loaded, with the command line's own hint when the
/// folder was not found (the library's message knows nothing of flags).
pub(super) fn report_load_error(error: &data_boundaries::LoadError) {
    eprintln!("error: {error}");
    if matches!(error, data_boundaries::LoadError::Missing { .. }) {
        eprintln!("hint: point --data (or HUE_MAP_DATA) at the dataset, such as ../shared/data/hue");
    }
}

pub(super) fn check(dir: &Path) -> ExitCode {
    let progress = crate::boot::progress::StepProgress::for_stderr();
    let loaded = Dataset::load_for_review_with_progress(dir, &|step| progress.begin(step));
    progress.finish();
    let dataset = match loaded {
        Ok(dataset) => dataset,
        Err(error) => {
            report_load_error(&error);
            return ExitCode::from(1);
        }
    };
    let report = &dataset.report;
    println!("dataset {} (version {})", dir.display(), dataset.version);
    println!(
        "{} communes, {} offices, {} former units",
        dataset.communes.len(),
        dataset.offices.len(),
        dataset.former_units.len()
    );
    for finding in &report.findings {
        println!("{finding}");
    }
    println!(
        "{} fatal, {} warning(s), {} note(s): {}",
        report.count(Severity::Fatal),
        report.count(Severity::Warning),
        report.count(Severity::Info),
        if report.is_usable() { "usable" } else { "NOT usable" }
    );
    if report.is_usable() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
