//! Every prefix of a file, and every single-byte corruption of its head, planned with
//! several seeks: an answer or an error, never a panic or a hang.

use super::build::*;
use super::{body, bytes, millis};
use crate::plan;

fn seeks() -> Vec<crate::Seek> {
    vec![
        bytes(None, None),
        bytes(Some(0), None),
        bytes(Some(1000), Some(4000)),
        bytes(None, Some(3000)),
        millis(Some(3500), None),
        millis(Some(1000), Some(2500)),
        millis(None, Some(6000)),
    ]
}

#[test]
fn every_prefix_plans_or_fails_cleanly() {
    for indexed in [true, false] {
        let b = h264(indexed);
        for n in 0..=b.bytes.len() {
            let file = &b.bytes[..n];
            for s in seeks() {
                if let Ok(p) = plan(file, s) {
                    let out = body(file, &p);
                    assert!(out.len() as u64 == p.plan.len(), "prefix {n}, {s:?}");
                }
            }
        }
    }
}

#[test]
fn every_byte_of_the_head_flipped_plans_or_fails_cleanly() {
    let b = h264(true);
    let head_end = b.offsets[4] as usize;
    for i in 0..head_end {
        for x in [0x00, 0xff, 0x80, 0x09] {
            let mut file = b.bytes.clone();
            file[i] = x;
            for s in seeks() {
                if let Ok(p) = plan(&file, s) {
                    body(&file, &p);
                }
            }
        }
    }
}
