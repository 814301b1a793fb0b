use crate::plan::PlanError;

/// When each part of a planned body is due at the player: the byte-to-time map that
/// throttling follows (a byte is due when the earliest sample it carries is due).
///
/// Points are `(body offset in bytes, due time in ms of media from the start of the
/// body)`, with strictly increasing offsets. Bytes before the first point are due at
/// 0 (headers, `moov`, FLV script data); bytes from a point's offset up to the next
/// point's offset are due at that point's time. Times need not be monotone (tracks
/// interleave), so [`TimeMap::bytes_due_by`] takes the first point that is not due.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TimeMap {
    points: Vec<(u64, u64)>,
}

impl TimeMap {
    /// An empty map: every byte is due at once.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty map with room for `points` points.
    pub fn with_capacity(points: usize) -> Self {
        TimeMap {
            points: Vec::with_capacity(points),
        }
    }

    /// Adds a point. Points must come in increasing offset order; a point at the same
    /// offset as the last one keeps the earlier due time.
    ///
    /// Errors: [`PlanError::Unordered`] when `offset` is below the last point's offset.
    pub fn push(&mut self, offset: u64, due_ms: u64) -> Result<(), PlanError> {
        match self.points.last_mut() {
            Some(last) if last.0 > offset => return Err(PlanError::Unordered),
            Some(last) if last.0 == offset => last.1 = last.1.min(due_ms),
            _ => self.points.push((offset, due_ms)),
        }
        Ok(())
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        self.points.len()
    }

    /// Drops every second point (the first stays): bytes of a dropped point become
    /// due with the point before it, earlier, never later. Bounds a map built from a
    /// stream of unknown length.
    pub fn halve(&mut self) {
        let mut i = 0usize;
        self.points.retain(|_| {
            i += 1;
            i % 2 == 1
        });
    }

    /// The points, in offset order.
    pub fn points(&self) -> &[(u64, u64)] {
        &self.points
    }

    /// The points, by value (no copy).
    pub fn into_points(self) -> Vec<(u64, u64)> {
        self.points
    }

    /// True when there is no point (nothing to throttle).
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// How many leading body bytes are due by `time_ms`: the offset of the first point
    /// whose due time is later, or `None` when every byte is due.
    pub fn bytes_due_by(&self, time_ms: u64) -> Option<u64> {
        self.points.iter().find(|p| p.1 > time_ms).map(|p| p.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_due_stop_at_the_first_point_not_yet_due() {
        let mut m = TimeMap::new();
        for (o, t) in [(100, 0), (200, 1000), (300, 900), (400, 2000)] {
            m.push(o, t).unwrap();
        }
        assert_eq!(m.bytes_due_by(0), Some(200));
        assert_eq!(m.bytes_due_by(999), Some(200));
        assert_eq!(m.bytes_due_by(1000), Some(400));
        assert_eq!(m.bytes_due_by(2000), None);
        assert_eq!(TimeMap::new().bytes_due_by(0), None);
    }

    #[test]
    fn halving_keeps_the_first_point_and_every_second_after_it() {
        let mut m = TimeMap::new();
        for i in 0..5u64 {
            m.push(i * 10, i * 100).unwrap();
        }
        m.halve();
        assert_eq!(m.points(), &[(0, 0), (20, 200), (40, 400)]);
        assert_eq!(
            m.bytes_due_by(150),
            Some(20),
            "bytes of the dropped point at 10 go with the one at 0"
        );
    }

    #[test]
    fn points_must_not_go_back() {
        let mut m = TimeMap::new();
        m.push(10, 5).unwrap();
        m.push(10, 3).unwrap();
        assert_eq!(m.points(), &[(10, 3)]);
        assert_eq!(m.push(9, 1), Err(PlanError::Unordered));
    }
}
