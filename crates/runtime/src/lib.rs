//! Shared runtime (placeholder).
