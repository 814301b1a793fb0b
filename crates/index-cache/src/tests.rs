use super::*;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::PathBuf;

const ID: FileIdentity = FileIdentity {
    dev: 0xfe00,
    ino: 0xa8_a2ce,
    size: 123_456_789,
    mtime_sec: 1_700_000_000,
    mtime_nsec: 5,
    ctime_sec: 1_700_000_100,
    ctime_nsec: 7,
};
const KIND: [u8; 4] = *b"mp4 ";
const NAME: &str = "mp4-fe00-a8a2ce";
const PAYLOAD: &[u8] = b"checkpoints of the sample tables";

/// A fresh, empty directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let unique = format!("loomiere-index-{}-{name}", std::process::id());
        let dir = std::env::temp_dir().join(unique);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    /// The names in the directory, sorted (dot-files included).
    fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.0)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn round_trip() {
    let tmp = TempDir::new("round-trip");
    for payload in [PAYLOAD, b"", &[0xa5; 70_000]] {
        store(&tmp.0, &ID, KIND, 3, payload).unwrap();
        assert_eq!(load(&tmp.0, &ID, KIND, 3).as_deref(), Some(payload));
        assert_eq!(tmp.names(), [NAME], "one entry, no temporary file");
        let meta = std::fs::symlink_metadata(tmp.0.join(NAME)).unwrap();
        assert_eq!(
            meta.len(),
            HEADER_LEN + u64::try_from(payload.len()).unwrap()
        );
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    }
}

#[test]
fn layout_is_pinned() {
    let tmp = TempDir::new("layout");
    store(&tmp.0, &ID, KIND, 0x0102_0304, b"xy").unwrap();
    let bytes = std::fs::read(tmp.0.join(NAME)).unwrap();
    let mut expected = b"LOOMIDX1mp4 \x04\x03\x02\x01".to_vec();
    expected.extend_from_slice(&[0x00, 0xfe, 0, 0, 0, 0, 0, 0]);
    expected.extend_from_slice(&[0xce, 0xa2, 0xa8, 0, 0, 0, 0, 0]);
    expected.extend_from_slice(&123_456_789u64.to_le_bytes());
    expected.extend_from_slice(&1_700_000_000i64.to_le_bytes());
    expected.extend_from_slice(&5u32.to_le_bytes());
    expected.extend_from_slice(&1_700_000_100i64.to_le_bytes());
    expected.extend_from_slice(&7u32.to_le_bytes());
    expected.extend_from_slice(&2u64.to_le_bytes());
    expected.extend_from_slice(b"xy");
    assert_eq!(bytes, expected);
}

/// Any field of the file's state differs: no payload, even when the entry is found
/// under the changed identity's name (dev and ino are in the name).
#[test]
fn other_file_state_misses() {
    let tmp = TempDir::new("identity");
    store(&tmp.0, &ID, KIND, 1, PAYLOAD).unwrap();
    let cases: &[(&str, FileIdentity)] = &[
        ("dev", FileIdentity { dev: 0xfe01, ..ID }),
        ("ino", FileIdentity { ino: 1, ..ID }),
        (
            "size",
            FileIdentity {
                size: 123_456_788,
                ..ID
            },
        ),
        (
            "mtime_sec",
            FileIdentity {
                mtime_sec: 1_700_000_001,
                ..ID
            },
        ),
        (
            "mtime_nsec",
            FileIdentity {
                mtime_nsec: 6,
                ..ID
            },
        ),
        (
            "ctime_sec",
            FileIdentity {
                ctime_sec: 1_700_000_101,
                ..ID
            },
        ),
        (
            "ctime_nsec",
            FileIdentity {
                ctime_nsec: 8,
                ..ID
            },
        ),
        (
            "negative mtime",
            FileIdentity {
                mtime_sec: -1,
                ..ID
            },
        ),
    ];
    for (field, other) in cases {
        let name = entry_name(other, KIND).unwrap();
        if name != NAME {
            std::fs::copy(tmp.0.join(NAME), tmp.0.join(&name)).unwrap();
        }
        assert_eq!(load(&tmp.0, other, KIND, 1), None, "{field}");
    }
    assert_eq!(load(&tmp.0, &ID, KIND, 1).as_deref(), Some(PAYLOAD));
}

