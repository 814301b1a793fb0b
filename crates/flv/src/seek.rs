//! Resolving `start` and `end` to tag boundaries: byte offsets snap forward (bounded by
//! [`SNAP_WINDOW`]), times go to the key frame at or before them, found through
//! the `keyframes` index or by walking tag headers (bodies are skipped, memory is
//! constant).

use crate::bytes::len;
use crate::error::{bad_seek, Result};
use crate::head::Head;
use crate::meta::Index;
use crate::tag::{self, Role, Tag, Walk};

/// How far past a byte offset (`start` or `end` in bytes) the planner looks for a tag
/// boundary and then for a key frame tag: 8 MiB.
pub const SNAP_WINDOW: u64 = 8 << 20;

/// Can a cut start at a tag with this role: a video key frame, or for a file without
/// video any sample.
fn starts_here(role: Role, has_video: bool) -> bool {
    match role {
        Role::VideoKey => true,
        Role::Audio | Role::Video => !has_video,
        _ => false,
    }
}

/// The first tag boundary at or after byte `n` (a tag start that [`tag::plausible`]
/// accepts), searching up to byte `limit`; `Ok(None)` when there is none.
fn boundary(file: &[u8], head: &Head, n: u64, limit: u64) -> Option<u64> {
    if n <= head.rest {
        return Some(head.rest);
    }
    let stop = limit.min(len(file));
    (n..stop).find(|&p| tag::plausible(file, p).is_some())
}

/// Byte `start=n`: the first tag a cut can start at, at or after `n`. When `n` is not
/// a tag start, the next tag boundary is found first; both searches stay within
/// [`SNAP_WINDOW`] bytes of `n`.
///
/// Errors: `n` at or past the end, no such tag within the window (bad seeks); a
/// defective tag on the way.
pub(crate) fn byte_start(file: &[u8], head: &Head, n: u64) -> Result<Tag> {
    let total = len(file);
    if n >= total {
        return Err(bad_seek!(
            "start {n} is at or past the end of the file ({total} bytes)"
        ));
    }
    let limit = n.saturating_add(SNAP_WINDOW);
    let none = || {
        if limit < total {
            bad_seek!(
                "no key frame tag within {} MiB after byte {n}",
                SNAP_WINDOW >> 20
            )
        } else {
            bad_seek!("no key frame tag after byte {n}")
        }
    };
    let from = boundary(file, head, n, limit).ok_or_else(none)?;
    for t in Walk::from(file, from) {
        let t = t?;
        if t.offset >= limit {
            break;
        }
        if starts_here(tag::role(file, &t), head.has_video()) {
            return Ok(t);
        }
    }
    Err(none())
}

/// Time `start=s` (ms): the last key frame at or before `s` (the first one when `s`
/// comes before it), through `index` when given and its entry checks out, else by a
/// walk over the tag headers. Pushes "index" or "scan" (and why) to `notes`.
///
/// With an index, `s` is compared with the index's `times`, the times a player shows
/// and seeks by; they can differ from the tag timestamps by a few ms (ffmpeg writes
/// them before shifting timestamps for MP3 priming). Without one, with the tags' own.
///
/// Errors: `s` after the last tag's timestamp, no key frame at all (bad seeks); a
/// defective tag on the way.
pub(crate) fn time_start(
    file: &[u8],
    head: &Head,
    index: Option<&Index>,
    s: u64,
    notes: &mut Vec<String>,
) -> Result<Tag> {
    if let Some(index) = index {
        match indexed(file, head, index, s)? {
            Ok(t) => {
                notes.push("index".to_owned());
                return Ok(t);
            }
            Err(why) => notes.push(format!("index entry unusable ({why}), scanned")),
        }
    } else {
        notes.push("scan".to_owned());
    }
    scanned(file, head, s)
}

