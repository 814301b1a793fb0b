//! The access keys of the configuration file: how they parse into
//! [`loomiere_access::Rules`], their errors, the `root`/`vhost.<pattern>` rule, and
//! the rules they make as [`admit`] and [`refuse_root`] apply them.

use crate::parse;
use loomiere_access::{admit, refuse_root, Expression, HostPattern, LinkArgs, Rules};
use loomiere_http::{parse_head, parse_target, Limits, Parsed, Request};
use std::path::{Path, PathBuf};

/// The request in `head`, which must be complete.
fn request(head: &[u8]) -> Request<'_> {
    match parse_head(head, &Limits::default()) {
        Ok(Parsed::Complete { request, .. }) => request,
        other => panic!("test head does not parse: {other:?}"),
    }
}

#[test]
fn virtual_hosts_pick_the_first_matching_root_in_file_order() {
    let config = parse(
        "vhost.example.com = /srv/a\nvhost.*.example.org = /srv/b\nvhost..example.net = /srv/c\n\
         vhost.WWW.example.org = /srv/never\nvhost.* = /srv/default\n",
    )
    .unwrap();
    let default = Path::new("/unused");
    let cases: &[(Option<&str>, &str)] = &[
        (Some("example.com"), "/srv/a"),
        (Some("www.example.org"), "/srv/b"),
        (Some("example.org"), "/srv/default"),
        (Some("example.net"), "/srv/c"),
        (Some("a.example.net"), "/srv/c"),
        (Some("other.test"), "/srv/default"),
        (None, "/srv/default"),
    ];
    for (host, want) in cases {
        assert_eq!(
            config.access.root_for(*host, default),
            Some(Path::new(want)),
            "{host:?}"
        );
    }
    let no_catch_all = parse("vhost.example.com = /srv/a\n").unwrap();
    assert_eq!(
        no_catch_all.access.root_for(Some("other.test"), default),
        None
    );
    assert_eq!(no_catch_all.access.root_for(None, default), None);
    let none = parse("root = /srv/x\n").unwrap();
    assert_eq!(
        none.access.root_for(Some("any.test"), Path::new("/srv/x")),
        Some(Path::new("/srv/x"))
    );
}

/// Admits `head` under `config_text` from 192.0.2.1; `Ok(root)` or the status.
fn admit_text(config_text: &str, head: &str) -> Result<PathBuf, u16> {
    let config = parse(config_text).unwrap_or_else(|e| panic!("{config_text}: {e}"));
    let request = request(head.as_bytes());
    let target = parse_target(request.target).expect("target");
    admit(
        &request,
        &target,
        &config.access,
        config.root_or_default(),
        "192.0.2.1",
    )
    .map(|a| a.root.to_path_buf())
    .map_err(|r| r.status)
}

#[test]
fn admit_routes_by_host_then_checks_referer_and_link() {
    let vhosts = "vhost.example.com = /srv/a\nvhost.*.example.com = /srv/b\n";
    let get = |target: &str, fields: &str| format!("GET {target} HTTP/1.1\r\n{fields}\r\n");
    let cases: &[(&str, String, Result<&str, u16>)] = &[
        (vhosts, get("/f.mp4", "Host: example.com\r\n"), Ok("/srv/a")),
        (
            vhosts,
            get("/f.mp4", "Host: WWW.Example.com:8080\r\n"),
            Ok("/srv/b"),
        ),
        (
            vhosts,
            get("http://www.example.com/f.mp4", "Host: example.com\r\n"),
            Ok("/srv/b"),
        ),
        (vhosts, get("/f.mp4", "Host: example.org\r\n"), Err(404)),
        (vhosts, "GET /f.mp4 HTTP/1.0\r\n\r\n".into(), Err(404)),
        (
            "",
            get("/f.mp4", "Host: anything\r\n"),
            Ok(DEFAULT_ROOT_STR),
        ),
        (
            "root = /srv/r\n",
            get("/f.mp4", "Host: anything\r\n"),
            Ok("/srv/r"),
        ),
        (
            "referers = example.com\n",
            get("/f.mp4", "Host: x\r\nReferer: https://example.com/p\r\n"),
            Ok(DEFAULT_ROOT_STR),
        ),
        (
            "referers = example.com\n",
            get("/f.mp4", "Host: x\r\nReferer: https://evil.com/p\r\n"),
            Err(403),
        ),
        (
            "referers = example.com\nreferer_empty = deny\n",
            get("/f.mp4", "Host: x\r\n"),
            Err(403),
        ),
        (
            "referers = example.com\n",
            get("/f.mp4", "Host: x\r\n"),
            Ok(DEFAULT_ROOT_STR),
        ),
        // $remote_addr is the address given to admit, $host the normalized host.
        (
            "secure_link_md5 = $secure_link_expires$uri$remote_addr$host secret\n",
            get(
                "/s/link?md5=_NS25i8GQOGoEJ2hhAwB0A&expires=2147483647",
                "Host: Example.com:80\r\n",
            ),
            Ok(DEFAULT_ROOT_STR),
        ),
        (
            "secure_link_md5 = $secure_link_expires$uri$remote_addr$host secret\n",
            get(
                "/s/link?md5=_NS25i8GQOGoEJ2hhAwB0A&expires=2147483647",
                "Host: example.org\r\n",
            ),
            Err(403),
        ),
        (
            "secure_link_md5 = $uri secret\n",
            get("/s/link", "Host: x\r\n"),
            Err(403),
        ),
        // An unknown host is refused before anything else is looked at.
        (
            "vhost.example.com = /srv/a\nreferers = example.com\nsecure_link_md5 = $uri\n",
            get("/f.mp4", "Host: other\r\nReferer: https://evil.com/\r\n"),
            Err(404),
        ),
    ];
    for (config, head, want) in cases {
        let want = want.map(PathBuf::from);
        assert_eq!(
            admit_text(config, head),
            want,
            "config {config:?} head {head:?}"
        );
    }
}

