use super::*;
use crate::head::{parse_head, Limits, Parsed};

const ETAG: &str = "\"1-2710-00000000000000ab\"";
/// Sun, 06 Nov 1994 08:49:37 GMT
const LM_SECS: u64 = 784_111_777;
const LM: &str = "Sun, 06 Nov 1994 08:49:37 GMT";
const NOW: &str = "Sun, 06 Nov 1994 09:49:37 GMT";

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

fn rep() -> Representation<'static> {
    Representation {
        len: 10_000,
        content_type: "video/mp4",
        etag: ETAG,
        last_modified: at(LM_SECS) + Duration::from_millis(250),
        fields: &[],
    }
}

/// Answers `method /v.mp4` with `Host` and the `fields` (each line ending in CRLF).
fn run(method: &str, fields: &str) -> Answer {
    let text = format!("{method} /v.mp4 HTTP/1.1\r\nHost: a\r\n{fields}\r\n");
    let Ok(Parsed::Complete { request, .. }) = parse_head(text.as_bytes(), &Limits::default())
    else {
        panic!("test head should parse: {text:?}");
    };
    answer(&request, &rep(), at(LM_SECS + 3600))
}

fn head_text(a: &Answer) -> String {
    String::from_utf8(a.head.clone()).expect("heads are ASCII")
}

#[test]
fn full_200_head_is_exact() {
    let a = run("GET", "");
    assert_eq!(a.status, 200);
    assert_eq!(a.body, Some((0, 10_000)));
    let want = format!(
        "HTTP/1.1 200 OK\r\nDate: {NOW}\r\nServer: loomiere\r\nContent-Type: video/mp4\r\n\
         Content-Length: 10000\r\nAccept-Ranges: bytes\r\nETag: {ETAG}\r\n\
         Last-Modified: {LM}\r\nConnection: close\r\n\r\n"
    );
    assert_eq!(head_text(&a), want);
}

#[test]
fn head_method_gets_the_get_head_and_no_body() {
    for fields in ["", "Range: bytes=0-499\r\n", "If-None-Match: \"zzz\"\r\n"] {
        let get = run("GET", fields);
        let head = run("HEAD", fields);
        assert_eq!(head.head, get.head, "{fields:?}");
        assert_eq!(head.status, get.status, "{fields:?}");
        assert!(get.body.is_some());
        assert_eq!(head.body, None, "{fields:?}");
    }
}

#[test]
fn partial_206() {
    let table: &[(&str, u64, u64, &str)] = &[
        ("bytes=0-499", 0, 500, "bytes 0-499/10000"),
        ("bytes=-500", 9500, 10_000, "bytes 9500-9999/10000"),
        ("bytes=9500-", 9500, 10_000, "bytes 9500-9999/10000"),
        (
            "bytes=0-18446744073709551615",
            0,
            10_000,
            "bytes 0-9999/10000",
        ),
    ];
    for (range, start, end, content_range) in table {
        let a = run("GET", &format!("Range: {range}\r\n"));
        assert_eq!(a.status, 206, "{range}");
        assert_eq!(a.body, Some((*start, *end)), "{range}");
        let text = head_text(&a);
        assert!(
            text.starts_with("HTTP/1.1 206 Partial Content\r\n"),
            "{text}"
        );
        assert!(
            text.contains(&format!("\r\nContent-Range: {content_range}\r\n")),
            "{text}"
        );
        assert!(
            text.contains(&format!("\r\nContent-Length: {}\r\n", end - start)),
            "{text}"
        );
        assert!(text.contains("\r\nAccept-Ranges: bytes\r\n"), "{text}");
    }
}

#[test]
fn unsatisfiable_416() {
    let a = run("GET", "Range: bytes=10000-\r\n");
    assert_eq!(a.status, 416);
    assert_eq!(a.body, None);
    let text = head_text(&a);
    assert!(
        text.starts_with("HTTP/1.1 416 Range Not Satisfiable\r\n"),
        "{text}"
    );
    assert!(
        text.contains("\r\nContent-Range: bytes */10000\r\n"),
        "{text}"
    );
    assert!(
        text.ends_with("\r\n\r\n416 Range Not Satisfiable\n"),
        "{text}"
    );
    let head = run("HEAD", "Range: bytes=10000-\r\n");
    assert_eq!(head.status, 416);
    assert_eq!(head.body, None);
    assert!(head_text(&head).ends_with("\r\n\r\n"));
}

