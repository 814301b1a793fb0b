mod access;

use super::*;
use crate::settings::{owned_table, DEFAULT_TYPES};
use loomiere_throttle::Rate;
use std::path::{Path, PathBuf};
use std::time::Duration;

fn set(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    owned_table(pairs)
}

/// Each text parses to the defaults changed by the paired function.
#[test]
fn good_values() {
    type Change = fn(&mut Config);
    let cases: &[(&str, Change)] = &[
        ("", |_| {}),
        ("\n\n  \t\n", |_| {}),
        ("# only a comment\n   # indented comment", |_| {}),
        ("root = /var/www", |c| c.root = Some("/var/www".into())),
        ("root=/a#b", |c| c.root = Some("/a#b".into())),
        ("root = /a # comment", |c| c.root = Some("/a".into())),
        ("root = /a\t# comment", |c| c.root = Some("/a".into())),
        ("  root\t=\t/with space  ", |c| {
            c.root = Some("/with space".into())
        }),
        ("root = /a\r\n", |c| c.root = Some("/a".into())),
        ("request_timeout = 2.5", |c| {
            c.request_timeout = Duration::from_millis(2500)
        }),
        ("request_timeout = 1", |c| {
            c.request_timeout = Duration::from_secs(1)
        }),
        ("request_timeout = 0.000000001", |c| {
            c.request_timeout = Duration::from_nanos(1)
        }),
        ("request_timeout = 86400", |c| {
            c.request_timeout = Duration::from_secs(86400)
        }),
        ("send_timeout = 120", |c| {
            c.send_timeout = Duration::from_secs(120)
        }),
        ("send_timeout = 0.25", |c| {
            c.send_timeout = Duration::from_millis(250)
        }),
        ("throttle = 0", |c| c.throttle.ahead = Duration::ZERO),
        ("throttle = 2.5", |c| {
            c.throttle.ahead = Duration::from_millis(2500)
        }),
        ("throttle = 86400", |c| {
            c.throttle.ahead = Duration::from_secs(86400)
        }),
        ("throttle_rate = 20", |c| {
            c.throttle.rate = Rate::from_per_mille(20_000).unwrap()
        }),
        ("throttle_rate = 1.0", |_| {}),
        ("throttle_rate = 0.5", |c| {
            c.throttle.rate = Rate::from_per_mille(500).unwrap()
        }),
        ("throttle_rate = 0.001", |c| {
            c.throttle.rate = Rate::from_per_mille(1).unwrap()
        }),
        ("throttle_rate = 1000.000", |c| {
            c.throttle.rate = Rate::from_per_mille(1_000_000).unwrap()
        }),
        ("throttle_min_size = 0", |c| c.throttle.min_size = 0),
        ("throttle_min_size = 64k", |c| c.throttle.min_size = 65536),
        ("throttle_min_size = 5000000", |c| {
            c.throttle.min_size = 5_000_000
        }),
        ("throttle_exempt = 10.0.0.5 ::1", |c| {
            c.throttle_exempt = vec![[10, 0, 0, 5].into(), std::net::Ipv6Addr::LOCALHOST.into()]
        }),
        ("throttle_exempt = off", |_| {}),
        ("cors_origins = *", |c| {
            c.access.cors_origins = loomiere_access::CorsOrigins::Any
        }),
        ("max_request_head = 256", |c| c.max_request_head = 256),
        ("max_request_head = 16k", |c| c.max_request_head = 16384),
        ("max_request_head = 1024K", |c| c.max_request_head = 1 << 20),
        ("max_request_head = 1048576", |c| {
            c.max_request_head = 1 << 20
        }),
        ("max_header_lines = 1", |c| c.max_header_lines = 1),
        ("max_header_lines = 10000", |c| c.max_header_lines = 10000),
        ("index_dir = off", |_| {}),
        ("index_dir = /var/cache/loomiere", |c| {
            c.index_dir = Some("/var/cache/loomiere".into())
        }),
        ("index_dir = /", |c| c.index_dir = Some("/".into())),
        ("scoreboard = off", |c| c.scoreboard = None),
        ("scoreboard = /tmp/sb", |c| {
            c.scoreboard = Some("/tmp/sb".into())
        }),
        ("scoreboard_slots = 1", |c| c.scoreboard_slots = 1),
        ("scoreboard_slots = 1048576", |c| {
            c.scoreboard_slots = 1 << 20
        }),
        ("streamer.mp4 = /opt/bin/mp4", |c| {
            c.streamers[0].1 = "/opt/bin/mp4".into()
        }),
        ("streamer.MP4 = my-mp4", |c| {
            c.streamers[0].1 = "my-mp4".into()
        }),
        ("streamer.flv = /opt/bin/flv", |c| {
            c.streamers.last_mut().unwrap().1 = "/opt/bin/flv".into()
        }),
        ("streamer.mp4 = off", |c| {
            c.streamers.remove(0);
        }),
        ("streamer.nothing = off", |_| {}),
        ("segmenter.mp4 = /opt/bin/hls", |c| {
            c.segmenters[0].1 = "/opt/bin/hls".into()
        }),
        ("segmenter.mov = off", |c| {
            c.segmenters.pop();
        }),
        ("segmenter.mkv = my-hls", |c| {
            c.segmenters.push(("mkv".into(), "my-hls".into()))
        }),
        ("segment_duration = 1", |c| {
            c.segment_duration = Duration::from_secs(1)
        }),
        ("segment_duration = 4.5", |c| {
            c.segment_duration = Duration::from_millis(4500)
        }),
        ("segment_duration = 60", |c| {
            c.segment_duration = Duration::from_secs(60)
        }),
        ("segment_cache_control = off", |c| {
            c.segment_cache_control = None
        }),
        ("segment_cache_control = no-cache", |c| {
            c.segment_cache_control = Some("no-cache".into())
        }),
        ("type.webp = image/x-webp", |c| {
            c.content_types[10].1 = "image/x-webp".into()
        }),
        ("type.mkv = video/x-matroska", |c| {
            c.content_types
                .push(("mkv".into(), "video/x-matroska".into()))
        }),
        ("type.flv = off", |c| {
            c.content_types.pop();
        }),
        ("root = /a\nsend_timeout = 5 # five\n\n# end\n", |c| {
            c.root = Some("/a".into());
            c.send_timeout = Duration::from_secs(5);
        }),
    ];
    for (text, change) in cases {
        let mut expected = Config::default();
        change(&mut expected);
        assert_eq!(parse(text), Ok(expected), "text {text:?}");
    }
}