const DEFAULT_ROOT_STR: &str = crate::DEFAULT_ROOT;

#[test]
fn access_keys_parse() {
    type Change = fn(&mut Rules);
    let cases: &[(&str, Change)] = &[
        ("allow_root = yes", |r| r.allow_root = true),
        ("allow_root = no", |_| {}),
        ("referers = off", |_| {}),
        ("referers = example.com  *.Example.com", |r| {
            r.referers = vec![
                HostPattern::Exact("example.com".into()),
                HostPattern::Subdomains("example.com".into()),
            ]
        }),
        ("referer_empty = deny", |r| r.referer_empty = false),
        ("referer_empty = allow", |_| {}),
        ("secure_link = $arg_st", |r| {
            r.secure_link = LinkArgs {
                hash: "st".into(),
                expires: None,
            }
        }),
        ("secure_link_md5 = off", |_| {}),
        ("secure_link_md5 = $uri secret", |r| {
            r.secure_link_md5 = Some(Expression::parse("$uri secret").unwrap())
        }),
        ("secure_link_secret_file = /run/s", |r| {
            r.secure_link_secret_file = "/run/s".into()
        }),
        ("vhost.Example.COM = /srv/a\nvhost.* = /srv/b", |r| {
            r.vhosts = vec![
                (HostPattern::Exact("example.com".into()), "/srv/a".into()),
                (HostPattern::Any, "/srv/b".into()),
            ]
        }),
    ];
    for (text, change) in cases {
        let mut want = Rules::default();
        change(&mut want);
        assert_eq!(parse(text).map(|c| c.access), Ok(want), "{text}");
    }
}

#[test]
fn bad_access_keys_name_the_line() {
    let cases: &[(&str, usize, &str)] = &[
        ("allow_root = true", 1, "expected 'yes' or 'no'"),
        ("allow_root = YES", 1, "expected 'yes' or 'no'"),
        ("referer_empty = yes", 1, "expected 'allow' or 'deny'"),
        (
            "referers = example.com evil/",
            1,
            "bad host pattern 'evil/'",
        ),
        ("secure_link = md5", 1, "expected '$arg_md5,$arg_expires'"),
        ("secure_link_md5 = $nope", 1, "unknown variable '$nope'"),
        (
            "secure_link_md5 = \"$uri s #x\"",
            1,
            "without a closing one",
        ),
        ("secure_link_secret_file = secret", 1, "absolute path"),
        ("vhost.exa mple = /a", 1, "missing '='"),
        ("vhost.a/b = /a", 1, "bad host pattern"),
        ("vhost. = /a", 1, "bad host pattern"),
        ("vhost.a = relative", 1, "absolute path"),
        (
            "vhost.a.com = /a\nvhost.A.com = /b",
            2,
            "duplicate key 'vhost.a.com'",
        ),
        ("vhost.* = /a\nvhost.* = /b", 2, "duplicate key 'vhost.*'"),
        ("root = /r\nvhost.* = /a", 2, "exclude each other"),
        ("vhost.* = /a\nroot = /r", 2, "exclude each other"),
    ];
    for (text, line, words) in cases {
        let err = parse(text).expect_err(text);
        assert_eq!(err.line, Some(*line), "{text}: {err}");
        assert!(err.message.contains(words), "{text}: {err}");
    }
}

#[test]
fn root_refusal_depends_on_allow_root_and_the_user() {
    let root = nix::unistd::geteuid().is_root();
    let strict = parse("").unwrap();
    let allowed = parse("allow_root = yes").unwrap();
    assert_eq!(refuse_root(&allowed.access), Ok(()));
    match refuse_root(&strict.access) {
        Ok(()) => assert!(!root, "root must be refused without allow_root"),
        Err(r) => {
            assert!(root, "only root is refused");
            assert_eq!(r.status, 500);
            assert!(r.reason.contains("refusing to run as root"), "{}", r.reason);
        }
    }
}