/// Through the index: `Ok(Err(why))` when the entry is not a key frame tag.
fn indexed(
    file: &[u8],
    head: &Head,
    index: &Index,
    s: u64,
) -> Result<std::result::Result<Tag, String>> {
    let i = index
        .times_ms
        .partition_point(|&t| t <= s)
        .saturating_sub(1);
    let pos = index.positions[i];
    let Some(t) = tag::plausible(file, pos) else {
        return Ok(Err(format!(
            "filepositions[{i}] = {pos} is not a tag start"
        )));
    };
    if !starts_here(tag::role(file, &t), head.has_video()) {
        return Ok(Err(format!(
            "filepositions[{i}] = {pos} is not a key frame"
        )));
    }
    if i + 1 == index.positions.len() {
        // Past the last key frame: `s` must not be past the last tag.
        last_time_at_least(file, t.offset, s)?;
    }
    Ok(Ok(t))
}

/// Walks from `from` to the end; a bad seek unless some sample is at or after `s`.
fn last_time_at_least(file: &[u8], from: u64, s: u64) -> Result<()> {
    let mut last = 0u64;
    for t in Walk::from(file, from) {
        let ts = u64::from(t?.ts);
        if ts >= s {
            return Ok(());
        }
        last = last.max(ts);
    }
    Err(bad_seek!(
        "start {}.{:03} s is past the last tag ({}.{:03} s)",
        s / 1000,
        s % 1000,
        last / 1000,
        last % 1000
    ))
}

/// By walking every tag header from the first sample, until a key frame after `s`.
fn scanned(file: &[u8], head: &Head, s: u64) -> Result<Tag> {
    let (mut best, mut first, mut last) = (None::<Tag>, None::<Tag>, None::<u64>);
    for t in Walk::from(file, head.rest) {
        let t = t?;
        let role = tag::role(file, &t);
        if !role.is_media() {
            continue;
        }
        let ts = u64::from(t.ts);
        last = Some(last.map_or(ts, |l: u64| l.max(ts)));
        if !starts_here(role, head.has_video()) {
            continue;
        }
        first = first.or(Some(t));
        if ts > s {
            break;
        }
        best = Some(t);
    }
    match (best.or(first), last) {
        (Some(t), Some(l)) if l >= s => Ok(t),
        (Some(_), Some(l)) => Err(bad_seek!(
            "start {}.{:03} s is past the last tag ({}.{:03} s)",
            s / 1000,
            s % 1000,
            l / 1000,
            l % 1000
        )),
        _ => Err(bad_seek!("no key frame to start at in the file")),
    }
}

/// Byte `end=e`: the first tag boundary at or after `e` (the end of the file when `e`
/// is at or past it, or when the last tag holds `e`). Must come after `tail`, the file
/// offset where the kept tags begin.
///
/// Errors: no boundary within [`SNAP_WINDOW`] bytes of `e`; nothing left between the
/// start and the end.
pub(crate) fn byte_end(file: &[u8], head: &Head, e: u64, tail: u64) -> Result<u64> {
    let total = len(file);
    let end = if e >= total {
        total
    } else {
        let limit = e.saturating_add(SNAP_WINDOW);
        match boundary(file, head, e, limit) {
            Some(b) => b,
            None if limit >= total => total,
            None => {
                return Err(bad_seek!(
                    "no tag boundary within {} MiB after end byte {e}",
                    SNAP_WINDOW >> 20
                ))
            }
        }
    };
    if end <= tail {
        return Err(bad_seek!(
            "end {e} leaves no tag after the start (byte {tail})"
        ));
    }
    Ok(end)
}

/// Time `end=e` (ms): the first sample at or after `tail` whose timestamp is at or
/// after `e`; the end of the file when there is none.
///
/// Errors: nothing left between the start and the end; a defective tag on the way.
pub(crate) fn time_end(file: &[u8], e: u64, tail: u64) -> Result<u64> {
    for t in Walk::from(file, tail) {
        let t = t?;
        if tag::role(file, &t).is_media() && u64::from(t.ts) >= e {
            if t.offset <= tail {
                return Err(bad_seek!(
                    "end {}.{:03} s leaves no tag after the start",
                    e / 1000,
                    e % 1000
                ));
            }
            return Ok(t.offset);
        }
    }
    Ok(len(file))
}
