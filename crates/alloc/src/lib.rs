//! The streamers' global allocator: small blocks from dlmalloc, large ones mapped on
//! their own with `mmap(2)`.
//!
//! A streamer lives for one request. musl's allocator (mallocng, the static builds'
//! `malloc`) gives each size class its own freshly mapped group and unmaps a group as
//! soon as it empties: a seek on a 2-hour film made about 20 `mmap(2)` and 17
//! `munmap(2)` calls, each mapping followed by a page fault, for a few kilobytes of
//! short-lived strings and tables. dlmalloc carves small blocks from one 64 KiB
//! segment and reuses them. It never gives a freed block inside a segment back to the
//! kernel, though, so large blocks (the sender's 32 KiB gather buffer, the chunk list
//! of a packed cut) get a mapping of their own, unmapped when freed: a throttled
//! stream at rest keeps only what it still uses.

#[cfg(test)]
mod tests;

use std::alloc::{GlobalAlloc, Layout};
use std::cell::UnsafeCell;
use std::ptr;
use std::sync::atomic::{AtomicBool, Ordering};

/// Blocks of at least this many bytes (32 KiB) are mapped on their own.
pub const LARGE: usize = 32 * 1024;

/// Page size assumed for rounding mappings (4 KiB, x86-64 and aarch64 Linux default);
/// a larger real page size only makes `mmap(2)` round up further.
const PAGE: usize = 4096;

/// Small blocks from dlmalloc, large ones ([`LARGE`] bytes or more, aligned to at most
/// a page) from their own anonymous mapping. Which side owns a block follows from its
/// [`Layout`], which `dealloc` and `realloc` receive unchanged, so blocks carry no
/// header.
pub struct Split;

/// The one dlmalloc heap, behind a spin lock of one atomic flag. A streamer has one
/// thread, so the lock is never contended: taking it is one atomic swap, where
/// dlmalloc's own global lock (`GlobalDlmalloc`) called pthread_mutex_lock and
/// _unlock around every block (~10 % of the front's instructions for an image).
struct Heap {
    busy: AtomicBool,
    dl: UnsafeCell<dlmalloc::Dlmalloc>,
}

// SAFETY: `dl` is only reached through `Heap::with`, which holds `busy` meanwhile, so
// no two threads use it at once.
unsafe impl Sync for Heap {}

static HEAP: Heap = Heap {
    busy: AtomicBool::new(false),
    dl: UnsafeCell::new(dlmalloc::Dlmalloc::new()),
};

impl Heap {
    /// Runs `f` on the heap with the lock held (spinning while another thread has it).
    fn with<T>(&self, f: impl FnOnce(&mut dlmalloc::Dlmalloc) -> T) -> T {
        while self.busy.swap(true, Ordering::Acquire) {
            std::hint::spin_loop();
        }
        // SAFETY: `busy` is held: this is the only reference to the heap until it is
        // released below. dlmalloc neither allocates through the global allocator nor
        // unwinds, so `f` cannot re-enter.
        let result = f(unsafe { &mut *self.dl.get() });
        self.busy.store(false, Ordering::Release);
        result
    }
}

/// True when a block of `layout` is mapped on its own.
fn mapped(layout: Layout) -> bool {
    layout.size() >= LARGE && layout.align() <= PAGE
}

/// Bytes mapped for a block of `size` bytes: whole pages. `None` on overflow.
fn pages(size: usize) -> Option<usize> {
    size.checked_add(PAGE - 1).map(|s| s & !(PAGE - 1))
}

/// A fresh zero-filled private anonymous mapping of `size` bytes, or null.
fn map(size: usize) -> *mut u8 {
    let Some(len) = pages(size) else {
        return ptr::null_mut();
    };
    // SAFETY: a new private anonymous mapping aliases nothing.
    let p = unsafe {
        libc::mmap(
            ptr::null_mut(),
            len,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    if p == libc::MAP_FAILED {
        ptr::null_mut()
    } else {
        p.cast()
    }
}

// SAFETY: each call goes to the side that made the block (see `mapped`); a block that
// changes sides in `realloc` is copied (the smaller of the two sizes) and freed by its
// old side. Mapped blocks are page-aligned, which satisfies every alignment `mapped`
// accepts.
unsafe impl GlobalAlloc for Split {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if mapped(layout) {
            map(layout.size())
        } else {
            HEAP.with(|h| h.malloc(layout.size(), layout.align()))
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if mapped(layout) {
            map(layout.size())
        } else {
            HEAP.with(|h| h.calloc(layout.size(), layout.align()))
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if !mapped(layout) {
            return HEAP.with(|h| h.free(ptr, layout.size(), layout.align()));
        }
        if let Some(len) = pages(layout.size()) {
            libc::munmap(ptr.cast(), len);
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller guarantees `new_size`, rounded up to the alignment, does not
        // overflow `isize`.
        let new_layout = Layout::from_size_align_unchecked(new_size, layout.align());
        match (mapped(layout), mapped(new_layout)) {
            (false, false) => {
                HEAP.with(|h| h.realloc(ptr, layout.size(), layout.align(), new_size))
            }
            (true, true) => remap(ptr, layout.size(), new_size),
            _ => {
                let new = self.alloc(new_layout);
                if !new.is_null() {
                    ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                    self.dealloc(ptr, layout);
                }
                new
            }
        }
    }
}

/// Resizes a mapped block with `mremap(2)`, which may move it; null on failure (the
/// old block is then untouched, as `realloc` requires).
unsafe fn remap(ptr: *mut u8, old: usize, new: usize) -> *mut u8 {
    let (Some(old), Some(new)) = (pages(old), pages(new)) else {
        return ptr::null_mut();
    };
    if old == new {
        return ptr;
    }
    let p = libc::mremap(ptr.cast(), old, new, libc::MREMAP_MAYMOVE);
    if p == libc::MAP_FAILED {
        ptr::null_mut()
    } else {
        p.cast()
    }
}
