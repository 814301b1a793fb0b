use super::*;

/// What a table row expects from `parse_head` with default limits.
#[derive(Debug)]
enum Want {
    /// Complete, with this method, target and version.
    Ok(&'static str, &'static str, Version),
    Partial,
    Err(u16),
}

const V10: Version = Version::Http10;
const V11: Version = Version::Http11;

#[rustfmt::skip]
const TABLE: &[(&str, Want)] = &[
    // Good heads: CRLF, bare LF, mixed, leading empty lines.
    ("GET / HTTP/1.1\r\nHost: a\r\n\r\n", Want::Ok("GET", "/", V11)),
    ("GET / HTTP/1.1\nHost: a\n\n", Want::Ok("GET", "/", V11)),
    ("GET / HTTP/1.1\r\nHost: a\n\r\n", Want::Ok("GET", "/", V11)),
    ("HEAD /v.mp4?start=62.5 HTTP/1.0\r\n\r\n", Want::Ok("HEAD", "/v.mp4?start=62.5", V10)),
    ("\r\n\r\nGET /x HTTP/1.1\r\nHost: a\r\n\r\n", Want::Ok("GET", "/x", V11)),
    ("\nGET /x HTTP/1.1\n\n", Want::Ok("GET", "/x", V11)),
    ("POST /x HTTP/1.1\r\n\r\n", Want::Ok("POST", "/x", V11)),
    ("get /x HTTP/1.1\r\n\r\n", Want::Ok("get", "/x", V11)),
    ("GET http://a.example/x HTTP/1.1\r\n\r\n", Want::Ok("GET", "http://a.example/x", V11)),
    ("GET /caf\u{e9}.mp4 HTTP/1.1\r\n\r\n", Want::Ok("GET", "/caf\u{e9}.mp4", V11)),
    ("GET / HTTP/1.1\r\nX-Empty:\r\nX-Tab:\tv\t\r\n\r\n", Want::Ok("GET", "/", V11)),
    ("GET / HTTP/1.1\r\nHost: a\r\n\r\nBODY or pipelined", Want::Ok("GET", "/", V11)),
    // Partial heads.
    ("", Want::Partial),
    ("\r", Want::Partial),
    ("GET", Want::Partial),
    ("GET / HTTP/1.1\r\nHost: a\r\n", Want::Partial),
    ("GET / HTTP/1.1\r\nHost: a\r\n\r", Want::Partial),
    // Request-line errors.
    ("GET  / HTTP/1.1\r\n\r\n", Want::Err(400)),
    ("GET / HTTP/1.1 \r\n\r\n", Want::Err(400)),
    ("GET /\tx HTTP/1.1\r\n\r\n", Want::Err(400)),
    (" GET / HTTP/1.1\r\n\r\n", Want::Err(400)),
    ("G(T / HTTP/1.1\r\n\r\n", Want::Err(400)),
    ("GET / http/1.1\r\n\r\n", Want::Err(400)),
    ("GET / HTTP/1\r\n\r\n", Want::Err(400)),
    ("GET / HTTP/1.1x\r\n\r\n", Want::Err(400)),
    ("GET / HTTP/11.1\r\n\r\n", Want::Err(400)),
    ("GET /\r\n\r\n", Want::Err(400)),
    ("GET /\n", Want::Err(400)),
    ("GET / HTTP/1.1\rX\n\r\n", Want::Err(400)),
    ("GET /\0 HTTP/1.1\r\n\r\n", Want::Err(400)),
    ("\rGET / HTTP/1.1\r\n\r\n", Want::Err(400)),
    ("GET / HTTP/2.0\r\n\r\n", Want::Err(505)),
    ("GET / HTTP/0.9\r\n\r\n", Want::Err(505)),
    ("GET / HTTP/1.2\r\n\r\n", Want::Err(505)),
    // Header errors.
    ("GET / HTTP/1.1\r\nHost : a\r\n\r\n", Want::Err(400)),
    ("GET / HTTP/1.1\r\nHost\t: a\r\n\r\n", Want::Err(400)),
    ("GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n", Want::Err(400)),
    ("GET / HTTP/1.1\r\nX: a\r\n\tb\r\n\r\n", Want::Err(400)),
    ("GET / HTTP/1.1\r\n Host: a\r\n\r\n", Want::Err(400)),
    ("GET / HTTP/1.1\r\nX: a\0b\r\n\r\n", Want::Err(400)),
    ("GET / HTTP/1.1\r\nX: a\rb\r\n\r\n", Want::Err(400)),
    ("GET / HTTP/1.1\r\nX: a\x01\r\n\r\n", Want::Err(400)),
    ("GET / HTTP/1.1\r\nX: a\x7f\r\n\r\n", Want::Err(400)),
    ("GET / HTTP/1.1\r\nX: a\r\r\n\r\n", Want::Err(400)),
    ("GET / HTTP/1.1\r\nX(y): a\r\n\r\n", Want::Err(400)),
    ("GET / HTTP/1.1\r\n: a\r\n\r\n", Want::Err(400)),
    ("GET / HTTP/1.1\r\nNoColon\r\n\r\n", Want::Err(400)),
    ("GET / HTTP/1.1\r\nX: a\r\n\r\r\n", Want::Err(400)),
];

