//! Requests the service refuses rather than answers, as problems: shed at capacity (503 with
//! `Retry-After: 1`, so clients come back rather than queue without bound) or over their
//! time (503). It turns the errors of `tower`'s load-shed and timeout layers into answers,
//! without cloning the stack for each request as axum's `HandleErrorLayer` does.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use pin_project_lite::pin_project;
use tower::{BoxError, Layer, Service};

use super::Problem;

/// Applies [`Refusal`]; `timeout` is the time limit the layers inside enforce, for the answer.
#[derive(Clone, Copy)]
pub struct RefusalLayer {
    timeout: Duration,
}

impl RefusalLayer {
    pub fn new(timeout: Duration) -> RefusalLayer {
        RefusalLayer { timeout }
    }
}

impl<S> Layer<S> for RefusalLayer {
    type Service = Refusal<S>;

    fn layer(&self, inner: S) -> Refusal<S> {
        Refusal { inner, timeout: self.timeout, not_ready: None }
    }
}

/// See the module documentation.
#[derive(Clone)]
pub struct Refusal<S> {
    inner: S,
    timeout: Duration,
    /// An error from `poll_ready`, answered by the next call instead of calling the inner service.
    not_ready: Option<Problem>,
}

impl<S> Service<axum::extract::Request> for Refusal<S>
where
    S: Service<axum::extract::Request, Response = Response>,
    S::Error: Into<BoxError>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = RefusalFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        match self.inner.poll_ready(cx) {
            Poll::Ready(Err(error)) => {
                self.not_ready = Some(problem(error.into(), self.timeout));
                Poll::Ready(Ok(()))
            }
            other => other.map(|_| Ok(())),
        }
    }

    fn call(&mut self, request: axum::extract::Request) -> Self::Future {
        match self.not_ready.take() {
            Some(refused) => RefusalFuture::Refused { problem: Some(refused) },
            None => RefusalFuture::Called { inner: self.inner.call(request), timeout: self.timeout },
        }
    }
}

pin_project! {
    /// The inner answer, or the problem that replaces its error.
    #[project = RefusalProjection]
    pub enum RefusalFuture<F> {
        Called { #[pin] inner: F, timeout: Duration },
        Refused { problem: Option<Problem> },
    }
}

impl<F, E> Future for RefusalFuture<F>
where
    F: Future<Output = Result<Response, E>>,
    E: Into<BoxError>,
{
    type Output = Result<Response, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project() {
            RefusalProjection::Called { inner, timeout } => {
                inner.poll(cx).map(|result| Ok(result.unwrap_or_else(|e| problem(e.into(), *timeout).into_response())))
            }
            RefusalProjection::Refused { problem } => {
                let problem = problem.take().unwrap_or_else(|| Problem::unavailable("the request was refused"));
                Poll::Ready(Ok(problem.into_response()))
            }
        }
    }
}

/// The problem for a refusal.
fn problem(error: BoxError, timeout: Duration) -> Problem {
    if error.is::<tower::timeout::error::Elapsed>() {
        return Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("the request took longer than {} s", timeout.as_secs()),
        );
    }
    metrics::counter!("hue_map_requests_shed_total").increment(1);
    Problem::new(StatusCode::SERVICE_UNAVAILABLE, "the server is at capacity; retry in a moment")
        .with_header(header::RETRY_AFTER, "1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::extract::Request;
    use http_body_util::BodyExt;
    use tower::{ServiceBuilder, ServiceExt};

    async fn answer(response: Response) -> (StatusCode, Option<String>, String, String) {
        let status = response.status();
        let header =
            |name| response.headers().get(name).map(|v: &axum::http::HeaderValue| v.to_str().unwrap().to_string());
        let (retry, content_type) = (header(header::RETRY_AFTER), header(header::CONTENT_TYPE).unwrap_or_default());
        let body = response.into_body().collect().await.unwrap().to_bytes();
        (status, retry, content_type, String::from_utf8_lossy(&body).into_owned())
    }

    #[tokio::test]
    async fn a_request_over_its_time_is_a_503_problem() {
        let never = tower::service_fn(|_: Request| std::future::pending::<Result<Response, Infallible>>());
        let service = ServiceBuilder::new()
            .layer(RefusalLayer::new(Duration::from_millis(20)))
            .timeout(Duration::from_millis(20))
            .service(never);
        let (status, retry, content_type, body) =
            answer(service.oneshot(Request::new(Body::empty())).await.unwrap()).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(retry, None);
        assert_eq!(content_type, "application/problem+json");
        assert!(body.contains("took longer than"), "{body}");
    }

    #[tokio::test]
    async fn a_shed_request_is_a_503_problem_asking_for_a_retry() {
        let ok = tower::service_fn(|_: Request| async { Ok::<_, Infallible>(Response::new(Body::empty())) });
        // No permit at all: every request is shed.
        let service = ServiceBuilder::new()
            .layer(RefusalLayer::new(Duration::from_secs(30)))
            .load_shed()
            .layer(tower::limit::GlobalConcurrencyLimitLayer::new(0))
            .service(ok);
        let (status, retry, content_type, body) =
            answer(service.oneshot(Request::new(Body::empty())).await.unwrap()).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(retry.as_deref(), Some("1"));
        assert_eq!(content_type, "application/problem+json");
        assert!(body.contains("capacity"), "{body}");
    }
}
