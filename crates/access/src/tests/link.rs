//! Secure links: nginx's documented example, the expression language, base64url as
//! nginx decodes it, and every way a link is refused.

use super::request;
use crate::expr::raw_arg;
use crate::link::{base64url_decode, check};
use crate::{Expression, LinkArgs, Vars};
use std::path::Path;

/// nginx's documentation: `secure_link_md5 "$secure_link_expires$uri$remote_addr secret"`
/// and `echo -n '2147483647/s/link127.0.0.1 secret' | openssl md5 -binary | openssl
/// base64 | tr +/ -_ | tr -d =` gives this hash.
const NGINX_EXPR: &str = "\"$secure_link_expires$uri$remote_addr secret\"";
const NGINX_HASH: &str = "_e4Nc3iduzkWRm01TBBNYw";
const NGINX_EXPIRES: &str = "2147483647";

/// Runs [`check`] for `/s/link?QUERY` from 127.0.0.1 at time `now`; `Ok` or the status.
fn run(expr: &str, args: &LinkArgs, query: &str, secret_file: &Path, now: i64) -> Result<(), u16> {
    let head = b"GET /s/link HTTP/1.1\r\nHost: Example.com:8080\r\nUser-Agent: UA/1\r\n\r\n";
    let request = request(head);
    let expression = Expression::parse(expr).expect("expression parses");
    let vars = Vars {
        uri: "/s/link",
        query,
        remote_addr: "127.0.0.1",
        host: "example.com",
        expires: "",
        secret: &[],
        request: &request,
    };
    check(args, &expression, secret_file, &vars, now).map_err(|r| r.status)
}

fn nginx(query: &str, now: i64) -> Result<(), u16> {
    run(
        NGINX_EXPR,
        &LinkArgs::default(),
        query,
        Path::new("/nonexistent"),
        now,
    )
}

#[test]
fn nginx_documented_link_is_accepted_and_every_change_refused() {
    let good = format!("md5={NGINX_HASH}&expires={NGINX_EXPIRES}");
    let cases: &[(&str, Result<(), u16>)] = &[
        (&good, Ok(())),
        ("expires=2147483647&md5=_e4Nc3iduzkWRm01TBBNYw", Ok(())),
        ("MD5=_e4Nc3iduzkWRm01TBBNYw&Expires=2147483647", Ok(())),
        (
            "start=10&md5=_e4Nc3iduzkWRm01TBBNYw&expires=2147483647",
            Ok(()),
        ),
        // Padding ends the hash, as in nginx; 24 characters at most.
        ("md5=_e4Nc3iduzkWRm01TBBNYw==&expires=2147483647", Ok(())),
        ("md5=_e4Nc3iduzkWRm01TBBNYw===&expires=2147483647", Err(403)),
        // The last character carries 2 bits of the hash; its 4 low bits are ignored, as
        // in nginx: `w` and `x` differ only there.
        ("md5=_e4Nc3iduzkWRm01TBBNYx&expires=2147483647", Ok(())),
        ("md5=_e4Nc3iduzkWRm01TBBNYg&expires=2147483647", Err(403)),
        // One character changed, standard base64 alphabet, percent-encoded, truncated.
        ("md5=_e4Nc3iduzkWRm02TBBNYw&expires=2147483647", Err(403)),
        ("md5=/e4Nc3iduzkWRm01TBBNYw&expires=2147483647", Err(403)),
        ("md5=%5Fe4Nc3iduzkWRm01TBBNYw&expires=2147483647", Err(403)),
        ("md5=_e4Nc3iduzkWRm01TBBNY&expires=2147483647", Err(403)),
        ("md5=&expires=2147483647", Err(403)),
        ("md5&expires=2147483647", Err(403)),
        ("expires=2147483647", Err(403)),
        ("xmd5=_e4Nc3iduzkWRm01TBBNYw&expires=2147483647", Err(403)),
        // The expiry time is part of the hash, and must be plain digits above 0.
        ("md5=_e4Nc3iduzkWRm01TBBNYw&expires=2147483648", Err(403)),
        ("md5=_e4Nc3iduzkWRm01TBBNYw&expires=02147483647", Err(403)),
        ("md5=_e4Nc3iduzkWRm01TBBNYw", Err(403)),
        ("md5=_e4Nc3iduzkWRm01TBBNYw&expires=", Err(403)),
        ("md5=_e4Nc3iduzkWRm01TBBNYw&expires=-1", Err(403)),
        ("md5=_e4Nc3iduzkWRm01TBBNYw&expires=0", Err(403)),
        (
            "md5=_e4Nc3iduzkWRm01TBBNYw&expires=99999999999999999999",
            Err(403),
        ),
        ("", Err(403)),
    ];
    for (query, want) in cases {
        assert_eq!(nginx(query, 1_700_000_000), *want, "{query}");
    }
}

