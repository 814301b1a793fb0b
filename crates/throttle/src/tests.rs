use super::*;
use loomiere_plan::TimeMap;
use std::time::Duration;

fn map(points: &[(u64, u64)]) -> TimeMap {
    let mut m = TimeMap::new();
    for &(offset, due) in points {
        m.push(offset, due).unwrap();
    }
    m
}

fn rate(per_mille: u32) -> Rate {
    Rate::from_per_mille(per_mille).unwrap()
}

const SECOND: Duration = Duration::from_secs(1);

/// The due time of body byte `b` read straight off the map: the time of the last point
/// at or before it, `None` (at once) before the first point.
fn due_of(points: &[(u64, u64)], b: u64) -> Option<u64> {
    points.iter().rev().find(|p| p.0 <= b).map(|p| p.1)
}

/// The first byte of the range due after `horizon`, read byte by byte (`end` if none).
fn due_after(points: &[(u64, u64)], (start, end): (u64, u64), horizon: u64) -> u64 {
    (start..end)
        .find(|&b| due_of(points, b).is_some_and(|d| d > horizon))
        .unwrap_or(end)
}

/// The bounds `allowed` must keep, worked out byte by byte from the map, with the play
/// head counted from the earliest due byte of the range: at least every byte due by
/// the horizon, and nothing due more than [`RAMP_MS`] after it.
fn oracle(
    points: &[(u64, u64)],
    (start, end): (u64, u64),
    ahead_ms: u64,
    r: Rate,
    elapsed: Duration,
) -> (u64, u64) {
    let origin = (start..end)
        .filter_map(|b| due_of(points, b))
        .min()
        .unwrap_or(0);
    let horizon = origin + r.media_ms(elapsed) + ahead_ms;
    (
        due_after(points, (start, end), horizon),
        due_after(points, (start, end), horizon + RAMP_MS),
    )
}

/// Maps with headers before the first point, interleaved tracks whose times go back,
/// repeated times, and a single point.
const MAPS: &[&[(u64, u64)]] = &[
    &[(100, 0), (200, 1000), (300, 2000), (400, 3000), (500, 4000)],
    &[
        (50, 0),
        (120, 1000),
        (130, 900),
        (180, 2000),
        (190, 1900),
        (260, 6000),
        (300, 3000),
        (420, 9000),
    ],
    &[(0, 500), (10, 500), (20, 700), (300, 700), (310, 20_000)],
    &[(0, 0)],
    &[(200, 3000)],
];

#[test]
fn allowed_stays_within_the_byte_by_byte_reading_of_the_map() {
    let ranges = [
        (0, 500),
        (0, 450),
        (99, 101),
        (125, 420),
        (150, 151),
        (250, 500),
        (400, 420),
        (10, 10),
    ];
    let elapsed_ms = [0, 1, 49, 50, 99, 100, 333, 1000, 2500, 9999, 100_000];
    for points in MAPS {
        let m = map(points);
        for range in ranges {
            for (ahead_ms, r) in [
                (0, rate(1000)),
                (1000, rate(1000)),
                (500, rate(2000)),
                (2000, rate(250)),
            ] {
                let schedule = Schedule::new(&m, range, Duration::from_millis(ahead_ms), r);
                let mut last = 0;
                for ms in elapsed_ms {
                    let e = Duration::from_millis(ms);
                    let (low, high) = oracle(points, range, ahead_ms, r, e);
                    let got = schedule.as_ref().map_or(range.1, |s| s.allowed(e));
                    let case = format!(
                        "map {points:?} range {range:?} ahead {ahead_ms} rate {r:?} at {ms} ms"
                    );
                    assert!(
                        low <= got && got <= high,
                        "{case}: {got} not in {low}..={high}"
                    );
                    assert!(got >= last, "{case}: went back from {last} to {got}");
                    last = got;
                }
            }
        }
    }
}

/// Between two steps 1 s apart the next step's bytes leave in proportion to time.
#[test]
fn a_step_ramps_up_over_the_time_before_it_is_due() {
    let m = map(&[(100, 0), (200, 1000), (300, 2000), (400, 3000), (500, 4000)]);
    let s = Schedule::new(&m, (0, 500), Duration::ZERO, Rate::REAL_TIME).unwrap();
    let got: Vec<u64> = [0, 250, 500, 999, 1000, 1500]
        .iter()
        .map(|&ms| s.allowed(Duration::from_millis(ms)))
        .collect();
    assert_eq!(got, vec![200, 225, 250, 299, 300, 350]);
    let far = map(&[(0, 0), (100, 60_000)]);
    let s = Schedule::new(&far, (0, 200), Duration::ZERO, Rate::REAL_TIME).unwrap();
    assert_eq!(
        s.allowed(Duration::from_secs(55)),
        100,
        "60 s apart: nothing of the next step until 4 s before"
    );
    assert_eq!(s.allowed(Duration::from_secs(58)), 150);
    assert_eq!(s.next_change(Duration::ZERO), Some(Duration::from_secs(56)));
}

