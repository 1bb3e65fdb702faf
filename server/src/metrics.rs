//! Prometheus metrics: request counts and latency histograms by route and status, tile-cache
//! hits (served from memory) and misses (rendered on demand), the dataset version and the time of the last reload.

use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

/// Installs the recorder once per process and returns the handle that renders it.
pub fn install() -> Option<PrometheusHandle> {
    PrometheusBuilder::new()
        .set_buckets_for_metric(
            Matcher::Full("http_request_duration_seconds".into()),
            &[0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5],
        )
        .ok()?
        .install_recorder()
        .ok()
}

/// Drains recorded histogram samples into their buckets every few seconds. Without it the
/// recorder keeps every sample until `/metrics` is scraped, so an unscraped server grows by
/// about 8 bytes per request (seen in a 5-minute soak before this existed).
pub fn spawn_upkeep(handle: PrometheusHandle) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(5));
        loop {
            tick.tick().await;
            handle.run_upkeep();
        }
    });
}

pub fn record_reload(version: &str) {
    metrics::gauge!("hue_map_dataset_info", "version" => version.to_string()).set(1.0);
    let now =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or(0.0);
    metrics::gauge!("hue_map_last_reload_timestamp_seconds").set(now);
}

/// Counts and times every request by its route template (not the raw path, which would let
/// clients create unbounded label values).
pub async fn track(request: Request, next: Next) -> Response {
    let route =
        request.extensions().get::<MatchedPath>().map(|p| p.as_str().to_string()).unwrap_or_else(|| "unmatched".into());
    let method = request.method().to_string();
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("http_requests_total", "route" => route.clone(), "method" => method, "status" => status)
        .increment(1);
    metrics::histogram!("http_request_duration_seconds", "route" => route).record(started.elapsed().as_secs_f64());
    response
}

/// A tile answered from memory (pre-rendered or cached) or rendered for this request.
pub fn record_tile(hit: bool) {
    metrics::counter!("hue_map_tile_cache_total", "result" => if hit { "hit" } else { "miss" }).increment(1);
}
