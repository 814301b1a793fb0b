//! HTTP layer (placeholder).