#[test]
fn a_link_expires_after_its_second() {
    let good = format!("md5={NGINX_HASH}&expires={NGINX_EXPIRES}");
    assert_eq!(
        nginx(&good, 2_147_483_647),
        Ok(()),
        "valid during its last second"
    );
    assert_eq!(nginx(&good, 2_147_483_648), Err(403));
    assert_eq!(nginx(&good, i64::MAX), Err(403));
}

/// `echo -n '/s/link secret' | openssl md5 -binary | openssl base64 | tr +/ -_ | tr -d =`
#[test]
fn links_without_expiry_and_other_parameter_names() {
    let never = LinkArgs {
        hash: "st".into(),
        expires: None,
    };
    let secret = Path::new("/nonexistent");
    assert_eq!(
        run(
            "$uri secret",
            &never,
            "st=-Nb69Gm-rFFa4FHMWh4iMQ",
            secret,
            i64::MAX
        ),
        Ok(())
    );
    assert_eq!(
        run(
            "$uri secret",
            &never,
            "md5=-Nb69Gm-rFFa4FHMWh4iMQ",
            secret,
            0
        ),
        Err(403)
    );
    let custom = LinkArgs {
        hash: "st".into(),
        expires: Some("e".into()),
    };
    let q = format!("st={NGINX_HASH}&e={NGINX_EXPIRES}");
    assert_eq!(run(NGINX_EXPR, &custom, &q, secret, 0), Ok(()));
}

