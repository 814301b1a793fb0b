//! `cors_origins` and the CORS decision (Fetch standard §3.2): which origins are
//! granted, which fields each answer carries, and what a preflight gets.

use super::request;
use crate::cors::{decide, Cors, CorsOrigins, EXPOSE_HEADERS};
use crate::origin::{Origin, OriginPattern};

/// The decision for `head` under the `cors_origins` value `value`.
fn decision(value: &str, head: &str) -> Cors {
    let origins = CorsOrigins::parse(value).unwrap_or_else(|e| panic!("{value}: {e}"));
    decide(&origins, &request(head.as_bytes()))
}

fn get_from(origin: &str) -> String {
    format!("GET /a.flv HTTP/1.1\r\nHost: media.test\r\nOrigin: {origin}\r\n\r\n")
}

#[test]
fn origin_patterns_match_scheme_host_and_port() {
    let origins = [
        "https://example.com",
        "https://example.com:443",
        "http://example.com",
        "https://www.example.com",
        "https://example.com:8443",
        "http://localhost:8000",
        "HTTPS://EXAMPLE.COM",
    ];
    let cases: &[(&str, [bool; 7])] = &[
        (
            "https://example.com",
            [true, true, false, false, false, false, true],
        ),
        (
            "https://*.example.com",
            [false, false, false, true, false, false, false],
        ),
        (
            "https://.example.com:*",
            [true, true, false, true, true, false, true],
        ),
        (
            "http://localhost:8000",
            [false, false, false, false, false, true, false],
        ),
        (
            "http://*:*",
            [false, false, true, false, false, true, false],
        ),
    ];
    for (pattern, want) in cases {
        let p = OriginPattern::parse(pattern).unwrap_or_else(|e| panic!("{pattern}: {e}"));
        for (origin, want) in origins.iter().zip(want) {
            let o = Origin::parse(origin.as_bytes()).expect(origin);
            assert_eq!(p.matches(&o), *want, "{pattern} against {origin}");
        }
    }
}

#[test]
fn bad_origin_patterns_and_values_are_errors() {
    for bad in [
        "example.com",
        "ftp://example.com",
        "https://",
        "https://example.com/",
        "https://example.com:99999",
        "https://example.com:",
        "https://u@example.com",
        "https://exa mple.com",
        "https://a*.example.com",
    ] {
        assert!(OriginPattern::parse(bad).is_err(), "{bad}");
    }
    assert!(CorsOrigins::parse("").is_err());
    assert!(CorsOrigins::parse("off https://a.test").is_err());
    for not_origin in ["null", "https://a.test/", "file://", "https://a.test:x", ""] {
        assert_eq!(Origin::parse(not_origin.as_bytes()), None, "{not_origin}");
    }
}

#[test]
fn patterns_print_as_they_parse() {
    for text in [
        "https://example.com",
        "http://*.example.org:8080",
        "http://[::1]:*",
        "https://.example.net:80",
    ] {
        let p = OriginPattern::parse(text).unwrap();
        assert_eq!(p.to_string(), text);
        assert_eq!(OriginPattern::parse(&p.to_string()), Ok(p));
    }
    let default_port = OriginPattern::parse("https://example.com:443").unwrap();
    assert_eq!(default_port.to_string(), "https://example.com");
}

#[test]
fn a_granted_origin_gets_allow_origin_and_the_exposed_fields() {
    let list = "https://player.test http://localhost:*";
    let cases: &[(&str, &str, Option<&str>, bool)] = &[
        ("off", "https://player.test", None, false),
        ("*", "https://player.test", Some("*"), false),
        ("*", "null", Some("*"), false),
        (
            list,
            "https://player.test",
            Some("https://player.test"),
            true,
        ),
        (
            list,
            "http://localhost:3000",
            Some("http://localhost:3000"),
            true,
        ),
        (list, "https://other.test", None, true),
        (list, "http://player.test", None, true),
        (list, "null", None, true),
    ];
    for (value, origin, allow, vary) in cases {
        let cors = decision(value, &get_from(origin));
        assert_eq!(cors.allow_origin.as_deref(), *allow, "{value} / {origin}");
        assert_eq!(cors.vary, *vary, "{value} / {origin}");
        assert!(!cors.preflight);
        let fields = cors.fields();
        let has = |name: &str| fields.iter().any(|(n, _)| *n == name);
        assert_eq!(has("Vary"), *vary);
        assert_eq!(has("Access-Control-Allow-Origin"), allow.is_some());
        let exposed = fields
            .iter()
            .find(|(n, _)| *n == "Access-Control-Expose-Headers");
        assert_eq!(exposed.map(|(_, v)| *v), allow.map(|_| EXPOSE_HEADERS));
    }
}

/// Caches must keep answers for different origins apart even when the request that
/// filled the cache sent no `Origin`.
#[test]
fn without_origin_a_list_still_varies_and_nothing_is_granted() {
    let head = "GET /a.mp4 HTTP/1.1\r\nHost: media.test\r\n\r\n";
    let listed = decision("https://player.test", head);
    assert_eq!(listed.fields(), vec![("Vary", "Origin")]);
    assert!(decision("*", head).fields().is_empty());
    assert!(decision("off", head).fields().is_empty());
}

#[test]
fn a_preflight_from_a_granted_origin_gets_methods_headers_and_max_age() {
    let preflight = "OPTIONS /a.flv HTTP/1.1\r\nHost: m.test\r\nOrigin: https://p.test\r\n\
                     Access-Control-Request-Method: GET\r\n\
                     Access-Control-Request-Headers: range\r\n\r\n";
    let cors = decision("https://p.test", preflight);
    assert!(cors.preflight);
    let fields = cors.options_fields();
    let get = |name: &str| fields.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
    assert_eq!(get("Access-Control-Allow-Origin"), Some("https://p.test"));
    assert_eq!(
        get("Access-Control-Allow-Methods"),
        Some("GET, HEAD, OPTIONS")
    );
    assert_eq!(
        get("Access-Control-Allow-Headers"),
        Some("Range, If-Range, If-None-Match, If-Modified-Since")
    );
    assert_eq!(get("Access-Control-Max-Age"), Some("86400"));
    assert_eq!(get("Vary"), Some("Origin"));
    // Not granted, or not a preflight: no preflight fields.
    let foreign = decision("https://q.test", preflight);
    assert_eq!(foreign.options_fields(), vec![("Vary", "Origin")]);
    let plain = "OPTIONS /a.flv HTTP/1.1\r\nHost: m.test\r\nOrigin: https://p.test\r\n\r\n";
    let cors = decision("https://p.test", plain);
    assert!(!cors.preflight);
    assert!(!cors
        .options_fields()
        .iter()
        .any(|(n, _)| *n == "Access-Control-Allow-Methods"));
    assert!(decision("off", preflight).options_fields().is_empty());
}