#[test]
fn not_modified_304_head_is_exact() {
    let a = run("GET", &format!("If-None-Match: {ETAG}\r\n"));
    assert_eq!(a.status, 304);
    assert_eq!(a.body, None);
    let want = format!(
        "HTTP/1.1 304 Not Modified\r\nDate: {NOW}\r\nServer: loomiere\r\nETag: {ETAG}\r\n\
         Last-Modified: {LM}\r\nConnection: close\r\n\r\n"
    );
    assert_eq!(head_text(&a), want);
}

/// Status for each set of conditional fields, on a GET (RFC 9110 §13.2.2 order).
#[test]
fn precondition_table() {
    let earlier = "Sun, 06 Nov 1994 08:49:36 GMT";
    let later = "Sun, 06 Nov 1994 08:49:38 GMT";
    let table: Vec<(String, u16)> = vec![
        // If-None-Match: weak comparison, "*" and lists.
        (format!("If-None-Match: {ETAG}\r\n"), 304),
        (format!("If-None-Match: W/{ETAG}\r\n"), 304),
        ("If-None-Match: *\r\n".into(), 304),
        (format!("If-None-Match: \"a\", {ETAG}\r\n"), 304),
        (
            format!("If-None-Match: \"a\"\r\nIf-None-Match: {ETAG}\r\n"),
            304,
        ),
        ("If-None-Match: \"a\"\r\n".into(), 200),
        ("If-None-Match: garbage\r\n".into(), 200),
        // If-Modified-Since: <= Last-Modified (seconds) is not modified.
        (format!("If-Modified-Since: {LM}\r\n"), 304),
        (format!("If-Modified-Since: {later}\r\n"), 304),
        (
            "If-Modified-Since: Sunday, 06-Nov-94 08:49:37 GMT\r\n".into(),
            304,
        ),
        (
            "If-Modified-Since: Sun Nov  6 08:49:37 1994\r\n".into(),
            304,
        ),
        (format!("If-Modified-Since: {earlier}\r\n"), 200),
        ("If-Modified-Since: not a date\r\n".into(), 200),
        (
            format!("If-Modified-Since: {LM}\r\nIf-Modified-Since: {LM}\r\n"),
            200,
        ),
        // If-None-Match present: If-Modified-Since is ignored.
        (
            format!("If-None-Match: \"a\"\r\nIf-Modified-Since: {LM}\r\n"),
            200,
        ),
        // If-Match: strong comparison.
        (format!("If-Match: {ETAG}\r\n"), 200),
        ("If-Match: *\r\n".into(), 200),
        (format!("If-Match: \"a\", {ETAG}\r\n"), 200),
        (format!("If-Match: W/{ETAG}\r\n"), 412),
        ("If-Match: \"a\"\r\n".into(), 412),
        ("If-Match: garbage\r\n".into(), 412),
        // If-Unmodified-Since: Last-Modified later than the date fails.
        (format!("If-Unmodified-Since: {earlier}\r\n"), 412),
        (format!("If-Unmodified-Since: {LM}\r\n"), 200),
        ("If-Unmodified-Since: nonsense\r\n".into(), 200),
        // If-Match present: If-Unmodified-Since is ignored.
        (
            format!("If-Match: {ETAG}\r\nIf-Unmodified-Since: {earlier}\r\n"),
            200,
        ),
        // 412 comes before 304.
        (format!("If-Match: \"a\"\r\nIf-None-Match: {ETAG}\r\n"), 412),
        (
            format!("If-Unmodified-Since: {earlier}\r\nIf-Modified-Since: {LM}\r\n"),
            412,
        ),
        // 304 comes before Range.
        (
            format!("If-None-Match: {ETAG}\r\nRange: bytes=0-1\r\n"),
            304,
        ),
        (
            format!("If-None-Match: {ETAG}\r\nRange: bytes=99999-\r\n"),
            304,
        ),
    ];
    for (fields, want) in &table {
        let a = run("GET", fields);
        assert_eq!(a.status, *want, "{fields:?}");
        if *want == 412 {
            assert_eq!(a.body, None);
            assert!(head_text(&a).ends_with("\r\n\r\n412 Precondition Failed\n"));
        }
    }
}

