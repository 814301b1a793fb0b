//! A bounded AMF0 reader (Adobe AMF0 specification; FLV v10.1 §E.4.4 `SCRIPTDATA`) for
//! the `onMetaData` tag. It skips what it does not need and never allocates from a
//! count before checking the count against the bytes present; nesting is limited.

use std::fmt;

/// Deepest nesting of objects and arrays accepted.
pub(crate) const MAX_DEPTH: u32 = 32;

/// A malformed AMF0 value: what was wrong and where (byte offset within the data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AmfError {
    pub at: usize,
    pub what: String,
}

impl fmt::Display for AmfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at data byte {})", self.what, self.at)
    }
}

type Result<T> = std::result::Result<T, AmfError>;

/// AMF0 type markers used here (AMF0 §2.1).
pub(crate) mod marker {
    pub const NUMBER: u8 = 0;
    pub const BOOLEAN: u8 = 1;
    pub const STRING: u8 = 2;
    pub const OBJECT: u8 = 3;
    pub const NULL: u8 = 5;
    pub const UNDEFINED: u8 = 6;
    pub const REFERENCE: u8 = 7;
    pub const ECMA_ARRAY: u8 = 8;
    pub const OBJECT_END: u8 = 9;
    pub const STRICT_ARRAY: u8 = 10;
    pub const DATE: u8 = 11;
    pub const LONG_STRING: u8 = 12;
    pub const UNSUPPORTED: u8 = 13;
    pub const XML_DOCUMENT: u8 = 15;
    pub const TYPED_OBJECT: u8 = 16;
}

/// A cursor over AMF0 bytes.
pub(crate) struct Amf<'a> {
    d: &'a [u8],
    at: usize,
}

impl<'a> Amf<'a> {
    pub fn new(d: &'a [u8]) -> Self {
        Amf { d, at: 0 }
    }

    /// Bytes not yet read.
    pub fn left(&self) -> usize {
        self.d.len() - self.at
    }

    fn fail<T>(&self, what: impl Into<String>) -> Result<T> {
        Err(AmfError {
            at: self.at,
            what: what.into(),
        })
    }

