//! Box headers and bounded child iteration (ISO/IEC 14496-12 §4.2).
//!
//! Each [`Bx`] is a view limited to its own bytes, so a child parser cannot read past
//! its parent. `size` and `header_len` are kept apart; size 0 ("to the end of the
//! enclosing space"), size 1 (64-bit `largesize`) and `uuid` extended types are handled,
//! and a header longer than its box is refused.

use crate::error::{defect, Result};
use crate::parse::bytes::{fourcc, u32_at, u64_at};

/// One box: its type, its bytes (header included) and where it sits in the file.
#[derive(Clone, Copy)]
pub(crate) struct Bx<'a> {
    /// Four-character box type, e.g. `*b"stts"`.
    pub typ: [u8; 4],
    /// The whole box, header included.
    pub data: &'a [u8],
    /// Header length in bytes: 8, 16 (largesize), plus 16 for `uuid`.
    pub header_len: usize,
    /// File offset (bytes) of the first header byte.
    pub offset: u64,
}

impl<'a> Bx<'a> {
    /// The box body after the header.
    pub fn payload(&self) -> &'a [u8] {
        &self.data[self.header_len..]
    }

    /// File offset (bytes) of the first payload byte.
    pub fn payload_offset(&self) -> u64 {
        self.offset + self.header_len as u64
    }

    /// Total box length in bytes.
    pub fn len(&self) -> u64 {
        self.data.len() as u64
    }

    /// The box type for logs.
    pub fn name(&self) -> String {
        fourcc(&self.typ)
    }

    /// Children of a container box.
    pub fn children(&self) -> Children<'a> {
        Children {
            buf: self.payload(),
            pos: 0,
            base: self.payload_offset(),
            nested: true,
        }
    }

    /// The first child of type `typ`, if any. Errors: a malformed child header.
    pub fn child(&self, typ: &[u8; 4]) -> Result<Option<Bx<'a>>> {
        for c in self.children() {
            let c = c?;
            if &c.typ == typ {
                return Ok(Some(c));
            }
        }
        Ok(None)
    }

    /// The first child of type `typ`. Errors: missing, or a malformed child header.
    pub fn require(&self, typ: &[u8; 4]) -> Result<Bx<'a>> {
        self.child(typ)?
            .ok_or_else(|| defect!("'{}' has no '{}' box", self.name(), fourcc(typ)))
    }

    /// FullBox version (ISO/IEC 14496-12 §4.2): the first payload byte.
    pub fn version(&self) -> Result<u8> {
        self.payload()
            .first()
            .copied()
            .ok_or_else(|| defect!("'{}' has no version byte", self.name()))
    }
}

/// Iterator over the boxes packed in a byte range; stops at the first malformed header.
pub(crate) struct Children<'a> {
    buf: &'a [u8],
    pos: usize,
    base: u64,
    /// Inside another box, where size 0 ("to the end of the file") is refused.
    nested: bool,
}

impl<'a> Children<'a> {
    /// Top-level boxes packed in `buf`, whose first byte is at file offset `base`.
    pub fn new(buf: &'a [u8], base: u64) -> Self {
        Children {
            buf,
            pos: 0,
            base,
            nested: false,
        }
    }
}

impl<'a> Iterator for Children<'a> {
    type Item = Result<Bx<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        let rest = &self.buf[self.pos..];
        if rest.is_empty() {
            return None;
        }
        let item = parse_box(rest, self.base + self.pos as u64, self.nested);
        match &item {
            Ok(b) => self.pos += b.data.len(),
            Err(_) => self.pos = self.buf.len(),
        }
        Some(item)
    }
}

/// Parses the box at the start of `rest` (which holds everything up to the end of the
/// enclosing box or file). `offset` is the file offset of `rest[0]`. Size 0 means "to
/// the end of the file" and is only valid at the top level (§4.2); inside a box it is
/// refused, as a copy of it would no longer end where its parent does.
fn parse_box(rest: &[u8], offset: u64, nested: bool) -> Result<Bx<'_>> {
    let size32 = u32_at(rest, 0, "box header")?;
    let mut typ = [0u8; 4];
    typ.copy_from_slice(
        rest.get(4..8)
            .ok_or_else(|| defect!("box header at {offset} is cut short"))?,
    );
    let (size, mut header_len) = match size32 {
        0 if nested => {
            return Err(defect!(
                "box '{}' at {offset} has size 0 (to the end of the file) inside another box",
                fourcc(&typ)
            ))
        }
        0 => (rest.len() as u64, 8usize),
        1 => (u64_at(rest, 8, "box largesize")?, 16),
        n => (u64::from(n), 8),
    };
    if &typ == b"uuid" {
        header_len += 16;
    }
    if size < header_len as u64 {
        return Err(defect!(
            "box '{}' at {offset}: size {size} is smaller than its header",
            fourcc(&typ)
        ));
    }
    if size > rest.len() as u64 {
        return Err(defect!(
            "box '{}' at {offset}: size {size} is larger than the {} bytes of its parent",
            fourcc(&typ),
            rest.len()
        ));
    }
    // size <= rest.len(), so it fits in usize.
    let data = &rest[..size as usize];
    Ok(Bx {
        typ,
        data,
        header_len,
        offset,
    })
}