/// Each text fails on the given line with a message containing the given words.
#[test]
fn bad_values() {
    let cases: &[(&str, usize, &str)] = &[
        ("thorttle = 1", 1, "unknown key 'thorttle'"),
        ("\n# c\nthorttle = 1", 3, "unknown key 'thorttle'"),
        ("Root = /a", 1, "unknown key 'Root'"),
        ("root /a", 1, "missing '=' after key 'root'"),
        ("root", 1, "missing '=' after key 'root'"),
        ("= /a", 1, "expected 'key = value'"),
        ("root =", 1, "missing value for key 'root'"),
        ("root = # nothing", 1, "missing value"),
        ("root = relative", 1, "absolute path"),
        ("root = /a\x01b", 1, "control character"),
        (
            "root = /a\nroot = /b",
            2,
            "duplicate key 'root' (first on line 1)",
        ),
        ("request_timeout = 0", 1, "more than 0"),
        ("request_timeout = 0.0", 1, "more than 0"),
        ("request_timeout = -1", 1, "expected seconds"),
        ("request_timeout = 1.", 1, "expected seconds"),
        ("request_timeout = .5", 1, "expected seconds"),
        ("request_timeout = 10s", 1, "expected seconds"),
        ("request_timeout = 1.0000000001", 1, "9 decimals"),
        ("request_timeout = 86401", 1, "at most 86400"),
        (
            "request_timeout = 99999999999999999999999",
            1,
            "at most 86400",
        ),
        ("send_timeout = 0", 1, "more than 0"),
        ("send_timeout = ten", 1, "expected seconds"),
        ("throttle = -1", 1, "expected seconds"),
        ("throttle = 86401", 1, "at most 86400"),
        ("throttle = off", 1, "expected seconds"),
        ("throttle_rate = 0", 1, "between 0.001 and 1000"),
        ("throttle_rate = 0.000", 1, "between 0.001 and 1000"),
        ("throttle_rate = 1000.001", 1, "between 0.001 and 1000"),
        ("throttle_rate = 99999999999", 1, "between 0.001 and 1000"),
        ("throttle_rate = 0.0005", 1, "3 decimals"),
        ("throttle_rate = 1.", 1, "expected a multiple"),
        ("throttle_rate = x2", 1, "expected a multiple"),
        ("throttle_min_size = 1M", 1, "expected a byte count"),
        ("throttle_min_size = -1", 1, "expected a byte count"),
        ("throttle_exempt = 10.0.0.0/8", 1, "bad address"),
        ("throttle_exempt = varnish.local", 1, "bad address"),
        ("cors_origins = example.com", 1, "bad origin pattern"),
        (
            "cors_origins = https://example.com/",
            1,
            "bad origin pattern",
        ),
        ("max_request_head = 255", 1, "between 256 and 1048576"),
        ("max_request_head = 1025k", 1, "between 256 and 1048576"),
        ("max_request_head = 18014398509481984k", 1, "between"),
        ("max_request_head = 8M", 1, "expected a byte count"),
        ("max_request_head = k", 1, "expected a byte count"),
        ("max_header_lines = 0", 1, "between 1 and 10000"),
        ("max_header_lines = 10001", 1, "between 1 and 10000"),
        ("max_header_lines = 1k", 1, "whole number"),
        (
            "index_dir = var/cache/loomiere",
            1,
            "index_dir: expected an absolute path or 'off', got 'var/cache/loomiere'",
        ),
        ("index_dir = Off", 1, "absolute path or 'off'"),
        ("scoreboard = run/sb", 1, "absolute path or 'off'"),
        ("scoreboard_slots = 0", 1, "between 1 and 1048576"),
        ("scoreboard_slots = 1048577", 1, "between 1 and 1048576"),
        ("index_dir = /a\x01b", 1, "control character"),
        (
            "index_dir = off\nindex_dir = /a",
            2,
            "duplicate key 'index_dir'",
        ),
        (
            "streamer.mp4 = bin/mp4",
            1,
            "program name or an absolute path",
        ),
        ("streamer.mp4 = .hidden", 1, "program name"),
        ("segmenter.mp4 = a b", 1, "program name"),
        ("segment_duration = 0.5", 1, "1 to 60 seconds"),
        ("segment_duration = 61", 1, "1 to 60 seconds"),
        ("segment_duration = 0", 1, "seconds"),
        ("segment_cache_control = a\u{7f}b", 1, "header field value"),
        ("segment_cache_control = caf\u{e9}", 1, "header field value"),
        ("streamer.mp4 = a b", 1, "program name"),
        ("streamer. = x", 1, "bad extension ''"),
        ("streamer.a.b = x", 1, "bad extension 'a.b'"),
        (
            "streamer.mp4 = a\nstreamer.MP4 = b",
            2,
            "duplicate key 'streamer.mp4'",
        ),
        ("type.mp4 = video", 1, "media type"),
        ("type.mp4 = video/mp4; codecs=x", 1, "media type"),
        (
            "type.mp4 = video/mp4\r\nX-Evil: 1",
            2,
            "missing '=' after key 'X-Evil:'",
        ),
        ("type.mp4 = video/mp4\rX-Evil: 1", 1, "media type"),
        ("type.mp4 = video/\u{e9}", 1, "media type"),
        ("type.mp4 = /mp4", 1, "media type"),
    ];
    for (text, line, words) in cases {
        let err = parse(text).expect_err(text);
        assert_eq!(err.line, Some(*line), "text {text:?}: {err}");
        assert!(err.message.contains(words), "text {text:?}: {err}");
        assert_eq!(err.path, None);
    }
}