#[test]
fn head_table() {
    for (input, want) in TABLE {
        let got = parse_head(input.as_bytes(), &Limits::default());
        match (want, &got) {
            (Want::Ok(m, t, v), Ok(Parsed::Complete { request, .. })) => {
                assert_eq!(
                    (request.method, request.target, request.version),
                    (*m, *t, *v),
                    "{input:?}"
                );
            }
            (Want::Partial, Ok(Parsed::Partial)) => {}
            (Want::Err(status), Err(r)) => assert_eq!(r.status, *status, "{input:?}: {r}"),
            _ => panic!("{input:?}: want {want:?}, got {got:?}"),
        }
    }
}

/// Every proper prefix of a good head must be `Partial`, never an error: a slow
/// client that sends one byte at a time is still a valid client.
#[test]
fn every_prefix_of_a_good_head_is_partial() {
    for (input, want) in TABLE {
        if !matches!(want, Want::Ok(..)) {
            continue;
        }
        let Ok(Parsed::Complete { head_len, .. }) =
            parse_head(input.as_bytes(), &Limits::default())
        else {
            panic!("{input:?} should be complete");
        };
        for n in 0..head_len {
            let got = parse_head(&input.as_bytes()[..n], &Limits::default());
            assert_eq!(got, Ok(Parsed::Partial), "prefix {n} of {input:?}");
        }
    }
}

#[test]
fn head_len_stops_at_the_empty_line() {
    let input = b"GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /next HTTP/1.1\r\n\r\n";
    let Ok(Parsed::Complete { head_len, .. }) = parse_head(input, &Limits::default()) else {
        panic!("complete");
    };
    assert_eq!(head_len, 27);
    let lf = b"\nGET / HTTP/1.1\nHost: a\n\nxyz";
    let Ok(Parsed::Complete { head_len, .. }) = parse_head(lf, &Limits::default()) else {
        panic!("complete");
    };
    assert_eq!(head_len, lf.len() - 3);
}

#[test]
fn header_lookup_is_case_insensitive_first_and_trimmed() {
    let input = b"GET / HTTP/1.1\r\nhOST:  a.example \t\r\nX: 1\r\nx: 2\r\nEmpty:   \r\n\r\n";
    let Ok(Parsed::Complete { request, .. }) = parse_head(input, &Limits::default()) else {
        panic!("complete");
    };
    assert_eq!(request.header("Host"), Some(&b"a.example"[..]));
    assert_eq!(request.header("x"), Some(&b"1"[..]));
    assert_eq!(request.header("empty"), Some(&b""[..]));
    assert_eq!(request.header("missing"), None);
    assert_eq!(request.header_count("X"), 2);
    assert_eq!(request.header_count("nope"), 0);
    let names: Vec<&str> = request.headers().map(|(n, _)| n).collect();
    assert_eq!(names, ["hOST", "X", "x", "Empty"]);
    assert!(!request.is_head());
}