/// Writes a box header for a box of `total` bytes (header included): 8 bytes, or 16
/// with `largesize` when `total` does not fit in 32 bits (ISO/IEC 14496-12 §4.2).
pub(crate) fn header(typ: &[u8; 4], payload_len: u64) -> Result<Vec<u8>> {
    let small = payload_len
        .checked_add(8)
        .ok_or_else(|| defect!("box size overflows"))?;
    let mut h = Vec::with_capacity(16);
    if let Ok(s) = u32::try_from(small) {
        h.extend_from_slice(&s.to_be_bytes());
        h.extend_from_slice(typ);
    } else {
        let large = payload_len
            .checked_add(16)
            .ok_or_else(|| defect!("box size overflows"))?;
        h.extend_from_slice(&1u32.to_be_bytes());
        h.extend_from_slice(typ);
        h.extend_from_slice(&large.to_be_bytes());
    }
    Ok(h)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bx(typ: &[u8; 4], payload: &[u8]) -> Vec<u8> {
        let mut v = header(typ, payload.len() as u64).unwrap();
        v.extend_from_slice(payload);
        v
    }

    #[test]
    fn nested_boxes_are_bounded_by_their_parent() {
        let inner = bx(b"free", b"abc");
        let outer = bx(b"moov", &inner);
        let top: Vec<_> = Children::new(&outer, 100).collect::<Result<_>>().unwrap();
        assert_eq!(top.len(), 1);
        assert_eq!(top[0].offset, 100);
        let kids: Vec<_> = top[0].children().collect::<Result<_>>().unwrap();
        assert_eq!(&kids[0].typ, b"free");
        assert_eq!(kids[0].payload(), b"abc");
        assert_eq!(kids[0].offset, 108);
    }

    #[test]
    fn child_larger_than_parent_is_a_defect() {
        let mut outer = bx(b"moov", &bx(b"free", b"abc"));
        outer[11] = 200; // inner size 200 > 11 bytes left
        let top = Children::new(&outer, 0).next().unwrap().unwrap();
        let err = top.children().next().unwrap().err().unwrap();
        assert!(err.to_string().contains("larger than"), "{err}");
    }

    #[test]
    fn size_zero_runs_to_the_end_and_size_one_reads_largesize() {
        let mut v = vec![0, 0, 0, 0, b'm', b'd', b'a', b't', 1, 2, 3];
        let b = Children::new(&v, 0).next().unwrap().unwrap();
        assert_eq!(b.len(), 11);
        v = vec![
            0, 0, 0, 1, b'm', b'd', b'a', b't', 0, 0, 0, 0, 0, 0, 0, 17, 9,
        ];
        let b = Children::new(&v, 0).next().unwrap().unwrap();
        assert_eq!((b.len(), b.header_len, b.payload()), (17, 16, &[9u8][..]));
    }

    #[test]
    fn header_longer_than_box_and_cut_headers_are_defects() {
        for v in [
            vec![0, 0, 0, 4, b'f', b'r', b'e', b'e'],
            vec![0, 0, 0, 1, b'm', b'd', b'a', b't', 0, 0, 0, 0, 0, 0, 0, 8],
            vec![0, 0, 0],
        ] {
            assert!(Children::new(&v, 0).next().unwrap().is_err(), "{v:?}");
        }
    }

    #[test]
    fn uuid_boxes_have_a_longer_header() {
        let mut v = bx(b"uuid", &[7u8; 20]);
        v.truncate(28);
        let b = Children::new(&v, 0).next().unwrap().unwrap();
        assert_eq!(b.header_len, 24);
    }

    #[test]
    fn header_switches_to_largesize_past_32_bits() {
        assert_eq!(header(b"mdat", 10).unwrap().len(), 8);
        let h = header(b"mdat", u64::from(u32::MAX)).unwrap();
        assert_eq!(h.len(), 16);
        assert_eq!(&h[..4], &[0, 0, 0, 1]);
        assert!(header(b"mdat", u64::MAX - 3).is_err());
    }
}