#[test]
fn other_kind_or_version_misses() {
    let tmp = TempDir::new("kind");
    store(&tmp.0, &ID, KIND, 1, PAYLOAD).unwrap();
    // "MP4 " and " mp4" have the same file name as "mp4 ", not the same header.
    let cases: &[([u8; 4], u32)] = &[
        (KIND, 0),
        (KIND, 2),
        (KIND, u32::MAX),
        (*b"MP4 ", 1),
        (*b" mp4", 1),
        (*b"flv ", 1),
    ];
    for (kind, version) in cases {
        assert_eq!(
            load(&tmp.0, &ID, *kind, *version),
            None,
            "{kind:?} {version}"
        );
    }
    assert_eq!(load(&tmp.0, &ID, KIND, 1).as_deref(), Some(PAYLOAD));
}

#[test]
fn bad_kinds_are_refused() {
    let tmp = TempDir::new("bad-kind");
    for kind in [*b"    ", *b"a/b ", *b"..  ", *b"\0mp4", *b"m p4", [0xff; 4]] {
        let err = store(&tmp.0, &ID, kind, 1, PAYLOAD).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput, "{kind:?}");
        assert_eq!(load(&tmp.0, &ID, kind, 1), None, "{kind:?}");
    }
    assert!(tmp.names().is_empty());
    assert_eq!(
        entry_name(&ID, *b"FLV1").as_deref(),
        Some("flv1-fe00-a8a2ce")
    );
}

/// Each function damages a good entry; loading it gives `None`.
#[test]
fn damaged_entries_miss() {
    let tmp = TempDir::new("damaged");
    store(&tmp.0, &ID, KIND, 1, PAYLOAD).unwrap();
    let good = std::fs::read(tmp.0.join(NAME)).unwrap();
    let header_len = usize::try_from(HEADER_LEN).unwrap();
    type Damage = fn(&mut Vec<u8>);
    let cases: &[(&str, Damage)] = &[
        ("empty", |b| b.clear()),
        ("half a header", |b| b.truncate(30)),
        ("header less one byte", |b| b.truncate(71)),
        ("header only", |b| b.truncate(72)),
        ("payload less one byte", |b| {
            b.pop();
        }),
        ("trailing byte", |b| b.push(0)),
        ("trailing entry", |b| b.extend_from_within(..)),
        ("other magic", |b| b[7] = b'2'),
        ("payload_len + 1", |b| b[64] += 1),
        ("payload_len huge", |b| b[71] = 0x80),
    ];
    for (what, damage) in cases {
        let mut bytes = good.clone();
        damage(&mut bytes);
        std::fs::write(tmp.0.join(NAME), &bytes).unwrap();
        assert_eq!(load(&tmp.0, &ID, KIND, 1), None, "{what}");
    }
    assert_eq!(
        good.len(),
        header_len + PAYLOAD.len(),
        "the cases fit the layout"
    );
}

/// Too large to store; too large to load, decided from `fstat` alone: a sparse
/// 1 TiB entry would take minutes to read and cannot be allocated.
#[test]
fn oversized_entries() {
    let tmp = TempDir::new("oversized");
    let max = usize::try_from(MAX_INDEX_BYTES).unwrap();
    let err = store(&tmp.0, &ID, KIND, 1, &vec![0; max + 1]).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    assert!(tmp.names().is_empty(), "nothing written");

    store(&tmp.0, &ID, KIND, 1, &vec![7; max]).unwrap();
    assert_eq!(load(&tmp.0, &ID, KIND, 1).map(|p| p.len()), Some(max));

    for payload_len in [MAX_INDEX_BYTES + 1, 1 << 40] {
        let entry = File::create(tmp.0.join(NAME)).unwrap();
        let mut out = &entry;
        out.write_all(&header(&ID, KIND, 1, payload_len)).unwrap();
        if let Err(e) = entry.set_len(HEADER_LEN + payload_len) {
            eprintln!("skipping a {payload_len}-byte payload: {e}");
            continue;
        }
        assert_eq!(load(&tmp.0, &ID, KIND, 1), None, "{payload_len}");
    }
}

/// A symbolic link, a directory or a FIFO at the entry's name is not read (and the
/// FIFO does not block).
#[test]
fn only_regular_files_load() {
    let tmp = TempDir::new("not-regular");
    let elsewhere = TempDir::new("not-regular-target");
    store(&elsewhere.0, &ID, KIND, 1, PAYLOAD).unwrap();
    type Plant = fn(&Path, &Path);
    let cases: &[(&str, Plant)] = &[
        ("symlink", |target, at| symlink(target, at).unwrap()),
        ("directory", |_, at| std::fs::create_dir(at).unwrap()),
        ("fifo", |_, at| {
            nix::unistd::mkfifo(at, Mode::from_bits_truncate(0o600)).unwrap()
        }),
    ];
    for (what, plant) in cases {
        let at = tmp.0.join(NAME);
        plant(&elsewhere.0.join(NAME), &at);
        assert_eq!(load(&tmp.0, &ID, KIND, 1), None, "{what}");
        let _ = std::fs::remove_file(&at).or_else(|_| std::fs::remove_dir(&at));
    }
    assert_eq!(load(&elsewhere.0, &ID, KIND, 1).as_deref(), Some(PAYLOAD));
}

