//! The file format: where every word lives, and the check a reader makes before it
//! trusts a file.
//!
//! The file is an array of 64-bit words in the machine's byte order (the file never
//! leaves the machine), every one read and written atomically:
//!
//! | words | what |
//! |-------|------|
//! | 0..8 | the header: [`MAGIC`], [`VERSION`], file size in bytes, slot count, words per slot, words of counters, creation time (Unix seconds), 0 |
//! | 8..128 | the global counters ([`crate::counters`]) |
//! | 128.. | the slots, [`SLOT_WORDS`] words each ([`crate::slot`]) |

use std::fmt;

/// Word 0 of every scoreboard: the bytes `LOOMSCB` and a NUL.
pub const MAGIC: u64 = u64::from_le_bytes(*b"LOOMSCB\0");
/// The format this build reads and writes; bumped whenever a word moves.
pub const VERSION: u64 = 1;
/// Words in the header.
pub const HEADER_WORDS: usize = 8;
/// Words reserved for the global counters (those in use, then zeros).
pub const COUNTER_WORDS: usize = 120;
/// The first word of slot 0.
pub const SLOTS_AT: usize = HEADER_WORDS + COUNTER_WORDS;
/// Words in one slot (384 bytes).
pub const SLOT_WORDS: usize = 48;
/// The most slots a file may have (a bound on what a reader maps: 384 MiB).
pub const MAX_SLOTS: u64 = 1 << 20;

/// Header words, by index.
pub(crate) mod word {
    pub const MAGIC: usize = 0;
    pub const VERSION: usize = 1;
    pub const SIZE: usize = 2;
    pub const SLOTS: usize = 3;
    pub const SLOT_WORDS: usize = 4;
    pub const COUNTER_WORDS: usize = 5;
    pub const CREATED: usize = 6;
}

/// Why a file is not a scoreboard this build can use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Damage {
    /// Shorter than the header, or than the size its header states.
    Truncated { have: u64, need: u64 },
    /// Longer than the size its header states.
    Oversized { have: u64, stated: u64 },
    /// Word 0 is not [`MAGIC`]: not a scoreboard (or overwritten).
    Foreign,
    /// Another format version.
    Version(u64),
    /// The header's geometry (slot count, slot or counter words) is not this format's.
    Geometry(&'static str),
}

impl fmt::Display for Damage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Damage::Truncated { have, need } => {
                write!(f, "truncated: {have} bytes, needs {need}")
            }
            Damage::Oversized { have, stated } => {
                write!(f, "oversized: {have} bytes, its header says {stated}")
            }
            Damage::Foreign => f.write_str("not a scoreboard (bad magic)"),
            Damage::Version(v) => write!(f, "format version {v}, this build reads {VERSION}"),
            Damage::Geometry(what) => write!(f, "bad header: {what}"),
        }
    }
}

/// The geometry of a valid scoreboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    /// Number of slots.
    pub slots: usize,
}

impl Layout {
    /// The layout for `slots` slots (clamped to 1 ..= [`MAX_SLOTS`]).
    pub fn new(slots: u64) -> Layout {
        let slots = slots.clamp(1, MAX_SLOTS) as usize;
        Layout { slots }
    }

    /// Total words of the file.
    pub fn words(self) -> usize {
        SLOTS_AT + self.slots * SLOT_WORDS
    }

    /// Total size of the file in bytes.
    pub fn bytes(self) -> u64 {
        self.words() as u64 * 8
    }

    /// The first word of slot `i` (`i < slots`).
    pub fn slot_at(self, i: usize) -> usize {
        SLOTS_AT + i * SLOT_WORDS
    }

    /// The header words of a new file made now (`created`: Unix seconds).
    pub fn header(self, created: u64) -> [u64; HEADER_WORDS] {
        let mut h = [0u64; HEADER_WORDS];
        h[word::MAGIC] = MAGIC;
        h[word::VERSION] = VERSION;
        h[word::SIZE] = self.bytes();
        h[word::SLOTS] = self.slots as u64;
        h[word::SLOT_WORDS] = SLOT_WORDS as u64;
        h[word::COUNTER_WORDS] = COUNTER_WORDS as u64;
        h[word::CREATED] = created;
        h
    }

    /// Checks the header words `header` (the first [`HEADER_WORDS`] words, or fewer
    /// when the file is shorter) of a file of `len` bytes, in that order: length of
    /// the header, magic, version, geometry, then `len` against the stated size.
    ///
    /// Errors: the first [`Damage`] found. On success every slot lies inside `len`.
    pub fn check(header: &[u64], len: u64) -> Result<Layout, Damage> {
        let need = HEADER_WORDS as u64 * 8;
        if header.len() < HEADER_WORDS || len < need {
            return Err(Damage::Truncated { have: len, need });
        }
        if header[word::MAGIC] != MAGIC {
            return Err(Damage::Foreign);
        }
        if header[word::VERSION] != VERSION {
            return Err(Damage::Version(header[word::VERSION]));
        }
        if header[word::SLOT_WORDS] != SLOT_WORDS as u64 {
            return Err(Damage::Geometry("words per slot"));
        }
        if header[word::COUNTER_WORDS] != COUNTER_WORDS as u64 {
            return Err(Damage::Geometry("counter words"));
        }
        let slots = header[word::SLOTS];
        if slots == 0 || slots > MAX_SLOTS {
            return Err(Damage::Geometry("slot count"));
        }
        let layout = Layout::new(slots);
        let stated = header[word::SIZE];
        if stated != layout.bytes() {
            return Err(Damage::Geometry("size does not match the slot count"));
        }
        if len < stated {
            return Err(Damage::Truncated {
                have: len,
                need: stated,
            });
        }
        if len > stated {
            return Err(Damage::Oversized { have: len, stated });
        }
        Ok(layout)
    }
}