/// Resting as the sender does (until `next_change`, at least a step) never loses
/// ground, reaches the end, and wakes no more often than a step.
#[test]
fn resting_until_next_change_reaches_the_end() {
    for points in MAPS {
        let m = map(points);
        for (ahead_ms, r) in [
            (0, rate(1000)),
            (700, rate(3)),
            (1000, rate(20_000)),
            (250, rate(1500)),
        ] {
            let Some(s) = Schedule::new(&m, (0, 500), Duration::from_millis(ahead_ms), r) else {
                continue;
            };
            let (mut at, mut wakes) = (Duration::ZERO, 0u64);
            while let Some(next) = s.next_change(at) {
                assert!(next >= at, "{points:?}: {next:?} before {at:?}");
                let wake = next.max(at + s.step());
                assert!(
                    s.allowed(wake) >= s.allowed(at),
                    "{points:?}: lost ground at {wake:?}"
                );
                at = wake;
                wakes += 1;
                assert!(wakes < 1_000_000, "{points:?}: does not end");
            }
            assert_eq!(
                s.allowed(at),
                500,
                "{points:?}: everything is allowed in the end"
            );
        }
    }
}

#[test]
fn nothing_to_wait_for_is_no_schedule() {
    let dense = map(&[(100, 0), (200, 1000), (300, 2000)]);
    let cases: &[(&TimeMap, (u64, u64), u64)] = &[
        (&TimeMap::new(), (0, 1000), 1000),
        (&dense, (0, 1000), 2000), // the burst covers everything
        (&dense, (0, 300), 1000),  // the range ends before the last point
        (&dense, (0, 100), 0),     // only bytes due at once
        (&dense, (250, 250), 0),   // empty range
        (&dense, (300, 200), 0),   // reversed range
    ];
    for (m, range, ahead_ms) in cases {
        let s = Schedule::new(m, *range, Duration::from_millis(*ahead_ms), Rate::REAL_TIME);
        assert_eq!(s, None, "{range:?} ahead {ahead_ms}");
    }
    let s = Schedule::new(
        &dense,
        (0, 1000),
        Duration::from_millis(1999),
        Rate::REAL_TIME,
    )
    .unwrap();
    // Bytes 300.. are due at 2000 ms, ramping up since 1000: 999/1000 of them by 1999.
    assert_eq!((s.range(), s.allowed(Duration::ZERO)), ((0, 1000), 999));
}

/// A `Range` that starts mid-body starts the play head where its bytes are: the
/// burst is the same length of media as from the beginning.
#[test]
fn a_range_starts_the_play_head_at_its_own_bytes() {
    let m = map(&[
        (0, 0),
        (100, 10_000),
        (200, 20_000),
        (300, 30_000),
        (400, 40_000),
    ]);
    let cases = [
        ((0, 500), 200),
        ((150, 500), 300),
        ((250, 500), 400),
        ((350, 500), 500),
    ];
    for (range, burst_end) in cases {
        let s = Schedule::new(&m, range, Duration::from_secs(10), Rate::REAL_TIME);
        assert_eq!(
            s.map(|s| s.allowed(Duration::ZERO)),
            (burst_end < 500).then_some(burst_end),
            "{range:?}"
        );
    }
}

#[test]
fn rate_converts_between_wall_and_media_time() {
    let cases: &[(u32, Duration, u64)] = &[
        (1000, SECOND, 1000),
        (1000, Duration::from_nanos(999_999), 0),
        (20_000, Duration::from_millis(50), 1000),
        (500, SECOND, 500),
        (1, SECOND, 1),
        (1_000_000, SECOND, 1_000_000),
        (3, Duration::from_millis(333), 0),
        (1000, Duration::MAX, u64::MAX),
    ];
    for &(per_mille, wall, media) in cases {
        let r = rate(per_mille);
        assert_eq!(r.media_ms(wall), media, "{per_mille} over {wall:?}");
    }
    for per_mille in [1, 3, 7, 999, 1000, 1001, 20_000, 1_000_000] {
        let r = rate(per_mille);
        for media in [0, 1, 2, 999, 1000, 40_000, 7_200_000] {
            let wall = r.wall_time(media);
            assert!(r.media_ms(wall) >= media, "{per_mille}: {media} ms");
            if !wall.is_zero() {
                assert!(
                    r.media_ms(wall - Duration::from_nanos(1)) < media,
                    "{per_mille}: {media} ms"
                );
            }
        }
    }
    assert_eq!(
        rate(1).wall_time(u64::MAX),
        Duration::from_secs(u64::MAX),
        "the slowest rate still fits"
    );
}