#[test]
fn lookups_ignore_case_and_follow_overrides() {
    let config = parse("streamer.jpg = off\ntype.MKV = video/x-matroska").unwrap();
    let cases: &[(&str, Option<&str>, Option<&str>)] = &[
        ("mp4", Some("loomiere-mp4"), Some("video/mp4")),
        ("MP4", Some("loomiere-mp4"), Some("video/mp4")),
        ("jpg", None, Some("image/jpeg")),
        ("png", Some("loomiere-file"), Some("image/png")),
        ("flv", Some("loomiere-flv"), Some("video/x-flv")),
        ("mkv", None, Some("video/x-matroska")),
        ("", None, None),
        ("exe", None, None),
    ];
    for (ext, streamer, media) in cases {
        assert_eq!(config.streamer_for(ext), *streamer, "{ext}");
        assert_eq!(config.content_type_for(ext), *media, "{ext}");
    }
}

#[test]
fn defaults() {
    let c = Config::default();
    assert_eq!(c.root_or_default(), Path::new("/srv/loomiere"));
    assert_eq!(c.request_timeout, Duration::from_secs(10));
    assert_eq!(c.send_timeout, Duration::from_secs(60));
    assert_eq!(c.throttle.ahead, Duration::from_secs(20));
    assert_eq!(c.throttle.rate.per_mille(), 1000);
    assert_eq!(c.throttle.min_size, 1 << 20);
    assert_eq!((c.max_request_head, c.max_header_lines), (8192, 100));
    assert_eq!(c.index_dir, None);
    assert_eq!(c.streamers.len(), 14);
    assert_eq!(c.segmenter_for("MP4"), Some("loomiere-hls"));
    assert_eq!(c.segmenter_for("flv"), None);
    assert_eq!(c.segment_duration, Duration::from_secs(6));
    assert_eq!(
        c.segment_cache_control.as_deref(),
        Some("public, max-age=86400")
    );
    assert_eq!(c.content_types, set(DEFAULT_TYPES));
    let c = parse("root = /x").unwrap();
    assert_eq!(c.root_or_default(), Path::new("/x"));
}