    /// The next `n` bytes, for `what`.
    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8]> {
        let left = self.left();
        match self
            .at
            .checked_add(n)
            .and_then(|end| self.d.get(self.at..end))
        {
            Some(b) => {
                self.at += n;
                Ok(b)
            }
            None => self.fail(format!(
                "{what} of {n} bytes runs past the end ({left} bytes left)"
            )),
        }
    }

    pub fn u8(&mut self, what: &str) -> Result<u8> {
        Ok(self.take(1, what)?[0])
    }

    fn u16(&mut self, what: &str) -> Result<u16> {
        let b = self.take(2, what)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    fn u32(&mut self, what: &str) -> Result<u32> {
        let b = self.take(4, what)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// A number's 8 bytes (IEEE 754 double, big-endian; marker already read).
    pub fn f64(&mut self) -> Result<f64> {
        let b = self.take(8, "number")?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(f64::from_be_bytes(a))
    }

    /// A `SCRIPTDATASTRING` body: `u16` length and bytes (no marker).
    pub fn short_string(&mut self) -> Result<&'a [u8]> {
        let n = self.u16("string length")?;
        self.take(usize::from(n), "string")
    }

    /// A `u32` length and bytes (long string, XML document).
    fn long_string(&mut self) -> Result<&'a [u8]> {
        let n = self.u32("long string length")?;
        let n = usize::try_from(n).unwrap_or(usize::MAX);
        self.take(n, "long string")
    }

    /// Skips one value, marker included.
    pub fn skip(&mut self, depth: u32) -> Result<()> {
        let m = self.u8("value marker")?;
        self.skip_body(m, depth)
    }

    /// Skips the body of a value whose marker `m` has been read.
    pub fn skip_body(&mut self, m: u8, depth: u32) -> Result<()> {
        use marker::*;
        if depth >= MAX_DEPTH {
            return self.fail(format!("values nested deeper than {MAX_DEPTH} levels"));
        }
        match m {
            NUMBER => self.take(8, "number").map(drop),
            BOOLEAN => self.take(1, "boolean").map(drop),
            STRING => self.short_string().map(drop),
            OBJECT => self.properties(depth, |_, a, d| a.skip(d)),
            NULL | UNDEFINED | UNSUPPORTED => Ok(()),
            REFERENCE => self.take(2, "reference").map(drop),
            ECMA_ARRAY => {
                self.ecma_count()?;
                self.properties(depth, |_, a, d| a.skip(d))
            }
            STRICT_ARRAY => {
                let n = self.strict_count()?;
                (0..n).try_for_each(|_| self.skip(depth + 1))
            }
            DATE => self.take(10, "date").map(drop),
            LONG_STRING | XML_DOCUMENT => self.long_string().map(drop),
            TYPED_OBJECT => {
                self.short_string()?;
                self.properties(depth, |_, a, d| a.skip(d))
            }
            OBJECT_END => self.fail("object-end marker where a value was expected"),
            17 => self.fail("AMF3 value (marker 17) is not supported"),
            other => self.fail(format!("unknown or reserved AMF0 type marker {other}")),
        }
    }

    /// The `u32` count of an ECMA array, checked against the bytes present (each
    /// property takes at least 3 bytes). The count is advisory: properties are read up
    /// to the object-end marker.
    pub fn ecma_count(&mut self) -> Result<u32> {
        let n = self.u32("ECMA array count")?;
        let room = self.left() / 3;
        if usize::try_from(n).map_or(true, |n| n > room) {
            return self.fail(format!(
                "ECMA array count {n} cannot fit in the {} bytes left",
                self.left()
            ));
        }
        Ok(n)
    }

    /// The `u32` count of a strict array, checked against the bytes present (each value
    /// takes at least 1 byte).
    pub fn strict_count(&mut self) -> Result<usize> {
        let n = self.u32("strict array count")?;
        match usize::try_from(n) {
            Ok(n) if n <= self.left() => Ok(n),
            _ => self.fail(format!(
                "strict array of {n} entries cannot fit in the {} bytes left",
                self.left()
            )),
        }
    }

    /// Reads `name: value` properties up to the object-end marker (`00 00 09`), calling
    /// `each(name, self, depth + 1)` to consume each value (marker included). The end
    /// of the data also ends the list: some writers leave the marker out.
    pub fn properties(
        &mut self,
        depth: u32,
        mut each: impl FnMut(&'a [u8], &mut Self, u32) -> Result<()>,
    ) -> Result<()> {
        if depth >= MAX_DEPTH {
            return self.fail(format!("values nested deeper than {MAX_DEPTH} levels"));
        }
        while self.left() > 0 {
            let name = self.short_string()?;
            if name.is_empty() && self.d.get(self.at) == Some(&marker::OBJECT_END) {
                self.at += 1;
                return Ok(());
            }
            each(name, self, depth + 1)?;
        }
        Ok(())
    }

    /// A strict array of numbers (marker already read): `Some(values)`, or `None`
    /// (skipped) when an entry is not a number.
    pub fn numbers(&mut self, depth: u32) -> Result<Option<Vec<f64>>> {
        let n = self.strict_count()?;
        // Each number takes 9 bytes: never reserve more than the bytes can hold.
        let mut out = Vec::with_capacity(n.min(self.left() / 9));
        for i in 0..n {
            let m = self.u8("array entry marker")?;
            if m != marker::NUMBER {
                self.skip_body(m, depth + 1)?;
                for _ in i + 1..n {
                    self.skip(depth + 1)?;
                }
                return Ok(None);
            }
            out.push(self.f64()?);
        }
        Ok(Some(out))
    }
}
