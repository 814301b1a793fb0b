//! Writing ISO BMFF boxes (ISO/IEC 14496-12 §4.2): a header with the box's size and
//! type, then its body; a FullBox body starts with a version byte and 24 bits of
//! flags. Sizes past 32 bits use the 64-bit `largesize`.

/// A box being written: header reserved at `start`, size filled in by [`BoxWriter::end`].
pub(crate) struct Open {
    start: usize,
}

/// Big-endian writer of nested boxes into one buffer.
#[derive(Default)]
pub(crate) struct BoxWriter {
    pub out: Vec<u8>,
}

impl BoxWriter {
    /// Starts a box of type `typ` (a 32-bit size, filled in by [`BoxWriter::end`]).
    pub fn begin(&mut self, typ: &[u8; 4]) -> Open {
        let start = self.out.len();
        self.out.extend_from_slice(&[0, 0, 0, 0]);
        self.out.extend_from_slice(typ);
        Open { start }
    }

    /// Starts a FullBox: header, then `version` and the low 24 bits of `flags`.
    pub fn begin_full(&mut self, typ: &[u8; 4], version: u8, flags: u32) -> Open {
        let open = self.begin(typ);
        self.u32(u32::from(version) << 24 | (flags & 0x00ff_ffff));
        open
    }

    /// Ends the box opened as `open`: writes its size. Boxes written here hold one
    /// track's headers or one segment's sample table: far below 4 GiB, which the
    /// caller's plan checks (see [`crate::fragment`]); a larger one saturates.
    pub fn end(&mut self, open: Open) {
        let size = u32::try_from(self.out.len() - open.start).unwrap_or(u32::MAX);
        self.out[open.start..open.start + 4].copy_from_slice(&size.to_be_bytes());
    }

    /// Appends bytes as they are.
    pub fn bytes(&mut self, b: &[u8]) {
        self.out.extend_from_slice(b);
    }

    pub fn u16(&mut self, v: u16) {
        self.out.extend_from_slice(&v.to_be_bytes());
    }

    pub fn u32(&mut self, v: u32) {
        self.out.extend_from_slice(&v.to_be_bytes());
    }

    pub fn i32(&mut self, v: i32) {
        self.out.extend_from_slice(&v.to_be_bytes());
    }

    pub fn u64(&mut self, v: u64) {
        self.out.extend_from_slice(&v.to_be_bytes());
    }

    /// `n` zero bytes.
    pub fn zeros(&mut self, n: usize) {
        self.out.resize(self.out.len() + n, 0);
    }
}

/// The header of an `mdat` (§8.1.1) holding `payload` bytes: 8 bytes, or 16 with a
/// `largesize` when the box would not fit 32 bits. `None` when even that overflows.
pub fn mdat_header(payload: u64) -> Option<Vec<u8>> {
    let small = payload.checked_add(8)?;
    let mut h = Vec::with_capacity(16);
    match u32::try_from(small) {
        Ok(size) => {
            h.extend_from_slice(&size.to_be_bytes());
            h.extend_from_slice(b"mdat");
        }
        Err(_) => {
            h.extend_from_slice(&1u32.to_be_bytes());
            h.extend_from_slice(b"mdat");
            h.extend_from_slice(&payload.checked_add(16)?.to_be_bytes());
        }
    }
    Some(h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_boxes_get_their_sizes() {
        let mut w = BoxWriter::default();
        let outer = w.begin(b"moov");
        let inner = w.begin_full(b"mvhd", 1, 0x0102_0304);
        w.u16(7);
        w.end(inner);
        w.end(outer);
        assert_eq!(
            w.out,
            [
                &[0, 0, 0, 22][..],
                b"moov",
                &[0, 0, 0, 14],
                b"mvhd",
                &[1, 2, 3, 4],
                &[0, 7]
            ]
            .concat()
        );
    }

    #[test]
    fn mdat_header_switches_to_largesize_past_32_bits() {
        assert_eq!(
            mdat_header(4).unwrap(),
            [&[0, 0, 0, 12][..], b"mdat"].concat()
        );
        let big = mdat_header(u64::from(u32::MAX)).unwrap();
        assert_eq!(
            (&big[..8], big.len()),
            (&[0, 0, 0, 1, b'm', b'd', b'a', b't'][..], 16)
        );
        assert_eq!(
            u64::from_be_bytes(big[8..].try_into().unwrap()),
            u64::from(u32::MAX) + 16
        );
        assert!(mdat_header(u64::MAX - 10).is_none());
    }
}
