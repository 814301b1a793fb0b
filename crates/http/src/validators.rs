//! Validators: strong entity-tags (RFC 9110 §8.8.3) and HTTP-dates (RFC 9110 §5.6.7).

use crate::date;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// What identifies the bytes of a source file: `stat(2)` fields.
///
/// Any change (a replaced file has a new inode, an edited one a new size or
/// modification time) gives a different [`strong_etag`]. The status change time
/// (`ctime_*`) is not part of the entity-tag: `chmod`, `chown` and `link` change it
/// without changing the bytes. It keys on-disk caches instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FileIdentity {
    /// `st_dev`
    pub dev: u64,
    /// `st_ino`
    pub ino: u64,
    /// `st_size`, in bytes.
    pub size: u64,
    /// `st_mtime`, seconds since the Unix epoch (may be negative).
    pub mtime_sec: i64,
    /// `st_mtime_nsec`, nanoseconds (0 to 999 999 999).
    pub mtime_nsec: u32,
    /// `st_ctime`, the status change time, seconds since the Unix epoch (may be
    /// negative). The kernel sets it on every write (and on `chmod`, `chown`,
    /// `rename`); users cannot set it (`utimensat(2)` can set the mtime back, not the
    /// ctime), so it keys caches of what a file contains.
    pub ctime_sec: i64,
    /// `st_ctime_nsec`, nanoseconds (0 to 999 999 999).
    pub ctime_nsec: u32,
}

/// A strong entity-tag (RFC 9110 §8.8.3), quotes included, for one representation:
/// the file `id`, the `variant` (the seek parameters as the streamer writes them,
/// e.g. `start=62.500;end=-` for an MP4 cut, `start=480804;end=-` for an FLV byte
/// seek; empty for the file as stored) and the output `format_version` (bumped
/// whenever the bytes we generate change).
///
/// Shape: `"<format_version>-<size hex>-<16 hex digits>"`, e.g.
/// `"1-1f40-c4d578d4eb374cfe"` (format version 1, an 8000-byte file: the tag the
/// tests below pin), where the last part is FNV-1a 64 over every input. The hash is written here, so
/// tags stay the same across Rust releases and restarts. Only `etagc` characters
/// are used.
pub fn strong_etag(id: &FileIdentity, variant: &str, format_version: u32) -> String {
    let mut hash = Fnv1a::new();
    hash.write(&id.dev.to_le_bytes());
    hash.write(&id.ino.to_le_bytes());
    hash.write(&id.size.to_le_bytes());
    hash.write(&id.mtime_sec.to_le_bytes());
    hash.write(&id.mtime_nsec.to_le_bytes());
    hash.write(&format_version.to_le_bytes());
    // Length first, so ("ab", "c") and ("a", "bc")-style splits cannot collide.
    let variant_len = u64::try_from(variant.len()).unwrap_or(u64::MAX);
    hash.write(&variant_len.to_le_bytes());
    hash.write(variant.as_bytes());
    format!(
        "\"{}-{:x}-{:016x}\"",
        format_version,
        id.size,
        hash.finish()
    )
}

/// FNV-1a, 64-bit (Fowler, Noll, Vo; draft-eastlake-fnv §2).
struct Fnv1a(u64);

impl Fnv1a {
    const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;

