// SPDX-License-Identifier: MIT
// tests/cli/t0230-rust-names.sh builds this with rustc, once per symbol
// mangling scheme, and profiles it: two named functions of the crate
// allocate through the default (system) allocator.

pub struct Engine {
    log: Vec<Vec<u8>>,
}

impl Engine {
    #[inline(never)]
    pub fn checkpoint(&mut self, n: usize) {
        let block = vec![1u8; n]; /* site: checkpoint */
        self.log.push(block);
    }
}

#[inline(never)]
fn fill<T: Copy>(x: T, n: usize) -> Vec<T> {
    vec![x; n] /* site: fill */
}

fn main() {
    let mut e = Engine { log: Vec::with_capacity(3) };
    for i in 1..=3 {
        e.checkpoint(1000 * i);
    }
    let v = fill(7u32, 500);
    println!("{} {}", e.log.len(), v.len());
}