/// An entry another user owns is not loaded (only root can make one here: as
/// another user the test has nothing to check and passes).
#[test]
fn entries_of_other_users_do_not_load() {
    if !nix::unistd::geteuid().is_root() {
        return;
    }
    let tmp = TempDir::new("other-owner");
    store(&tmp.0, &ID, KIND, 1, PAYLOAD).unwrap();
    assert_eq!(load(&tmp.0, &ID, KIND, 1).as_deref(), Some(PAYLOAD));
    let nobody = nix::unistd::Uid::from_raw(65534);
    nix::unistd::chown(&tmp.0.join(NAME), Some(nobody), None).unwrap();
    assert_eq!(load(&tmp.0, &ID, KIND, 1), None);
}

#[test]
fn missing_or_unusable_dir() {
    let tmp = TempDir::new("missing-dir");
    std::fs::write(tmp.0.join("plain"), "a file").unwrap();
    for dir in [
        tmp.0.join("missing"),
        tmp.0.join("plain"),
        tmp.0.join("plain/sub"),
    ] {
        assert!(
            store(&dir, &ID, KIND, 1, PAYLOAD).is_err(),
            "{}",
            dir.display()
        );
        assert_eq!(load(&dir, &ID, KIND, 1), None, "{}", dir.display());
        assert!(writable(&dir).is_err(), "{}", dir.display());
    }
    assert!(writable(&tmp.0).is_ok());
    assert_eq!(tmp.names(), ["plain"], "no temporary file left");
}

#[test]
fn store_replaces_the_entry_of_the_inode() {
    let tmp = TempDir::new("replace");
    let edited = FileIdentity {
        size: 1,
        ctime_nsec: 9,
        ..ID
    };
    store(&tmp.0, &ID, KIND, 1, b"first").unwrap();
    store(&tmp.0, &ID, KIND, 1, b"second, longer").unwrap();
    assert_eq!(
        load(&tmp.0, &ID, KIND, 1).as_deref(),
        Some(&b"second, longer"[..])
    );
    store(&tmp.0, &edited, KIND, 1, b"edited").unwrap();
    assert_eq!(load(&tmp.0, &ID, KIND, 1), None);
    assert_eq!(
        load(&tmp.0, &edited, KIND, 1).as_deref(),
        Some(&b"edited"[..])
    );
    store(&tmp.0, &ID, *b"flv ", 1, b"other kind").unwrap();
    assert_eq!(tmp.names(), ["flv-fe00-a8a2ce", NAME]);
}

/// A rename that fails (a directory holds the final name) removes the temporary file.
#[test]
fn failed_rename_leaves_no_temp_file() {
    let tmp = TempDir::new("rename-fails");
    std::fs::create_dir_all(tmp.0.join(NAME).join("inside")).unwrap();
    assert!(store(&tmp.0, &ID, KIND, 1, PAYLOAD).is_err());
    assert_eq!(tmp.names(), [NAME]);
    assert!(tmp.0.join(NAME).is_dir());
}

/// Links planted in the directory are never written through: a link at the final
/// name is replaced, a link at the temporary name makes the store fail.
#[test]
fn symlinks_are_not_written_through() {
    let tmp = TempDir::new("links");
    let victim = tmp.0.join("victim");
    std::fs::write(&victim, "untouched").unwrap();
    symlink(&victim, tmp.0.join(NAME)).unwrap();
    store(&tmp.0, &ID, KIND, 1, PAYLOAD).unwrap();
    assert!(std::fs::symlink_metadata(tmp.0.join(NAME))
        .unwrap()
        .is_file());
    assert_eq!(load(&tmp.0, &ID, KIND, 1).as_deref(), Some(PAYLOAD));

    let temp = format!(".{NAME}.{}.tmp", std::process::id());
    symlink(&victim, tmp.0.join(&temp)).unwrap();
    let err = store(&tmp.0, &ID, KIND, 2, PAYLOAD).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "untouched");
    assert_eq!(
        load(&tmp.0, &ID, KIND, 1).as_deref(),
        Some(PAYLOAD),
        "old entry kept"
    );
}
