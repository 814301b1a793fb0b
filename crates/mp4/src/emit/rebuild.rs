//! Rebuilding a box tree: each child is copied as a file range, dropped, replaced by
//! generated output, or rebuilt recursively with a new size in its header.

use crate::emit::out::Out;
use crate::error::Result;
use crate::parse::boxes::Bx;

/// What to do with one child box.
pub(crate) enum Action {
    /// Send the child unchanged, as a range of the source file.
    Copy,
    /// Leave the child out.
    Drop,
    /// Put this output in its place.
    Replace(Out),
    /// Rebuild the child (a plain container) with the same policy.
    Descend,
}

/// The policy: given a child and its parent's type, what to do.
pub(crate) type Policy<'p, 'a> = dyn FnMut(&Bx<'a>, &[u8; 4]) -> Result<Action> + 'p;

/// Rebuilds container `bx` under `policy`; the result is the whole new box.
pub(crate) fn rebuild<'a>(bx: &Bx<'a>, policy: &mut Policy<'_, 'a>) -> Result<Out> {
    let mut body = Out::default();
    for child in bx.children() {
        let child = child?;
        match policy(&child, &bx.typ)? {
            Action::Copy => body.file(child.offset, child.len())?,
            Action::Drop => {}
            Action::Replace(o) => body.extend(o),
            Action::Descend => body.extend(rebuild(&child, policy)?),
        }
    }
    body.boxed(&bx.typ)
}
