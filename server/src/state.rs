//! Shared state: the dataset behind an atomic pointer. Readers never lock; a reload builds a
//! whole new dataset and swaps it in, so a request sees the old or the new one, never a mix.

use std::sync::Arc;

use arc_swap::ArcSwap;
use data_boundaries::Dataset;

#[derive(Clone)]
pub struct AppState {
    data: Arc<ArcSwap<Dataset>>,
}

impl AppState {
    pub fn new(data: Dataset) -> AppState {
        AppState { data: Arc::new(ArcSwap::from_pointee(data)) }
    }

    /// The current dataset; hold it for the whole request so every part of one answer comes
    /// from the same version.
    pub fn data(&self) -> arc_swap::Guard<Arc<Dataset>> {
        self.data.load()
    }

    /// Replaces the dataset for every later request.
    pub fn replace(&self, data: Dataset) {
        self.data.store(Arc::new(data));
    }
}
