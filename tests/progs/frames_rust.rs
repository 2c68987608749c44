// SPDX-License-Identifier: MIT
// frames_rust.rs - Rust's allocations through Vec, String, format!,
// Box and HashMap, each made by a function of the program's own, for
// tests/cli/t0243-frames-rust.sh (built there with the installed rustc):
//
//   Engine::checkpoint, three times:
//     Vec::with_capacity(1000)   3000 bytes in 3 blocks
//     Box::new([0u8; 4096])      12288 bytes in 3 blocks
//     format!, HashMap::insert   the names and the table
//   Engine::new: vec![0u8; 2048] 2048 bytes in 1 block (calloc)
use std::collections::HashMap;

pub struct Engine {
    log: Vec<Vec<u8>>,
    names: HashMap<u32, String>,
    pages: Vec<Box<[u8; 4096]>>,
    scratch: Vec<u8>,
}

impl Engine {
    #[inline(never)]
    pub fn new() -> Engine {
        Engine {
            log: Vec::new(),
            names: HashMap::new(),
            pages: Vec::new(),
            scratch: vec![0u8; 2048], /* site: vec */
        }
    }

    #[inline(never)]
    pub fn checkpoint(&mut self, i: u32) {
        let entry = Vec::with_capacity(1000); /* site: with_capacity */
        self.log.push(entry);
        let name = format!("checkpoint {}", i); /* site: format */
        self.names.insert(i, name); /* site: insert */
        let page = Box::new([i as u8; 4096]); /* site: box */
        self.pages.push(page);
    }
}

fn main() {
    let mut e = Engine::new();
    for i in 0..3 {
        e.checkpoint(i);
    }
    println!("{} {}", e.log.len() + e.names.len() + e.pages.len(),
        e.scratch.len());
}
