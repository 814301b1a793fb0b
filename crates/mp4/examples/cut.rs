//! Writes the planned body for `FILE [START_MS [END_MS]]` to stdout: a debugging aid
//! that exercises the planner without the HTTP layer.

use loomiere_plan::Piece;
use std::io::Write;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let file = std::fs::read(args.get(1).ok_or("usage: cut FILE [START_MS [END_MS]]")?)?;
    let ms = |i: usize| args.get(i).filter(|s| *s != "-").map(|s| s.parse::<u64>()).transpose();
    let seek = loomiere_mp4::Seek { start_ms: ms(2)?, end_ms: ms(3)? };
    let t0 = std::time::Instant::now();
    let planned = loomiere_mp4::plan(&file, seek)?;
    eprintln!("planned in {:?}", t0.elapsed());
    let points = planned.time_map.points();
    eprintln!("{:?} start_ms={:?} len={} slices={} time points={} last={:?}", planned.shape, planned.start_ms, planned.plan.len(), planned.plan.slices().len(), points.len(), points.last());
    let mut out = std::io::stdout().lock();
    for piece in planned.plan.pieces(0, planned.plan.len()) {
        match piece {
            Piece::Bytes(b) => out.write_all(b)?,
            Piece::File { offset, len } => out.write_all(&file[offset as usize..(offset + len) as usize])?,
        }
    }
    Ok(())
}