#[test]
fn if_range_table() {
    let table: Vec<(String, u16)> = vec![
        (format!("If-Range: {ETAG}\r\n"), 206),
        (format!("If-Range: W/{ETAG}\r\n"), 200),
        ("If-Range: \"other\"\r\n".into(), 200),
        (format!("If-Range: {LM}\r\n"), 206),
        ("If-Range: Sun, 06 Nov 1994 08:49:38 GMT\r\n".into(), 200),
        ("If-Range: Sun, 06 Nov 1994 08:49:36 GMT\r\n".into(), 200),
        ("If-Range: garbage\r\n".into(), 200),
        (format!("If-Range: {ETAG}\r\nIf-Range: {ETAG}\r\n"), 200),
    ];
    for (fields, want) in &table {
        let a = run("GET", &format!("Range: bytes=0-0\r\n{fields}"));
        assert_eq!(a.status, *want, "{fields:?}");
    }
    // If-Range also guards a 416: the full representation is sent instead.
    let a = run("GET", "Range: bytes=99999-\r\nIf-Range: \"other\"\r\n");
    assert_eq!(a.status, 200);
}

#[test]
fn two_range_fields_are_ignored() {
    let a = run("GET", "Range: bytes=0-0\r\nRange: bytes=1-1\r\n");
    assert_eq!((a.status, a.body), (200, Some((0, 10_000))));
}

#[test]
fn future_last_modified_is_clamped_to_now() {
    let text = b"GET / HTTP/1.1\r\nHost: a\r\n\r\n";
    let Ok(Parsed::Complete { request, .. }) = parse_head(text, &Limits::default()) else {
        panic!("parse");
    };
    let future = Representation {
        last_modified: at(LM_SECS + 99_999),
        ..rep()
    };
    let a = answer(&request, &future, at(LM_SECS + 3600));
    assert!(head_text(&a).contains(&format!("\r\nLast-Modified: {NOW}\r\n")));
    // And a date equal to that clamped value is not strong for If-Range.
    let text = format!("GET / HTTP/1.1\r\nHost: a\r\nRange: bytes=0-0\r\nIf-Range: {NOW}\r\n\r\n");
    let Ok(Parsed::Complete { request, .. }) = parse_head(text.as_bytes(), &Limits::default())
    else {
        panic!("parse");
    };
    assert_eq!(answer(&request, &future, at(LM_SECS + 3600)).status, 200);
}

#[test]
fn empty_representation() {
    let text = b"GET / HTTP/1.1\r\nHost: a\r\nRange: bytes=0-\r\n\r\n";
    let Ok(Parsed::Complete { request, .. }) = parse_head(text, &Limits::default()) else {
        panic!("parse");
    };
    let empty = Representation { len: 0, ..rep() };
    let a = answer(&request, &empty, at(LM_SECS));
    assert_eq!(a.status, 416);
    assert!(head_text(&a).contains("Content-Range: bytes */0\r\n"));
}

#[test]
fn error_head_is_exact() {
    let got = error_head(405, &[("Allow", crate::ALLOW)], false, at(LM_SECS));
    let want = format!(
        "HTTP/1.1 405 Method Not Allowed\r\nDate: {LM}\r\nServer: loomiere\r\n\
         Content-Type: text/plain; charset=utf-8\r\nContent-Length: 23\r\n\
         Allow: GET, HEAD, OPTIONS\r\nConnection: close\r\n\r\n405 Method Not Allowed\n"
    );
    assert_eq!(String::from_utf8(got).expect("ascii"), want);
    assert_eq!("405 Method Not Allowed\n".len(), 23);
    let head = error_head(404, &[], true, at(LM_SECS));
    let text = String::from_utf8(head).expect("ascii");
    assert!(text.contains("\r\nContent-Length: 14\r\n"), "{text}");
    assert!(text.ends_with("Connection: close\r\n\r\n"), "{text}");
}

