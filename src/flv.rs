//! The FLV streamer: `?start=N` is a byte offset (the convention of every FLV player,
//! taken from the `keyframes` index in `onMetaData`); with `units=s`, `start` and
//! `end` are seconds (Loomiere 2.0). Planned by [`loomiere_flv::plan_body`]; with
//! `header=0`, a byte `start` is a continuation instead
//! ([`loomiere_flv::plan_continuation`], for flv.js's `seekType: 'param'`).

use loomiere_flv::{plan_body, plan_continuation, FlvError, Planned, Seek, Shape, Timing, Units};
use loomiere_http::{parse_seconds_ms, query_param, Refusal};
use loomiere_plan::{Plan, TimeMap};
use loomiere_serve::{Body, Context};

/// Output format version, part of every `ETag`; bump it when output bytes change.
pub const FORMAT_VERSION: u32 = 1;

/// Plans the body for one FLV request.
///
/// Errors: 400 for a bad `start`/`end`/`units` or a seek the file cannot give (start
/// past the end, no key frame near a byte offset, end not after start); 500 for a
/// defective file, naming the defect.
pub fn handle(ctx: &Context<'_>) -> Result<Body, Refusal> {
    let seek = parse_seek(&ctx.target.query)?;
    let continuation = parse_header(&ctx.target.query, &seek)?;
    let content_type = ctx
        .target
        .extension()
        .and_then(|e| ctx.config.content_type_for(&e).map(str::to_owned));
    let content_type = content_type.unwrap_or_else(|| "video/x-flv".to_owned());
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
    // The time map is only worth its walk over the tags when throttling is on.
    let timing = if ctx.config.throttle.is_off() {
        Timing::Skip
    } else {
        Timing::Map
    };
    let planner = |file: &[u8]| match (continuation, seek.start) {
        (true, Some(start)) => plan_continuation(file, start, seek.end, timing),
        _ => plan_body(file, seek, timing),
    };
    let (planned, mapping) = if ctx.file.len == 0 {
        (planner(&[]), None)
    } else {
        let map = ctx
            .file
            .map()
            .map_err(|e| Refusal::new(500, format!("mmap: {e}")))?;
        (planner(&map), Some(map.retire()))
    };
    let planned = planned.map_err(|e| match e {
        FlvError::Defect(s) => Refusal::new(500, format!("flv defect: {s}")),
        FlvError::BadSeek(s) => Refusal::new(400, s),
    })?;
    let (mut variant, notes) = describe(&planned);
    if continuation && planned.shape == Shape::Cut {
        variant.push_str(";header=0");
    }
    Ok(Body {
        plan: planned.plan,
        content_type,
        variant,
        notes,
        time_map: planned.time_map,
        mapping,
        fields: Vec::new(),
    })
}

/// The `ETag` variant (the resolved start and end, file byte offsets) and log notes.
fn describe(p: &Planned) -> (String, Vec<String>) {
    if p.shape == Shape::AsStored {
        return (String::new(), p.notes.clone());
    }
    let fmt = |v: Option<u64>| v.map_or_else(|| "-".to_owned(), |b| b.to_string());
    let variant = format!("start={};end={}", fmt(p.start), fmt(p.end));
    let mut notes = vec![variant.clone()];
    if let Some(ms) = p.start_ms {
        notes.push(format!("t={}.{:03}", ms / 1000, ms % 1000));
    }
    notes.extend(p.notes.iter().cloned());
    (variant, notes)
}

/// `start`, `end` and `units` from the query.
///
/// Errors (400): `units` other than `b` or `s`; a value that is not a decimal byte
/// offset (`units=b`, the default) or a decimal number of seconds (`units=s`).
pub fn parse_seek(query: &str) -> Result<Seek, Refusal> {
    let units = match query_param(query, "units").transpose()?.as_deref() {
        None | Some("b") => Units::Bytes,
        Some("s") => Units::Millis,
        Some(_) => {
            return Err(Refusal::new(
                400,
                "units: neither b (bytes) nor s (seconds)",
            ))
        }
    };
    let value = |name: &str| -> Result<Option<u64>, Refusal> {
        let Some(v) = query_param(query, name).transpose()? else {
            return Ok(None);
        };
        let parsed = match units {
            Units::Bytes => byte_offset(&v),
            Units::Millis => parse_seconds_ms(&v).map_err(|r| r.reason),
        };
        parsed
            .map(Some)
            .map_err(|why| Refusal::new(400, format!("{name}: {why}")))
    };
    Ok(Seek {
        start: value("start")?,
        end: value("end")?,
        units,
    })
}

/// Whether the query asks for a continuation: `header=0` with a byte `start`
/// (`header=1`, the default, re-sends the header as Flash-era players need; without
/// `start` both send the file from its first byte, header included).
///
/// Errors (400): `header` other than `0` or `1`; `header=0` with `units=s` (a
/// continuation goes on from a byte, not from a time).
pub fn parse_header(query: &str, seek: &Seek) -> Result<bool, Refusal> {
    let continuation = match query_param(query, "header").transpose()?.as_deref() {
        None | Some("1") => false,
        Some("0") => true,
        Some(_) => return Err(Refusal::new(400, "header: neither 0 nor 1")),
    };
    if continuation && seek.units != Units::Bytes {
        return Err(Refusal::new(
            400,
            "header=0 takes byte offsets, not units=s",
        ));
    }
    Ok(continuation)
}

/// A byte offset: ASCII digits only, at most `u64::MAX`.
fn byte_offset(v: &str) -> Result<u64, String> {
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        return Err("not a byte offset (decimal digits)".to_owned());
    }
    v.parse().map_err(|_| "byte offset too large".to_owned())
}