#[test]
fn head_size_limit() {
    let limits = Limits {
        max_head_bytes: 32,
        max_header_lines: 100,
    };
    let exact = b"GET / HTTP/1.1\r\nHost: abcdefg\r\n\r\n"; // 33 bytes
    let fits = b"GET / HTTP/1.1\r\nHost: abcdef\r\n\r\n"; // 32 bytes
    assert_eq!(fits.len(), 32);
    assert!(matches!(
        parse_head(fits, &limits),
        Ok(Parsed::Complete { head_len: 32, .. })
    ));
    assert_eq!(parse_head(exact, &limits).map_err(|r| r.status), Err(431));
    // Still partial, but already longer than the limit: in the fields, 431; in the
    // request-target, 414 (RFC 9112 §3); in the method, 501.
    let in_fields = b"GET / HTTP/1.1\r\nHost: abcdefghijklmnopqr";
    assert_eq!(
        parse_head(in_fields, &limits).map_err(|r| r.status),
        Err(431)
    );
    let in_target = b"\r\nGET /aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    assert_eq!(
        parse_head(in_target, &limits).map_err(|r| r.status),
        Err(414)
    );
    let in_version = b"GET /aaaaaaaaaaaaaaaaaaaaaaaa HTTP/1.1";
    assert_eq!(
        parse_head(in_version, &limits).map_err(|r| r.status),
        Err(414)
    );
    let long = [b'A'; 33];
    assert_eq!(parse_head(&long, &limits).map_err(|r| r.status), Err(501));
    // Partial and exactly at the limit: the next byte decides.
    assert_eq!(parse_head(&long[..32], &limits), Ok(Parsed::Partial));
    // A body after a small head does not count.
    let mut with_body = fits.to_vec();
    with_body.extend_from_slice(&[b'x'; 100]);
    assert!(matches!(
        parse_head(&with_body, &limits),
        Ok(Parsed::Complete { head_len: 32, .. })
    ));
}

#[test]
fn header_line_limit() {
    let limits = Limits {
        max_head_bytes: 8192,
        max_header_lines: 3,
    };
    let three = b"GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n";
    let four = b"GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n";
    assert!(matches!(
        parse_head(three, &limits),
        Ok(Parsed::Complete { .. })
    ));
    assert_eq!(parse_head(four, &limits).map_err(|r| r.status), Err(431));
}

#[test]
fn non_utf8_target_is_400() {
    let input = b"GET /\xff HTTP/1.1\r\n\r\n";
    assert_eq!(
        parse_head(input, &Limits::default()).map_err(|r| r.status),
        Err(400)
    );
}

fn check(input: &str) -> Result<(), u16> {
    let Ok(Parsed::Complete { request, .. }) = parse_head(input.as_bytes(), &Limits::default())
    else {
        panic!("{input:?} should parse");
    };
    check_request(&request).map_err(|r| r.status)
}

#[test]
fn check_request_table() {
    #[rustfmt::skip]
    let table: &[(&str, Result<(), u16>)] = &[
        ("GET / HTTP/1.1\r\nHost: a\r\n\r\n", Ok(())),
        ("HEAD / HTTP/1.1\r\nHost: a:80\r\n\r\n", Ok(())),
        ("GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n", Ok(())),
        ("GET / HTTP/1.0\r\n\r\n", Ok(())),
        ("GET / HTTP/1.0\r\nHost: a\r\n\r\n", Ok(())),
        ("POST / HTTP/1.1\r\nHost: a\r\n\r\n", Err(405)),
        ("get / HTTP/1.1\r\nHost: a\r\n\r\n", Err(501)),
        ("OPTIONS / HTTP/1.1\r\nHost: a\r\n\r\n", Ok(())),
        ("PATCH / HTTP/1.1\r\nHost: a\r\n\r\n", Err(405)),
        ("BREW / HTTP/1.1\r\nHost: a\r\n\r\n", Err(501)),
        ("PROPFIND / HTTP/1.1\r\nHost: a\r\n\r\n", Err(501)),
        ("GET / HTTP/1.1\r\n\r\n", Err(400)),
        ("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", Err(400)),
        ("GET / HTTP/1.0\r\nHost: a\r\nhost: b\r\n\r\n", Err(400)),
        ("GET / HTTP/1.1\r\nHost:\r\n\r\n", Err(400)),
        ("GET / HTTP/1.1\r\nHost: a b\r\n\r\n", Err(400)),
        ("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", Err(400)),
        ("GET / HTTP/1.1\r\nHost: a:99999\r\n\r\n", Err(400)),
        ("GET / HTTP/1.1\r\nHost: u@a\r\n\r\n", Err(400)),
    ];
    for (input, want) in table {
        assert_eq!(check(input), *want, "{input:?}");
    }
    assert_eq!(ALLOW, "GET, HEAD, OPTIONS");
}
