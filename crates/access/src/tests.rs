//! Host patterns and the `Referer` allowlist. Secure links: [`link`]. The
//! configuration keys of these rules, virtual hosts and [`admit`] with rules from
//! configuration text are tested in `loomiere-config` (`tests/access.rs`).

mod cors;
mod link;

use super::referer::{check as referer_check, referer_host};
use super::*;
use loomiere_http::{parse_head, Limits, Parsed, Request};

/// The request in `head`, which must be complete.
pub(super) fn request(head: &[u8]) -> Request<'_> {
    match parse_head(head, &Limits::default()) {
        Ok(Parsed::Complete { request, .. }) => request,
        other => panic!("test head does not parse: {other:?}"),
    }
}

#[test]
fn host_patterns_match_like_nginx_server_names() {
    let hosts = [
        "example.com",
        "www.example.com",
        "a.b.example.com",
        "badexample.com",
        "example.org",
        "[::1]",
        "10.0.0.1",
    ];
    let cases: &[(&str, &[bool; 7])] = &[
        ("*", &[true; 7]),
        (
            "example.com",
            &[true, false, false, false, false, false, false],
        ),
        (
            "EXAMPLE.Com",
            &[true, false, false, false, false, false, false],
        ),
        (
            "*.example.com",
            &[false, true, true, false, false, false, false],
        ),
        (
            ".example.com",
            &[true, true, true, false, false, false, false],
        ),
        ("[::1]", &[false, false, false, false, false, true, false]),
        (
            "10.0.0.1",
            &[false, false, false, false, false, false, true],
        ),
        ("com", &[false; 7]),
    ];
    for (text, want) in cases {
        let pattern = HostPattern::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        let got: Vec<bool> = hosts.iter().map(|h| pattern.matches(h)).collect();
        assert_eq!(&got, want, "{text}");
    }
    for bad in [
        "",
        ".",
        "*.",
        "**",
        "*example.com",
        "a.*.com",
        "example.*",
        "ex ample.com",
        "a..b",
        "a/b",
        "a:80",
        "*.[::1]",
        "[zz]",
        "é.com",
    ] {
        assert!(HostPattern::parse(bad).is_err(), "{bad:?} must be refused");
    }
    assert!(
        HostPattern::parse(&"a".repeat(64)).is_err(),
        "label over 63"
    );
}

#[test]
fn hosts_are_normalized_like_nginx_host_variable() {
    let cases: &[(&str, Option<&str>)] = &[
        ("example.com", Some("example.com")),
        ("Example.COM:8080", Some("example.com")),
        ("example.com.", Some("example.com")),
        ("example.com.:80", Some("example.com")),
        ("[::1]:8080", Some("[::1]")),
        ("[::1]", Some("[::1]")),
        ("127.0.0.1:80", Some("127.0.0.1")),
        ("", None),
        (":80", None),
        (".", None),
    ];
    for (authority, want) in cases {
        assert_eq!(normalize_host(authority).as_deref(), *want, "{authority:?}");
    }
}

#[test]
fn referers_allow_listed_hosts_only() {
    let allowed = super::referer::parse_list("example.com *.example.com\t.example.net").unwrap();
    type Want = Result<(), u16>;
    let cases: &[(Option<&str>, bool, Want)] = &[
        (Some("https://example.com/watch?v=1"), false, Ok(())),
        (Some("http://EXAMPLE.com:8080/"), false, Ok(())),
        (Some("HTTPS://www.example.com"), false, Ok(())),
        (Some("https://example.net/"), false, Ok(())),
        (Some("https://cdn.example.net./x"), false, Ok(())),
        (Some("https://example.com?x"), false, Ok(())),
        (Some("https://evil.com/"), true, Err(403)),
        (Some("https://example.com.evil.com/"), true, Err(403)),
        (Some("https://evilexample.com/"), true, Err(403)),
        (Some("https://example.com@evil.com/"), true, Err(403)),
        (Some("https://evil.com#@example.com"), true, Err(403)),
        (Some("ftp://example.com/"), true, Err(403)),
        (Some("example.com"), true, Err(403)),
        (Some("XXXXXXXXXXXXXXXXXXXXXXX"), true, Err(403)),
        (Some("https://"), true, Err(403)),
        (Some("https://exa_mple..com/"), true, Err(403)),
        (None, true, Ok(())),
        (Some(""), true, Ok(())),
        (None, false, Err(403)),
        (Some(""), false, Err(403)),
    ];
    for (referer, allow_empty, want) in cases {
        let got = referer_check(&allowed, *allow_empty, referer.map(str::as_bytes));
        assert_eq!(
            got.map_err(|r| r.status),
            *want,
            "{referer:?} empty allowed: {allow_empty}"
        );
    }
    assert_eq!(
        referer_check(&[], false, Some(b"https://evil.com/")),
        Ok(()),
        "no list: no check"
    );
    assert_eq!(referer_check(&[], false, None), Ok(()));
    assert_eq!(
        referer_host(b"https://[::1]:8443/x").as_deref(),
        Some("[::1]")
    );
    assert_eq!(referer_host(b"https://\xff/").as_deref(), None);
}
