//! The segmenting streamer, `loomiere-hls`: HLS (RFC 8216) and DASH (ISO/IEC 23009-1)
//! made from a plain MP4 film when they are asked for, under the film's path as in
//! nginx-vod-module (`/films/a.mp4/master.m3u8`, `manifest.mpd`, `index-v1.m3u8`,
//! `init-v1.mp4`, `seg-12-v1.m4s`: see [`loomiere_cmaf::names`]), planned by
//! [`loomiere_mp4::Segmented`] from the `moov` alone, so the same URL always gives the
//! same bytes. Never throttled: a player fetches segments as fast as it needs them.

use crate::mp4::refusal;
use crate::sample_index;
use loomiere_cmaf::names::Name;
use loomiere_http::Refusal;
use loomiere_log::Quoted;
use loomiere_mp4::Segmented;
use loomiere_plan::{Plan, TimeMap};
use loomiere_serve::{Body, Context};

/// Output format version, part of every `ETag`; bump it when output bytes change.
pub const FORMAT_VERSION: u32 = 1;

/// Plans the body for one name inside a film. With `index_dir` set, plans with the
/// film's kept sample index (the one the `?start=` streamer keeps), or builds one and
/// keeps it.
///
/// Errors: 404 for a name that is none of the names, a rendition or segment the film
/// does not have, or a film that is not an MP4; 400 for an empty or fragmented film;
/// 500 for a defective one, naming the defect.
pub fn handle(ctx: &Context<'_>) -> Result<Body, Refusal> {
    let raw = ctx.target.within_film().map_or("", |(_, _, name)| name);
    let name = Name::parse(raw)
        .ok_or_else(|| Refusal::new(404, format!("no such name in a film: '{}'", Quoted(raw))))?;
    if ctx.file.len == 0 {
        return Err(Refusal::new(400, "empty file: no film to segment"));
    }
    let map = ctx
        .file
        .map()
        .map_err(|e| Refusal::new(500, format!("mmap: {e}")))?;
    let dir = ctx.config.index_dir.as_deref();
    let index = sample_index::to_use(dir, &ctx.file.identity);
    let target_ms = u64::try_from(ctx.config.segment_duration.as_millis()).unwrap_or(u64::MAX);
    let film = Segmented::open(&map, index.kept.as_deref(), target_ms).map_err(refusal)?;
    let mut notes: Vec<String> = index.note.into_iter().collect();
    if let (Some(d), true) = (dir, index.build) {
        if let Some(built) = film.new_index() {
            notes.push(sample_index::keep(d, &ctx.file.identity, &built));
        }
    }
    let plan = plan(&film, name).map_err(refusal)?;
    let fields = ctx
        .config
        .segment_cache_control
        .iter()
        .map(|v| ("Cache-Control", v.clone()))
        .collect();
    Ok(Body {
        plan,
        content_type: name.content_type().to_owned(),
        // The segment duration shapes every body, so it is part of every ETag.
        variant: format!("{name};{target_ms}ms"),
        notes,
        time_map: TimeMap::new(),
        mapping: Some(map.retire()),
        fields,
    })
}

/// The body `name` names.
fn plan(film: &Segmented<'_>, name: Name) -> loomiere_mp4::Result<Plan> {
    let text = match name {
        Name::Master => film.master()?.into_bytes(),
        Name::Manifest => film.mpd()?.into_bytes(),
        Name::MediaPlaylist(r) => film.media_playlist(r)?.into_bytes(),
        Name::Init(r) => film.init(r)?,
        Name::Segment(n, r) => return film.segment(n, r),
    };
    let mut plan = Plan::new();
    plan.push_bytes(text)
        .map_err(|e| loomiere_mp4::Mp4Error::Defect(e.to_string()))?;
    Ok(plan)
}