#[test]
fn error_display() {
    let cases: &[(Option<&str>, Option<usize>, &str)] = &[
        (
            Some("/etc/loomiere/stream.conf"),
            Some(12),
            "/etc/loomiere/stream.conf:12: m",
        ),
        (
            Some("/etc/loomiere/stream.conf"),
            None,
            "/etc/loomiere/stream.conf: m",
        ),
        (None, Some(3), "line 3: m"),
        (None, None, "m"),
    ];
    for (path, line, shown) in cases {
        let e = ConfigError {
            path: path.map(PathBuf::from),
            line: *line,
            message: "m".into(),
        };
        assert_eq!(e.to_string(), *shown);
    }
}

/// A fresh, empty directory under the system temp dir.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("loomiere-config-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn load_files() {
    let dir = temp_dir("load");
    let missing = dir.join("missing.conf");
    assert_eq!(load(&missing, false), Ok(Config::default()));
    let err = load(&missing, true).unwrap_err();
    assert_eq!(
        (err.path.as_deref(), err.line),
        (Some(missing.as_path()), None)
    );
    assert!(err.message.starts_with("cannot read"), "{err}");

    let good = dir.join("good.conf");
    std::fs::write(&good, "send_timeout = 3\n").unwrap();
    assert_eq!(
        load(&good, true).unwrap().send_timeout,
        Duration::from_secs(3)
    );

    let bad = dir.join("bad.conf");
    std::fs::write(&bad, "# x\n\nthorttle = 1\n").unwrap();
    let err = load(&bad, false).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("{}:3: unknown key 'thorttle'", bad.display())
    );

    let latin1 = dir.join("latin1.conf");
    std::fs::write(&latin1, b"root = /a\nroot2 = /caf\xe9\n").unwrap();
    let err = load(&latin1, false).unwrap_err();
    assert_eq!(
        (err.line, err.message.as_str()),
        (Some(2), "not valid UTF-8")
    );

    let err = load(&dir, false).unwrap_err();
    assert_eq!(err.line, None, "a directory is a read error: {err}");

    let huge = dir.join("huge.conf");
    std::fs::write(&huge, vec![b'#'; (1 << 20) + 1]).unwrap();
    assert!(load(&huge, false)
        .unwrap_err()
        .message
        .contains("larger than 1 MiB"));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The shipped `etc/loomiere/stream.conf` shows every key with its default: with every
/// `#key = value` line uncommented it must parse to exactly `Config::default()`, and
/// every key of the table must appear in it. A family without defaults (`vhost.`) is
/// shown by example lines instead (`# vhost.example.com = ...`).
#[test]
fn shipped_config_documents_every_key_with_its_default() {
    let shipped = include_str!("../../../etc/loomiere/stream.conf");
    let uncommented: String = shipped
        .lines()
        .filter_map(|l| {
            l.strip_prefix('#')
                .filter(|rest| rest.contains(" = ") && !rest.starts_with(' '))
        })
        .map(|l| format!("{l}\n"))
        .collect();
    let mut parsed = parse(&uncommented).expect("documented defaults parse");
    let mut expected = Config {
        root: Some(std::path::PathBuf::from(super::DEFAULT_ROOT)),
        ..Config::default()
    };
    parsed.streamers.sort();
    parsed.segmenters.sort();
    parsed.content_types.sort();
    expected.streamers.sort();
    expected.segmenters.sort();
    expected.content_types.sort();
    assert_eq!(parsed, expected);
    for name in super::keys::names() {
        let example = name.ends_with('.') && shipped.contains(&format!("\n# {name}"));
        assert!(
            uncommented.contains(name) || example,
            "key '{name}' is not documented in stream.conf"
        );
    }
    assert!(parse(shipped).is_ok(), "the shipped file itself parses");
}