#[test]
fn rates_outside_the_range_do_not_exist() {
    assert_eq!(Rate::from_per_mille(0), None);
    assert_eq!(Rate::from_per_mille(Rate::MAX_PER_MILLE + 1), None);
    assert_eq!(Rate::from_per_mille(1000), Some(Rate::REAL_TIME));
    assert_eq!(Rate::REAL_TIME.per_mille(), 1000);
}

#[test]
fn step_is_a_quarter_of_the_lead_within_bounds() {
    let m = map(&[(0, 0), (100, 1_000_000)]);
    let cases: &[(u64, u32, u64)] = &[
        (20_000, 1000, 250), // 5 s, capped
        (2000, 20_000, 25),  // 2 s of media at 20x: 100 ms of wall time
        (400, 1000, 100),
        (100, 20_000, 10), // floor
        (0, 1000, 10),
    ];
    for &(ahead_ms, per_mille, step_ms) in cases {
        let s = Schedule::new(
            &m,
            (0, 200),
            Duration::from_millis(ahead_ms),
            rate(per_mille),
        )
        .unwrap();
        assert_eq!(
            s.step(),
            Duration::from_millis(step_ms),
            "ahead {ahead_ms} rate {per_mille}"
        );
    }
}

#[test]
fn schedule_for_follows_the_config() {
    let m = map(&[(0, 0), (1 << 20, 30_000), (2 << 20, 60_000)]);
    let base = Settings::default();
    let off = Settings {
        ahead: Duration::ZERO,
        ..base
    };
    let small = Settings {
        min_size: (3 << 20) + 1,
        ..base
    };
    let exact = Settings {
        min_size: 3 << 20,
        ..base
    };
    let whole = Some((0, 3 << 20));
    /// Settings, map, body range, throttled?
    type Case<'a> = (&'a Settings, &'a TimeMap, Option<(u64, u64)>, bool);
    let cases: &[Case] = &[
        (&base, &m, whole, true),
        (&base, &m, None, false),
        (&off, &m, whole, false),
        (&small, &m, whole, false),
        (&exact, &m, whole, true),
        (&base, &TimeMap::new(), whole, false),
        (&base, &m, Some((0, 1 << 20)), false),
        (&base, &m, Some((1 << 20, 3 << 20)), true),
    ];
    for (i, (settings, map, body, throttled)) in cases.iter().enumerate() {
        assert_eq!(
            schedule_for(settings, (*map).clone(), *body).is_some(),
            *throttled,
            "case {i}"
        );
    }
    let s = schedule_for(&base, m.clone(), whole).unwrap();
    assert_eq!(
        s.allowed(Duration::ZERO),
        1 << 20,
        "the default burst is 20 s of media"
    );
    assert_eq!(
        s.next_change(Duration::ZERO),
        Some(Duration::from_secs(6)),
        "the next step ramps from 26 s of media"
    );
}

#[test]
fn exempt_addresses_match_whole_addresses_in_any_form() {
    use crate::exempt::{is_exempt, parse_list};
    let list = parse_list("127.0.0.1 10.0.0.5\t2001:db8::7 ::ffff:192.0.2.9").unwrap();
    let cases = [
        ("127.0.0.1", true),
        ("127.0.0.2", false),
        ("10.0.0.5", true),
        ("::ffff:10.0.0.5", true),
        ("2001:db8::7", true),
        ("2001:db8::8", false),
        ("192.0.2.9", true),
        ("-", false),
        ("", false),
    ];
    for (remote, want) in cases {
        assert_eq!(is_exempt(&list, remote), want, "{remote}");
    }
    assert!(parse_list("off").unwrap().is_empty());
    assert!(!is_exempt(&[], "127.0.0.1"));
    for bad in ["10.0.0.0/8", "varnish.local", "10.0.0", "1.2.3.4:80"] {
        assert!(
            parse_list(bad).unwrap_err().contains("bad address"),
            "{bad}"
        );
    }
}
