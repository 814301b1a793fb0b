//! The MP4 streamer: `?start=S&end=E` in seconds (ms precision, parsed like nginx's
//! `ngx_http_mp4_module`), planned by [`loomiere_mp4::plan`].

use loomiere_http::{parse_seconds_ms, query_param, Refusal};
use loomiere_mp4::{plan_body, Mp4Error, Seek, Shape, Timing};
use loomiere_plan::{Plan, TimeMap};
use loomiere_runtime::serve::{Body, Context};

/// Output format version, part of every `ETag`; bump it when output bytes change.
/// 2: a cut may carry up to 1/1024 of its sample data in bytes of dropped samples
/// (the one-run layout), so the same request's bytes differ from version 1.
pub const FORMAT_VERSION: u32 = 2;

/// Plans the body for one MP4 request.
///
/// Errors: 400 for a bad `start`/`end` or a seek the file cannot give (start past the
/// end, fragmented file); 500 for a defective file, naming the defect.
pub fn handle(ctx: &Context<'_>) -> Result<Body, Refusal> {
    let seek = Seek { start_ms: seconds(&ctx.target.query, "start")?, end_ms: seconds(&ctx.target.query, "end")? };
    let content_type = ctx.target.extension().and_then(|e| ctx.config.content_type_for(&e).map(str::to_owned));
    let content_type = content_type.unwrap_or_else(|| "video/mp4".to_owned());
    if ctx.file.len == 0 && seek.is_none() {
        return Ok(Body { plan: Plan::new(), content_type, variant: String::new(), notes: vec![], time_map: TimeMap::new(), mapping: None });
    }
    let map = ctx.file.map().map_err(|e| Refusal::new(500, format!("mmap: {e}")))?;
    // The time map is only worth its walk over every chunk when throttling is on.
    let timing = if ctx.config.throttle.is_zero() { Timing::Skip } else { Timing::Map };
    let planned = plan_body(&map, seek, timing).map_err(|e| match e {
        Mp4Error::Defect(s) => Refusal::new(500, format!("mp4 defect: {s}")),
        Mp4Error::BadSeek(s) => Refusal::new(400, s),
    })?;
    let (variant, notes) = describe(planned.shape, planned.start_ms, seek.end_ms);
    Ok(Body { plan: planned.plan, content_type, variant, notes, time_map: planned.time_map, mapping: Some(map.retire()) })
}

/// The `ETag` variant and log notes of a planned body.
fn describe(shape: Shape, start_ms: Option<u64>, end_ms: Option<u64>) -> (String, Vec<String>) {
    let fmt = |v: Option<u64>| v.map_or_else(|| "-".to_owned(), |ms| format!("{}.{:03}", ms / 1000, ms % 1000));
    match shape {
        Shape::AsStored => (String::new(), vec![]),
        Shape::MoovFirst => ("moov-first".to_owned(), vec!["moov-first".to_owned()]),
        Shape::Cut => {
            let v = format!("start={};end={}", fmt(start_ms), fmt(end_ms));
            (v.clone(), vec![v])
        }
    }
}

/// The query parameter `name` as milliseconds; `None` when absent.
/// Errors: 400 when present but not a plain decimal number of seconds.
pub fn seconds(query: &str, name: &str) -> Result<Option<u64>, Refusal> {
    match query_param(query, name) {
        None => Ok(None),
        Some(v) => parse_seconds_ms(&v?).map(Some).map_err(|r| Refusal::new(r.status, format!("{name}: {}", r.reason))),
    }
}
