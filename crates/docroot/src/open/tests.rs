use super::*;
use std::os::unix::fs::{symlink, MetadataExt};
use std::path::PathBuf;

/// A temporary document root with one example of everything, removed on drop.
struct Fixture {
    dir: PathBuf,
}

impl Fixture {
    fn new(name: &str) -> Fixture {
        let dir =
            std::env::temp_dir().join(format!("loomiere-docroot-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("sub/deeper")).unwrap();
        std::fs::create_dir_all(dir.join("dir")).unwrap();
        std::fs::write(dir.join("a.txt"), "hello").unwrap();
        std::fs::write(dir.join("empty"), "").unwrap();
        std::fs::write(dir.join("sub/deeper/b.txt"), "nested").unwrap();
        std::fs::write(dir.join(".hidden"), "secret").unwrap();
        std::fs::write(dir.join("sub/.hidden"), "secret").unwrap();
        std::fs::create_dir_all(dir.join(".private")).unwrap();
        std::fs::write(dir.join(".private/x.txt"), "secret").unwrap();
        symlink(".hidden", dir.join("to-hidden-file")).unwrap();
        symlink(".private", dir.join("to-hidden-dir")).unwrap();
        symlink("../sub/.hidden", dir.join("sub/to-hidden")).unwrap();
        nix::unistd::mkfifo(&dir.join("fifo"), Mode::from_bits_truncate(0o600)).unwrap();
        symlink("a.txt", dir.join("link-in")).unwrap();
        symlink("../a.txt", dir.join("sub/link-up")).unwrap();
        symlink(dir.join("a.txt"), dir.join("link-absolute")).unwrap();
        symlink("/etc/passwd", dir.join("passwd")).unwrap();
        symlink("/etc", dir.join("etc")).unwrap();
        symlink("sub", dir.join("sublink")).unwrap();
        symlink(
            "../../../../../../../../etc/passwd",
            dir.join("dotdot-link"),
        )
        .unwrap();
        Fixture { dir }
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Expected outcome: the file's contents, or a refusal status.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Want {
    Body(&'static str),
    Status(u16),
}
use Want::{Body, Status};

/// `(rel, with openat2, with the component walk)`. The walk refuses every symlink.
const CASES: &[(&str, Want, Want)] = &[
    ("a.txt", Body("hello"), Body("hello")),
    ("empty", Body(""), Body("")),
    ("sub/deeper/b.txt", Body("nested"), Body("nested")),
    ("missing", Status(404), Status(404)),
    ("sub/missing/b.txt", Status(404), Status(404)),
    ("a.txt/x", Status(404), Status(404)),
    ("dir", Status(404), Status(404)),
    ("sub/deeper", Status(404), Status(404)),
    ("fifo", Status(404), Status(404)),
    ("", Status(404), Status(404)),
    ("link-in", Body("hello"), Status(403)),
    ("sub/link-up", Body("hello"), Status(403)),
    ("sublink/deeper/b.txt", Body("nested"), Status(403)),
    ("link-absolute", Status(403), Status(403)),
    ("passwd", Status(403), Status(403)),
    ("etc/passwd", Status(403), Status(403)),
    ("dotdot-link", Status(403), Status(403)),
    ("..", Status(403), Status(403)),
    ("../a.txt", Status(403), Status(403)),
    ("sub/../a.txt", Status(403), Status(403)),
    ("sub/..", Status(403), Status(403)),
    ("/a.txt", Status(403), Status(403)),
    ("/etc/passwd", Status(403), Status(403)),
    ("a\0.txt", Status(403), Status(403)),
    ("sub//deeper/b.txt", Status(403), Status(403)),
    (".hidden", Status(404), Status(404)),
    ("to-hidden-file", Status(404), Status(403)),
    ("to-hidden-dir/x.txt", Status(404), Status(403)),
    ("sub/to-hidden", Status(404), Status(403)),
    ("sub/.hidden", Status(404), Status(404)),
    ("./a.txt", Status(404), Status(404)),
    ("sub/deeper/", Status(403), Status(403)),
];

fn outcome(result: Result<OpenedFile, Refusal>) -> Result<String, u16> {
    let opened = result.map_err(|r| r.status)?;
    let body = if opened.len == 0 {
        Vec::new()
    } else {
        opened.map().unwrap().to_vec()
    };
    Ok(String::from_utf8(body).unwrap())
}

fn want(w: Want) -> Result<String, u16> {
    match w {
        Body(b) => Ok(b.to_string()),
        Status(s) => Err(s),
    }
}

#[test]
fn open_file_stays_beneath_the_root() {
    let fx = Fixture::new("openat2");
    let root = DocRoot::open(&fx.dir).unwrap();
    // Where the kernel has no openat2, open_file uses the walk.
    let has_openat2 = !matches!(
        open_beneath(root.dir.as_fd(), "a.txt", ResolveFlag::empty()),
        Err(Errno::ENOSYS | Errno::EPERM)
    );
    for &(rel, with_openat2, with_walk) in CASES {
        let expected = if has_openat2 { with_openat2 } else { with_walk };
        assert_eq!(
            outcome(root.open_file(rel)),
            want(expected),
            "open_file({rel:?})"
        );
    }
}

#[test]
fn walk_refuses_every_symlink() {
    let fx = Fixture::new("walk");
    let root = DocRoot::open(&fx.dir).unwrap();
    for &(rel, _, expected) in CASES {
        let result = check_relative(rel)
            .and_then(|()| walk(root.dir.as_fd(), rel))
            .and_then(finish_open);
        assert_eq!(outcome(result), want(expected), "walk({rel:?})");
    }
}

#[test]
fn long_names_are_414() {
    let fx = Fixture::new("long");
    let root = DocRoot::open(&fx.dir).unwrap();
    let long = "x".repeat(300);
    assert_eq!(root.open_file(&long).unwrap_err().status, 414);
    assert_eq!(walk(root.dir.as_fd(), &long).unwrap_err().status, 414);
}

#[test]
fn identity_matches_metadata() {
    let fx = Fixture::new("identity");
    let root = DocRoot::open(&fx.dir).unwrap();
    let opened = root.open_file("sub/deeper/b.txt").unwrap();
    let meta = std::fs::metadata(fx.dir.join("sub/deeper/b.txt")).unwrap();
    let id = &opened.identity;
    assert_eq!((id.dev, id.ino, id.size), (meta.dev(), meta.ino(), 6));
    assert_eq!(
        (id.mtime_sec, i64::from(id.mtime_nsec)),
        (meta.mtime(), meta.mtime_nsec())
    );
    assert_eq!(
        (id.ctime_sec, i64::from(id.ctime_nsec)),
        (meta.ctime(), meta.ctime_nsec())
    );
    assert_eq!(opened.len, 6);
    assert_eq!(opened.modified, meta.modified().unwrap());
    let flags = fcntl(&opened.file, FcntlArg::F_GETFL).unwrap();
    assert!(!OFlag::from_bits_truncate(flags).contains(OFlag::O_NONBLOCK));
}

#[test]
fn empty_file_is_not_mapped() {
    let fx = Fixture::new("empty");
    let root = DocRoot::open(&fx.dir).unwrap();
    let err = root.open_file("empty").unwrap().map().unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
}

#[test]
fn root_must_be_a_directory() {
    let fx = Fixture::new("root");
    assert!(DocRoot::open(&fx.dir.join("a.txt")).is_err());
    assert!(DocRoot::open(&fx.dir.join("missing")).is_err());
    assert!(
        DocRoot::open(&fx.dir.join("sublink")).is_ok(),
        "a symlinked root is fine"
    );
}

#[test]
fn system_time_handles_both_signs() {
    let cases: &[(i64, u32, Option<SystemTime>)] = &[
        (0, 0, Some(UNIX_EPOCH)),
        (1, 5, Some(UNIX_EPOCH + Duration::new(1, 5))),
        (
            -1,
            500_000_000,
            Some(UNIX_EPOCH - Duration::from_millis(500)),
        ),
    ];
    for &(sec, nsec, expected) in cases {
        assert_eq!(system_time(sec, nsec), expected, "{sec} {nsec}");
    }
    // Must not panic at the extremes.
    let _ = system_time(i64::MAX, u32::MAX);
    let _ = system_time(i64::MIN, u32::MAX);
}