#[test]
fn secret_comes_from_the_file() {
    let dir = std::env::temp_dir().join(format!("loomiere-access-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = format!("md5={NGINX_HASH}&expires={NGINX_EXPIRES}");
    let expr = "$secure_link_expires$uri$remote_addr $secret";
    let cases: &[(&[u8], Result<(), u16>)] = &[
        (b"secret", Ok(())),
        (b"secret\n", Ok(())),
        (b"secret\r\n", Ok(())),
        (b"secret\n\n", Err(403)),
        (b"secret ", Err(403)),
        (b"Secret", Err(403)),
        (b"", Err(500)),
        (b"\n", Err(500)),
        (&[b'x'; 4097], Err(500)),
    ];
    for (i, (contents, want)) in cases.iter().enumerate() {
        let file = dir.join(format!("secret-{i}"));
        std::fs::write(&file, contents).unwrap();
        assert_eq!(
            run(expr, &LinkArgs::default(), &good, &file, 0),
            *want,
            "{:?}",
            String::from_utf8_lossy(contents)
        );
    }
    let missing = dir.join("missing");
    assert_eq!(
        run(expr, &LinkArgs::default(), &good, &missing, 0),
        Err(500)
    );
    assert_eq!(
        run(expr, &LinkArgs::default(), &good, &dir, 0),
        Err(500),
        "a directory"
    );
    let fifo = dir.join("fifo");
    nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::S_IRWXU).unwrap();
    assert_eq!(
        run(expr, &LinkArgs::default(), &good, &fifo, 0),
        Err(500),
        "a FIFO, without hanging"
    );
    // A bad hash is refused before the secret is needed.
    assert_eq!(
        run(expr, &LinkArgs::default(), "md5=x&expires=1", &missing, 0),
        Err(403)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Every variable, with nginx's values for the request in [`run`].
#[test]
fn expression_variables_expand_like_nginx() {
    let head =
        b"GET /s/link HTTP/1.1\r\nHost: Example.com:8080\r\nUser-Agent: UA/1\r\nX-Token: t\r\n\r\n";
    let request = request(head);
    let vars = Vars {
        uri: "/s/link",
        query: "a=1&Key=v%20w&b",
        remote_addr: "127.0.0.1",
        host: "example.com",
        expires: "123",
        secret: b"s$cret",
        request: &request,
    };
    let cases: &[(&str, &str)] = &[
        ("plain text", "plain text"),
        ("$uri", "/s/link"),
        (
            "$secure_link_expires$uri$remote_addr secret",
            "123/s/link127.0.0.1 secret",
        ),
        ("\"$host|$secret\"", "example.com|s$cret"),
        ("${uri}x${host}", "/s/linkxexample.com"),
        ("$uri-$host.", "/s/link-example.com."),
        ("$http_user_agent/$http_x_token/$http_none", "UA/1/t/"),
        ("$arg_key|$arg_a|$arg_b|$arg_c", "v%20w|1||"),
        ("a\"", "a\""),
        ("\"\"\"", "\""),
    ];
    for (text, want) in cases {
        let e = Expression::parse(text).unwrap_or_else(|m| panic!("{text}: {m}"));
        assert_eq!(String::from_utf8(e.expand(&vars)).unwrap(), *want, "{text}");
    }
    assert!(Expression::parse("$uri $secret").unwrap().uses_secret());
    assert!(!Expression::parse("$uri secret").unwrap().uses_secret());
}

#[test]
fn bad_expressions_and_link_args_are_config_errors() {
    let exprs: &[(&str, &str)] = &[
        ("", "empty"),
        ("\"\"", "empty"),
        ("\"", "without a closing one"),
        ("\"$uri secret", "without a closing one"),
        ("$", "without a variable name"),
        ("a$ b", "without a variable name"),
        ("$request_uri", "unknown variable '$request_uri'"),
        ("$http_", "unknown variable"),
        ("$arg_", "unknown variable"),
        ("${uri", "unclosed"),
        ("${}", "bad variable name"),
        ("${u-ri}", "bad variable name"),
    ];
    for (text, words) in exprs {
        let err = Expression::parse(text).expect_err(text);
        assert!(err.contains(words), "{text}: {err}");
    }
    let args: &[(&str, Option<LinkArgs>)] = &[
        ("$arg_md5,$arg_expires", Some(LinkArgs::default())),
        (
            "$arg_st",
            Some(LinkArgs {
                hash: "st".into(),
                expires: None,
            }),
        ),
        (
            "$arg_h,$arg_e_2",
            Some(LinkArgs {
                hash: "h".into(),
                expires: Some("e_2".into()),
            }),
        ),
        ("$arg_md5, $arg_expires", None),
        ("md5,expires", None),
        ("$arg_", None),
        ("$arg_md5,", None),
        ("$arg_a,$arg_b,$arg_c", None),
        ("$http_x", None),
    ];
    for (text, want) in args {
        assert_eq!(LinkArgs::parse(text).ok(), *want, "{text}");
    }
}

#[test]
fn base64url_decodes_like_nginx() {
    let cases: &[(&str, Option<&[u8]>)] = &[
        ("", Some(b"")),
        ("Zg", Some(b"f")),
        ("Zm8", Some(b"fo")),
        ("Zm9v", Some(b"foo")),
        ("Zm9vYg", Some(b"foob")),
        ("Zm9vYmE", Some(b"fooba")),
        ("Zm9vYmFy", Some(b"foobar")),
        ("-_-_", Some(&[0xfb, 0xff, 0xbf])),
        // Leftover bits of a partial group are ignored, as nginx does.
        ("Zh", Some(b"f")),
        ("Z", None),
        ("Zm9vY", None),
        ("+/+/", None),
        ("Zm9v=", None),
        ("Zm 9", None),
        ("Zm\u{e9}", None),
    ];
    for (text, want) in cases {
        assert_eq!(base64url_decode(text).as_deref(), *want, "{text:?}");
    }
}

#[test]
fn raw_args_are_found_like_nginx_arg_variables() {
    let cases: &[(&str, &str, Option<&str>)] = &[
        ("md5=a&expires=1", "md5", Some("a")),
        ("MD5=a", "md5", Some("a")),
        ("md5=a&md5=b", "md5", Some("a")),
        ("xmd5=a&md5=b", "md5", Some("b")),
        ("md5", "md5", None),
        ("md5=", "md5", Some("")),
        ("md5=a%2Bb+c", "md5", Some("a%2Bb+c")),
        ("md5=a=b", "md5", Some("a=b")),
        ("", "md5", None),
    ];
    for (query, name, want) in cases {
        assert_eq!(raw_arg(query, name), *want, "{query} {name}");
    }
}
