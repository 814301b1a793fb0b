use super::*;
use std::net::{Ipv4Addr, Ipv6Addr};

fn line<'a>(method: &'a str, target: &'a str, notes: &'a [&'a str]) -> AccessLine<'a> {
    AccessLine {
        remote: "127.0.0.1",
        method,
        target,
        status: 200,
        bytes: 52341,
        duration: Duration::from_micros(3999),
        notes,
    }
}

#[test]
fn formats_lines() {
    let cases: &[(AccessLine, &str)] = &[
        (
            line("GET", "/a.mp4?start=10", &["complete"]),
            "127.0.0.1 \"GET /a.mp4?start=10\" 200 52341 3ms complete\n",
        ),
        (line("GET", "/", &[]), "127.0.0.1 \"GET /\" 200 52341 3ms\n"),
        (
            line("GET", "/x", &["refused", "outside document root", ""]),
            "127.0.0.1 \"GET /x\" 200 52341 3ms refused \"outside document root\" \"\"\n",
        ),
        (line("", "", &[]), "127.0.0.1 \"- -\" 200 52341 3ms\n"),
        (
            line("G\"T", "/a b\\c\"d", &[]),
            "127.0.0.1 \"G\\x22T /a b\\x5cc\\x22d\" 200 52341 3ms\n",
        ),
        (
            line("GET", "/\r\n\x00\x7f\u{e9}", &[]),
            "127.0.0.1 \"GET /\\x0d\\x0a\\x00\\x7f\\xc3\\xa9\" 200 52341 3ms\n",
        ),
        (
            line("GET", "/", &["say \"hi\"\n"]),
            "127.0.0.1 \"GET /\" 200 52341 3ms \"say \\x22hi\\x22\\x0a\"\n",
        ),
        (
            AccessLine {
                remote: "",
                status: 404,
                bytes: 0,
                duration: Duration::ZERO,
                ..line("HEAD", "/", &[])
            },
            "- \"HEAD /\" 404 0 0ms\n",
        ),
        (
            AccessLine {
                bytes: u64::MAX,
                duration: Duration::from_secs(90),
                ..line("GET", "/", &[])
            },
            "127.0.0.1 \"GET /\" 200 18446744073709551615 90000ms\n",
        ),
    ];
    for (input, expected) in cases {
        assert_eq!(format_access_line(input), *expected);
    }
}

#[test]
fn caps_the_target_and_method() {
    let exact = format!("/{}", "a".repeat(1023));
    let got = format_access_line(&line("GET", &exact, &[]));
    assert!(
        got.contains(&format!("GET {exact}\"")),
        "1024 bytes are kept whole"
    );

    let long = format!("/{}", "a".repeat(5000));
    let got = format_access_line(&line("GET", &long, &[]));
    assert!(
        got.contains(&format!("GET /{}...\" 200", "a".repeat(1023))),
        "{got}"
    );

    // Escapes are never cut in half: 256 * 4 = 1024 bytes of escapes fit, no more.
    let binary = "\x01".repeat(300);
    let got = format_access_line(&line("GET", &binary, &[]));
    assert!(
        got.contains(&format!("GET {}...\"", "\\x01".repeat(256))),
        "{got}"
    );

    let method = "M".repeat(100);
    let got = format_access_line(&line(&method, "/", &[]));
    assert!(
        got.contains(&format!("\"{}... /\"", "M".repeat(32))),
        "{got}"
    );
}

#[test]
fn never_exceeds_one_atomic_write() {
    let note = "\u{1}".repeat(1000);
    let notes: Vec<&str> = vec![note.as_str(); 40];
    let target = "\u{1}".repeat(5000);
    let got = format_access_line(&line(&target, &target, &notes));
    assert_eq!(got.len(), MAX_LINE);
    assert!(got.ends_with("...\n"));
    assert!(got.bytes().all(|b| (0x20..0x7f).contains(&b) || b == b'\n'));
}

#[test]
fn shows_ip_addresses() {
    let cases: &[(Option<IpAddr>, &str)] = &[
        (None, "-"),
        (Some(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1))), "192.0.2.1"),
        (Some(IpAddr::V6(Ipv6Addr::LOCALHOST)), "::1"),
        (Some("::ffff:192.0.2.7".parse().unwrap()), "192.0.2.7"),
        (Some("2001:db8::1".parse().unwrap()), "2001:db8::1"),
    ];
    for (ip, shown) in cases {
        assert_eq!(show_ip(*ip), *shown);
    }
}

#[test]
fn quoted_values_keep_printable_ascii_and_escape_everything_else() {
    let cases = [
        ("plain-key_1.0 /x", "plain-key_1.0 /x"),
        ("it's", "it\\x27s"),
        ("a\"b\\c", "a\\x22b\\x5cc"),
        ("tab\there\nnew", "tab\\x09here\\x0anew"),
        ("\u{1b}[31m", "\\x1b[31m"),
        ("vid\u{e9}o", "vid\\xc3\\xa9o"),
        ("", ""),
    ];
    for (text, want) in cases {
        assert_eq!(super::Quoted(text).to_string(), want, "{text:?}");
    }
}

#[test]
fn environment_addresses_parse_with_or_without_brackets_and_names_are_refused() {
    assert_eq!(
        env_ip("192.0.2.7"),
        Some(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 7)))
    );
    assert_eq!(env_ip("[::1]"), Some(IpAddr::V6(Ipv6Addr::LOCALHOST)));
    assert_eq!(env_ip("::1"), Some(IpAddr::V6(Ipv6Addr::LOCALHOST)));
    for bad in [
        "",
        "client.example.com",
        "192.0.2.7:443",
        "[::1",
        "1.2.3.4 ",
    ] {
        assert_eq!(env_ip(bad), None, "{bad:?}");
    }
}
