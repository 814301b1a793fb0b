//! The top-level boxes of a file (ISO/IEC 14496-12 §4.2, §6.2): where `ftyp`, `moov`
//! and the first `mdat` are.

use crate::error::{defect, Result};
use crate::parse::boxes::{Bx, Children};

/// Most top-level boxes scanned before `moov` must have been found.
const MAX_TOP_LEVEL_BOXES: usize = 1_000_000;

/// Positions of the top-level boxes a plan needs.
pub(crate) struct TopLevel<'a> {
    pub ftyp: Option<Bx<'a>>,
    pub moov: Bx<'a>,
    /// File offset of the first `mdat`, if any.
    pub first_mdat: Option<u64>,
}

impl TopLevel<'_> {
    /// True when `moov` precedes every `mdat`: a player can start at once.
    pub fn moov_first(&self) -> bool {
        self.first_mdat.is_none_or(|m| self.moov.offset < m)
    }
}

/// Scans top-level box headers up to `moov`. Errors: no `moov`, a malformed header
/// before it, or more than a million boxes before it.
pub(crate) fn scan(file: &[u8]) -> Result<TopLevel<'_>> {
    let (mut ftyp, mut first_mdat) = (None, None);
    for (n, b) in Children::new(file, 0).enumerate() {
        if n >= MAX_TOP_LEVEL_BOXES {
            return Err(defect!(
                "more than {MAX_TOP_LEVEL_BOXES} top-level boxes before moov"
            ));
        }
        let b = b?;
        match &b.typ {
            b"ftyp" if ftyp.is_none() => ftyp = Some(b),
            b"mdat" if first_mdat.is_none() => first_mdat = Some(b.offset),
            b"moov" => {
                return Ok(TopLevel {
                    ftyp,
                    moov: b,
                    first_mdat,
                })
            }
            _ => {}
        }
    }
    Err(defect!("no moov box"))
}