    fn new() -> Fnv1a {
        Fnv1a(Self::OFFSET_BASIS)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(Self::PRIME);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Whole seconds since the Unix epoch as an HTTP-date can carry them: sub-second
/// parts dropped, times before 1970 clamped to 0, after 9999 to the end of 9999.
pub(crate) fn http_seconds(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
        .min(date::MAX_SECONDS)
}

/// Formats `t` as an IMF-fixdate (RFC 9110 §5.6.7), e.g.
/// `"Sun, 06 Nov 1994 08:49:37 GMT"`, for `Date` and `Last-Modified`.
///
/// Whole seconds; clamped to 1970-01-01 .. 9999-12-31 (never panics, even for a
/// file whose mtime is before the epoch).
pub fn format_http_date(t: SystemTime) -> String {
    date::format_imf_fixdate(http_seconds(t))
}

/// Parses an HTTP-date in any of the three formats a recipient must accept
/// (RFC 9110 §5.6.7): IMF-fixdate, RFC 850, asctime. `None` if it is none of them,
/// or names a day that does not exist or the wrong weekday.
pub fn parse_http_date(value: &[u8]) -> Option<SystemTime> {
    date::parse(value).map(|secs| UNIX_EPOCH + Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: FileIdentity = FileIdentity {
        dev: 2049,
        ino: 1_234_567,
        size: 8000,
        mtime_sec: 1_700_000_000,
        mtime_nsec: 5,
        ctime_sec: 1_700_000_100,
        ctime_nsec: 7,
    };

    #[test]
    fn etag_is_quoted_strong_and_stable() {
        let tag = strong_etag(&ID, "start=62500;end=-", 1);
        assert!(tag.starts_with("\"1-1f40-") && tag.ends_with('"'), "{tag}");
        assert_eq!(tag.len(), 1 + "1-1f40-".len() + 16 + 1);
        assert!(tag[1..tag.len() - 1]
            .bytes()
            .all(|b| b == b'-' || b.is_ascii_hexdigit()));
        // Pinned, so an accidental change of the hash input shows up here.
        assert_eq!(tag, strong_etag(&ID, "start=62500;end=-", 1));
        assert_eq!(tag, "\"1-1f40-c4d578d4eb374cfe\"");
    }

    #[test]
    fn etag_differs_when_any_input_differs() {
        let base = strong_etag(&ID, "start=1", 1);
        let variants = [
            strong_etag(&FileIdentity { dev: 2050, ..ID }, "start=1", 1),
            strong_etag(
                &FileIdentity {
                    ino: 1_234_568,
                    ..ID
                },
                "start=1",
                1,
            ),
            strong_etag(&FileIdentity { size: 8001, ..ID }, "start=1", 1),
            strong_etag(
                &FileIdentity {
                    mtime_sec: 1_700_000_001,
                    ..ID
                },
                "start=1",
                1,
            ),
            strong_etag(
                &FileIdentity {
                    mtime_nsec: 6,
                    ..ID
                },
                "start=1",
                1,
            ),
            strong_etag(&ID, "start=2", 1),
            strong_etag(&ID, "", 1),
            strong_etag(&ID, "start=1", 2),
        ];
        for (i, other) in variants.iter().enumerate() {
            assert_ne!(&base, other, "variant {i}");
        }
    }

    /// The status change time moves on `chmod` or `link` too: it must not change the
    /// tag of bytes that did not change (and the pinned tag above stays valid).
    #[test]
    fn etag_ignores_ctime() {
        let base = strong_etag(&ID, "start=1", 1);
        for other in [
            FileIdentity {
                ctime_sec: 1_800_000_000,
                ..ID
            },
            FileIdentity {
                ctime_nsec: 8,
                ..ID
            },
        ] {
            assert_eq!(strong_etag(&other, "start=1", 1), base, "{other:?}");
        }
    }

    #[test]
    fn fnv1a_known_values() {
        // Test vectors from the FNV reference (draft-eastlake-fnv appendix).
        let fnv = |s: &[u8]| {
            let mut h = Fnv1a::new();
            h.write(s);
            h.finish()
        };
        assert_eq!(fnv(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn http_date_round_trip_and_formats() {
        let t = UNIX_EPOCH + Duration::from_secs(784_111_777);
        assert_eq!(format_http_date(t), "Sun, 06 Nov 1994 08:49:37 GMT");
        let sub_second = t + Duration::from_millis(999);
        assert_eq!(
            format_http_date(sub_second),
            "Sun, 06 Nov 1994 08:49:37 GMT"
        );
        for text in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
        ] {
            assert_eq!(parse_http_date(text.as_bytes()), Some(t), "{text}");
        }
        for bad in ["", "yesterday", "Sun, 06 Nov 1994 08:49:37", "\u{ff}"] {
            assert_eq!(parse_http_date(bad.as_bytes()), None, "{bad:?}");
        }
        assert_eq!(parse_http_date(b"\xff\xfe"), None);
    }

    #[test]
    fn http_date_never_panics_out_of_range() {
        let before_epoch = UNIX_EPOCH - Duration::from_secs(10);
        assert_eq!(
            format_http_date(before_epoch),
            "Thu, 01 Jan 1970 00:00:00 GMT"
        );
        let far = UNIX_EPOCH + Duration::from_secs(400_000_000_000);
        assert_eq!(format_http_date(far), "Fri, 31 Dec 9999 23:59:59 GMT");
    }
}