#[test]
fn control_bytes_never_reach_the_head() {
    let text = b"GET / HTTP/1.1\r\nHost: a\r\n\r\n";
    let Ok(Parsed::Complete { request, .. }) = parse_head(text, &Limits::default()) else {
        panic!("parse");
    };
    let bad = Representation {
        content_type: "video/mp4\r\nSet-Cookie: x",
        ..rep()
    };
    let a = answer(&request, &bad, at(LM_SECS));
    let text = head_text(&a);
    assert!(
        text.contains("\r\nContent-Type: video/mp4Set-Cookie: x\r\n"),
        "{text}"
    );
    let extra = error_head(400, &[("X\n", "a\rb")], false, at(LM_SECS));
    assert!(String::from_utf8(extra)
        .expect("ascii")
        .contains("\r\nX: ab\r\n"));
}

#[test]
fn options_head_is_204_with_allow_and_no_length_or_body() {
    let got = options_head(&[("Access-Control-Max-Age", "86400")], at(LM_SECS));
    let want = format!(
        "HTTP/1.1 204 No Content\r\nDate: {LM}\r\nServer: loomiere\r\n\
         Allow: GET, HEAD, OPTIONS\r\nAccess-Control-Max-Age: 86400\r\n\
         Connection: close\r\n\r\n"
    );
    assert_eq!(String::from_utf8(got).expect("ascii"), want);
}

/// Fields added after the fact land in the head, never in a body that follows it,
/// and cannot split the head.
#[test]
fn add_fields_goes_before_the_empty_line_and_keeps_the_body() {
    let mut head = error_head(404, &[], false, at(LM_SECS));
    add_fields(
        &mut head,
        &[("Vary", "Origin"), ("X-Bad", "a\r\nInjected: 1")],
    );
    let text = String::from_utf8(head).expect("ascii");
    let (fields, body) = text.split_once("\r\n\r\n").expect("empty line");
    assert_eq!(body, "404 Not Found\n");
    assert!(
        fields.ends_with("\r\nVary: Origin\r\nX-Bad: aInjected: 1\r\nConnection: close"),
        "{fields}"
    );
    let mut no_head = b"not a head".to_vec();
    add_fields(&mut no_head, &[("Vary", "Origin")]);
    assert_eq!(no_head, b"not a head");
}

#[test]
fn representation_fields_go_with_200_206_and_304() {
    let fields = [("Cache-Control", "public, max-age=60"), ("X-A", "b")];
    let with = Representation {
        fields: &fields,
        ..rep()
    };
    let ask = |extra: &str| {
        let text = format!("GET /v.mp4 HTTP/1.1\r\nHost: a\r\n{extra}\r\n");
        let Ok(Parsed::Complete { request, .. }) = parse_head(text.as_bytes(), &Limits::default())
        else {
            panic!("test head should parse");
        };
        let a = answer(&request, &with, at(LM_SECS + 3600));
        (a.status, head_text(&a))
    };
    let want = "Cache-Control: public, max-age=60\r\nX-A: b\r\nConnection: close\r\n\r\n";
    for (extra, status) in [
        ("", 200),
        ("Range: bytes=0-9\r\n", 206),
        (&*format!("If-None-Match: {ETAG}\r\n"), 304),
    ] {
        let (got, head) = ask(extra);
        assert_eq!(got, status);
        assert!(head.ends_with(want), "{status}: {head}");
    }
    // Not with a 416: that answer is about the range, not the representation.
    let (got, head) = ask("Range: bytes=20000-\r\n");
    assert_eq!(got, 416);
    assert!(!head.contains("Cache-Control"), "{head}");
}
