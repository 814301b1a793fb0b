use super::{Split, LARGE};
use std::alloc::{GlobalAlloc, Layout};

/// Fills `len` bytes at `p` with a pattern that depends on `seed`.
unsafe fn fill(p: *mut u8, len: usize, seed: u8) {
    for i in 0..len {
        *p.add(i) = (i as u8).wrapping_mul(31).wrapping_add(seed);
    }
}

/// True when `len` bytes at `p` hold the pattern of `seed`.
unsafe fn holds(p: *const u8, len: usize, seed: u8) -> bool {
    (0..len).all(|i| *p.add(i) == (i as u8).wrapping_mul(31).wrapping_add(seed))
}

/// Sizes on both sides of [`LARGE`] and of a page.
const SIZES: [usize; 8] = [
    1,
    24,
    4095,
    LARGE - 1,
    LARGE,
    LARGE + 1,
    3 * LARGE + 17,
    1 << 20,
];

#[test]
fn blocks_of_every_size_and_alignment_are_usable_and_aligned() {
    for size in SIZES {
        for align in [1, 8, 16, 64, 4096, 8192] {
            let layout = Layout::from_size_align(size, align).unwrap();
            unsafe {
                let p = Split.alloc(layout);
                assert!(!p.is_null(), "{size} bytes aligned {align}");
                assert_eq!(p as usize % align, 0, "{size} bytes aligned {align}");
                fill(p, size, 7);
                assert!(holds(p, size, 7));
                Split.dealloc(p, layout);
            }
        }
    }
}

#[test]
fn zeroed_blocks_are_zero_even_after_reuse() {
    for size in SIZES {
        let layout = Layout::from_size_align(size, 8).unwrap();
        unsafe {
            let dirty = Split.alloc(layout);
            fill(dirty, size, 3);
            Split.dealloc(dirty, layout);
            let p = Split.alloc_zeroed(layout);
            assert!((0..size).all(|i| *p.add(i) == 0), "{size} bytes");
            Split.dealloc(p, layout);
        }
    }
}

#[test]
fn realloc_keeps_the_bytes_across_both_sides() {
    for from in SIZES {
        for to in SIZES {
            for align in [8, 4096] {
                let layout = Layout::from_size_align(from, align).unwrap();
                unsafe {
                    let p = Split.alloc(layout);
                    fill(p, from, 11);
                    let q = Split.realloc(p, layout, to);
                    assert!(!q.is_null(), "{from} -> {to}");
                    assert_eq!(q as usize % align, 0, "{from} -> {to} aligned {align}");
                    assert!(holds(q, from.min(to), 11), "{from} -> {to} aligned {align}");
                    fill(q, to, 12);
                    Split.dealloc(q, Layout::from_size_align(to, align).unwrap());
                }
            }
        }
    }
}

#[test]
fn a_freed_large_block_is_unmapped() {
    // Another test thread may map the freed range again at once; a block that is never
    // unmapped is still there on every try.
    let unmapped = (0..3).any(|_| unsafe {
        let layout = Layout::from_size_align(LARGE * 4, 8).unwrap();
        let p = Split.alloc(layout);
        fill(p, layout.size(), 1);
        assert!(mapped_at(p as usize));
        Split.dealloc(p, layout);
        !mapped_at(p as usize)
    });
    assert!(unmapped, "a freed block's pages are still mapped");
}

/// True when the page at `addr` is mapped in this process (`/proc/self/maps`).
fn mapped_at(addr: usize) -> bool {
    let maps = std::fs::read_to_string("/proc/self/maps").unwrap();
    maps.lines().any(|l| {
        let range = l.split(' ').next().unwrap();
        let (a, b) = range.split_once('-').unwrap();
        let (a, b) = (
            usize::from_str_radix(a, 16).unwrap(),
            usize::from_str_radix(b, 16).unwrap(),
        );
        (a..b).contains(&addr)
    })
}
