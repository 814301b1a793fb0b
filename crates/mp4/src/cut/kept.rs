//! What a cut keeps of one track: its samples ([`Cut`]), their chunks ([`Span`]) and
//! the durations that follow from them (`tkhd`, ISO/IEC 14496-12 §8.3.2; `elst`,
//! §8.6.6).

use crate::cut::cut_track::Cut;
use crate::cut::span::Span;
use crate::error::{defect, Result};
use crate::parse::track::Track;
use crate::time::{ns_to_ticks, ticks_to_ns, to_u64};

/// What a cut keeps of one track.
pub(crate) struct Kept<'t, 'a> {
    pub track: &'t Track<'a>,
    pub cut: Cut,
    /// The kept chunks (default when nothing is kept).
    pub span: Span,
    /// New `tkhd` duration (empty edit plus media edit), in movie ticks.
    pub duration: u64,
    /// Duration of the media edit, in movie ticks.
    pub edit_duration: u64,
}

impl<'t, 'a> Kept<'t, 'a> {
    /// True when the cut leaves no sample (the track stays, with empty tables).
    pub fn is_empty(&self) -> bool {
        self.cut.end <= self.cut.first
    }

    /// Derives the durations of a cut track. `movie_ts` is the movie timescale;
    /// `span_ns` the length of the output timeline when `end` bounds it.
    pub fn new(
        track: &'t Track<'a>,
        cut: Cut,
        span: Span,
        movie_ts: u32,
        span_ns: Option<i128>,
    ) -> Result<Self> {
        let shown = i128::from(cut.presentation_end.saturating_sub(cut.media_time));
        let mut edit = ns_to_ticks(ticks_to_ns(shown, track.timescale)?, movie_ts)?;
        if let Some(span) = span_ns {
            edit = edit
                .min(ns_to_ticks(span, movie_ts)? - i128::from(cut.empty))
                .max(0);
        }
        let edit_duration = to_u64(edit, "edit duration")?;
        let duration = cut
            .empty
            .checked_add(edit_duration)
            .ok_or_else(|| defect!("track duration overflows"))?;
        Ok(Kept {
            track,
            cut,
            span,
            duration,
            edit_duration,
        })
    }
}
