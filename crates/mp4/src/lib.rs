//! MP4 seek planner (placeholder).
