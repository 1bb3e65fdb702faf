//! Prometheus metrics: request counts and latency histograms by route and status, tile-cache
//! hits (served from memory) and misses (rendered on demand), the dataset version and the time of the last reload.

use std::collections::HashMap;
use std::sync::{LazyLock, PoisonError, RwLock};
use std::time::Duration;

use axum::http::{Method, StatusCode};
use metrics::{Counter, Histogram};
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

/// One route's request metrics: its latency histogram, and its counters by method and status
/// (a route sees few of each, so a short list).
struct RouteMetrics {
    duration: Histogram,
    counts: RwLock<Vec<(&'static str, StatusCode, Counter)>>,
}

/// The handles of every route seen so far. A handle is made on a route's first request (and
/// on its first request with a new method and status); every later request only looks it up
/// under a read lock, so recording allocates nothing.
static ROUTES: LazyLock<RwLock<HashMap<String, RouteMetrics>>> = LazyLock::new(Default::default);

fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(PoisonError::into_inner)
}

fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(PoisonError::into_inner)
}

/// The method as a label: the standard ones by name, any other as `OTHER`, so a client that
/// invents methods cannot add label values (or make a route's list of counters long).
fn method_label(method: &Method) -> &'static str {
    match method.as_str() {
        "GET" => "GET",
        "HEAD" => "HEAD",
        "POST" => "POST",
        "PUT" => "PUT",
        "PATCH" => "PATCH",
        "DELETE" => "DELETE",
        "OPTIONS" => "OPTIONS",
        "CONNECT" => "CONNECT",
        "TRACE" => "TRACE",
        _ => "OTHER",
    }
}

/// Counts and times a request by its route template (not the raw path, which would let
/// clients create unbounded label values).
pub fn record_request(route: &str, method: &Method, status: StatusCode, elapsed: Duration) {
    let method = method_label(method);
    {
        let routes = read(&ROUTES);
        if let Some(metrics) = routes.get(route) {
            metrics.duration.record(elapsed.as_secs_f64());
            let counted = read(&metrics.counts)
                .iter()
                .find(|(m, s, _)| *m == method && *s == status)
                .map(|(_, _, c)| c.increment(1));
            if counted.is_some() {
                return;
            }
            let counter = metrics::counter!("http_requests_total", "route" => route.to_string(), "method" => method, "status" => status.as_str().to_string());
            counter.increment(1);
            write(&metrics.counts).push((method, status, counter));
            return;
        }
    }
    let duration = metrics::histogram!("http_request_duration_seconds", "route" => route.to_string());
    duration.record(elapsed.as_secs_f64());
    let counter = metrics::counter!("http_requests_total", "route" => route.to_string(), "method" => method, "status" => status.as_str().to_string());
    counter.increment(1);
    // Two first requests of a route at once both land here; the second keeps the first's handles.
    write(&ROUTES)
        .entry(route.to_string())
        .or_insert_with(|| RouteMetrics { duration, counts: RwLock::new(vec![(method, status, counter)]) });
}

/// A tile answered from memory (pre-rendered or cached) or rendered for this request.
pub fn record_tile(hit: bool) {
    metrics::counter!("hue_map_tile_cache_total", "result" => if hit { "hit" } else { "miss" }).increment(1);
}
