//! `hue-map basemap extract`: the command line around [`crate::basemap::extract`], with the
//! dataset's bounds as the default area and progress on standard error.

use std::process::ExitCode;

use data_boundaries::Dataset;

use super::args::ExtractArgs;
use crate::basemap::extract::{extract as cut, parse_bbox, Extract, Source};
use crate::boot::progress::TaskProgress;

/// Around the dataset's bounds: a resident near the edge still sees the streets beyond it.
const MARGIN_DEGREES: f64 = 0.05;

pub(super) fn extract(args: &ExtractArgs) -> ExitCode {
    let bbox = match &args.bbox {
        Some(text) => parse_bbox(text),
        None => match Dataset::load(&args.data.data) {
            Ok(dataset) => {
                let [west, south, east, north] = dataset.bounds();
                Ok([west - MARGIN_DEGREES, south - MARGIN_DEGREES, east + MARGIN_DEGREES, north + MARGIN_DEGREES])
            }
            Err(error) => {
                super::dataset::report_load_error(&error);
                eprintln!("hint: or give the area with --bbox west,south,east,north");
                return ExitCode::from(2);
            }
        },
    };
    let bbox = match bbox {
        Ok(bbox) => bbox,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    let request = Extract { from: Source::parse(&args.from), bbox, max_zoom: args.maxzoom, out: args.out.clone() };
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(1);
        }
    };
    let progress = TaskProgress::for_stderr("reading tiles", "tiles");
    let result = runtime.block_on(cut(&request, |done, total| progress.advance(done, total)));
    progress.finish();
    match result {
        Ok(report) => {
            let [west, south, east, north] = bbox;
            println!(
                "wrote {} tiles (of {} positions asked, z0-z{}) for {west},{south},{east},{north} to {}",
                report.tiles,
                report.asked,
                args.maxzoom,
                args.out.display()
            );
            if let Some(fetched) = report.fetched {
                println!(
                    "fetched {} bytes in {} range requests ({} retried)",
                    fetched.bytes, fetched.requests, fetched.retries
                );
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(1)
        }
    }
}
