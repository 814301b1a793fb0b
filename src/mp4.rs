//! The MP4 streamer: `?start=S&end=E` in seconds (ms precision, parsed like nginx's
//! `ngx_http_mp4_module`), planned by [`loomiere_mp4::plan`].

use crate::sample_index;
use loomiere_http::{parse_seconds_ms, query_param, Refusal};
use loomiere_mp4::{plan_indexed, Mp4Error, Seek, Shape, Timing};
use loomiere_plan::{Plan, TimeMap};
use loomiere_serve::{Body, Context};

/// Output format version, part of every `ETag`; bump it when output bytes change.
/// 2: a cut may carry up to 1/1024 of its sample data in bytes of dropped samples
/// (the one-run layout), so the same request's bytes differ from version 1.
pub const FORMAT_VERSION: u32 = 2;

/// Plans the body for one MP4 request. With `index_dir` set, a cut plans with the
/// film's kept sample index, or builds one and keeps it (see
/// [`loomiere_mp4::plan_indexed`]); a failure to keep it is a log note, never an error.
///
/// Errors: 400 for a bad `start`/`end` or a seek the file cannot give (start past the
/// end, fragmented file, empty file); 500 for a defective file, naming the defect.
pub fn handle(ctx: &Context<'_>) -> Result<Body, Refusal> {
    let seek = Seek {
        start_ms: seconds(&ctx.target.query, "start")?,
        end_ms: seconds(&ctx.target.query, "end")?,
    };
    let content_type = ctx
        .target
        .extension()
        .and_then(|e| ctx.config.content_type_for(&e).map(str::to_owned));
    let content_type = content_type.unwrap_or_else(|| "video/mp4".to_owned());
    if ctx.file.len == 0 && seek.is_none() {
        return Ok(Body {
            plan: Plan::new(),
            content_type,
            variant: String::new(),
            notes: vec![],
            time_map: TimeMap::new(),
            mapping: None,
            fields: Vec::new(),
        });
    }
    if ctx.file.len == 0 {
        // Served as it is above, but there is no movie to cut: its duration is 0, so
        // every start is at or past it (400, as for a fragmented file).
        return Err(Refusal::new(400, "seek in an empty file"));
    }
    let map = ctx
        .file
        .map()
        .map_err(|e| Refusal::new(500, format!("mmap: {e}")))?;
    // The time map is only worth its walk over every chunk when throttling is on.
    let timing = if ctx.config.throttle.is_off() {
        Timing::Skip
    } else {
        Timing::Map
    };
    let dir = ctx.config.index_dir.as_deref().filter(|_| !seek.is_none());
    let index = sample_index::to_use(dir, &ctx.file.identity);
    let planned =
        plan_indexed(&map, seek, timing, index.kept.as_deref(), index.build).map_err(refusal)?;
    let (variant, mut notes) = describe(planned.shape, planned.start_ms, seek.end_ms);
    notes.extend(index.note);
    if let (Some(d), Some(built)) = (dir, &planned.new_index) {
        notes.push(sample_index::keep(d, &ctx.file.identity, built));
    }
    Ok(Body {
        plan: planned.plan,
        content_type,
        variant,
        notes,
        time_map: planned.time_map,
        mapping: Some(map.retire()),
        fields: Vec::new(),
    })
}

/// The answer to a planner's error: 500 naming a defect, 400 for a seek the file
/// cannot give, 404 for something the film does not have.
pub fn refusal(e: Mp4Error) -> Refusal {
    match e {
        Mp4Error::Defect(s) => Refusal::new(500, format!("mp4 defect: {s}")),
        Mp4Error::BadSeek(s) => Refusal::new(400, s),
        Mp4Error::NotFound(s) => Refusal::new(404, s),
    }
}

/// The `ETag` variant and log notes of a planned body.
fn describe(shape: Shape, start_ms: Option<u64>, end_ms: Option<u64>) -> (String, Vec<String>) {
    let fmt = |v: Option<u64>| {
        v.map_or_else(
            || "-".to_owned(),
            |ms| format!("{}.{:03}", ms / 1000, ms % 1000),
        )
    };
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
        Some(v) => parse_seconds_ms(&v?)
            .map(Some)
            .map_err(|r| Refusal::new(r.status, format!("{name}: {}", r.reason))),
    }
}
