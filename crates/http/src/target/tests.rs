use super::*;

/// `Ok((path, query, host))` or `Err((status, reason or ""))`.
type Want = Result<(&'static str, &'static str, Option<&'static str>), (u16, &'static str)>;

#[rustfmt::skip]
const TABLE: &[(&str, Want)] = &[
    // Good origin-form targets.
    ("/", Ok(("", "", None))),
    ("/v.mp4", Ok(("v.mp4", "", None))),
    ("/a/b/c.mp4", Ok(("a/b/c.mp4", "", None))),
    ("//a//b/", Ok(("a/b", "", None))),
    ("/./a/./b", Ok(("a/b", "", None))),
    ("/a%20b.mp4", Ok(("a b.mp4", "", None))),
    ("/a%2fb", Ok(("a/b", "", None))),
    ("/a%2Fb", Ok(("a/b", "", None))),
    ("/a%5cb", Ok(("a\\b", "", None))),
    ("/a\\b", Ok(("a\\b", "", None))),
    ("/%252e%252e/x", Ok(("%2e%2e/x", "", None))),
    ("/caf%C3%A9.mp4", Ok(("caf\u{e9}.mp4", "", None))),
    ("/caf\u{e9}.mp4", Ok(("caf\u{e9}.mp4", "", None))),
    ("/a..b/c...", Ok(("a..b/c...", "", None))),
    // The query is kept raw, split at the first '?'.
    ("/v.mp4?start=62.5&x=%41+b", Ok(("v.mp4", "start=62.5&x=%41+b", None))),
    ("/v.mp4?a?b=/..", Ok(("v.mp4", "a?b=/..", None))),
    ("/v.mp4?", Ok(("v.mp4", "", None))),
    ("/?x", Ok(("", "x", None))),
    // Absolute-form.
    ("http://Example.COM/v.mp4?start=1", Ok(("v.mp4", "start=1", Some("example.com")))),
    ("HTTP://a:8080/x", Ok(("x", "", Some("a:8080")))),
    ("https://[::1]/x", Ok(("x", "", Some("[::1]")))),
    ("http://a", Ok(("", "", Some("a")))),
    ("http://a?q", Ok(("", "q", Some("a")))),
    // Other forms.
    ("*", Err((400, ""))),
    ("example.com:80", Err((400, ""))),
    ("v.mp4", Err((400, ""))),
    ("", Err((400, ""))),
    ("ftp://a/x", Err((400, ""))),
    ("http:///x", Err((400, ""))),
    ("http://u@a/x", Err((400, ""))),
    ("http://a b/x", Err((400, ""))),
    // Fragments and bad escapes.
    ("/v.mp4#t=10", Err((400, ""))),
    ("/v.mp4?x=1#f", Err((400, ""))),
    ("/a%zzb", Err((400, ""))),
    ("/a%2", Err((400, ""))),
    ("/a%", Err((400, ""))),
    ("/a%00b", Err((400, ""))),
    ("/%c0%ae%c0%ae/etc/passwd", Err((400, ""))),
    ("/%ff.mp4", Err((400, ""))),
    // Traversal, literal and encoded.
    ("/..", Err((403, "path traversal"))),
    ("/../etc/passwd", Err((403, "path traversal"))),
    ("/a/../../b", Err((403, "path traversal"))),
    ("/a/..", Err((403, "path traversal"))),
    ("/%2e%2e/x", Err((403, "path traversal"))),
    ("/.%2E/x", Err((403, "path traversal"))),
    ("/a%2f..%2fb", Err((403, "path traversal"))),
    ("/a%2F%2E%2E%2Fb", Err((403, "path traversal"))),
    ("http://a/../x", Err((403, "path traversal"))),
    ("/.git/../x", Err((403, "path traversal"))),
    // Dot-files.
    ("/.git/config", Err((404, "dot-file"))),
    ("/a/.htaccess", Err((404, "dot-file"))),
    ("/.../x", Err((404, "dot-file"))),
    ("/%2ehidden", Err((404, "dot-file"))),
    ("/a/.b.mp4", Err((404, "dot-file"))),
];

#[test]
fn target_table() {
    for (raw, want) in TABLE {
        let got = parse_target(raw);
        match (want, &got) {
            (Ok((path, query, host)), Ok(t)) => {
                assert_eq!(t.path, *path, "{raw:?}");
                assert_eq!(t.query, *query, "{raw:?}");
                assert_eq!(t.host.as_deref(), *host, "{raw:?}");
            }
            (Err((status, reason)), Err(r)) => {
                assert_eq!(r.status, *status, "{raw:?}: {r}");
                if !reason.is_empty() {
                    assert_eq!(r.reason, *reason, "{raw:?}");
                }
            }
            _ => panic!("{raw:?}: want {want:?}, got {got:?}"),
        }
    }
}

#[test]
fn extension_table() {
    let table: &[(&str, Option<&str>)] = &[
        ("v.mp4", Some("mp4")),
        ("a/b/V.MP4", Some("mp4")),
        ("a.tar.gz", Some("gz")),
        ("a.b/c", None),
        ("noext", None),
        ("", None),
        ("a/.mp4", None),
        ("file.", None),
        ("caf\u{e9}.Fl\u{c9}", Some("fl\u{c9}")),
    ];
    for (path, want) in table {
        let t = Target {
            path: (*path).to_owned(),
            query: String::new(),
            host: None,
        };
        assert_eq!(t.extension().as_deref(), *want, "{path:?}");
    }
}

/// (path, the film, its extension and the name `within_film` finds, if any).
type WithinCase = (
    &'static str,
    Option<(&'static str, &'static str, &'static str)>,
);

#[test]
fn within_film_table() {
    let table: &[WithinCase] = &[
        ("a.mp4/master.m3u8", Some(("a.mp4", "mp4", "master.m3u8"))),
        (
            "films/x/A.MP4/seg-3-v1.m4s",
            Some(("films/x/A.MP4", "mp4", "seg-3-v1.m4s")),
        ),
        ("films/a.mp4", None),
        ("a.mp4", None),
        ("dir/master.m3u8", None),
        (
            "a.b/c.mp4/init-v1.mp4",
            Some(("a.b/c.mp4", "mp4", "init-v1.mp4")),
        ),
        ("x/.mp4/master.m3u8", None),
    ];
    for (path, want) in table {
        let t = Target {
            path: (*path).to_owned(),
            query: String::new(),
            host: None,
        };
        let got = t.within_film();
        let got = got.as_ref().map(|(f, e, n)| (*f, e.as_str(), *n));
        assert_eq!(got, *want, "{path:?}");
    }
}
