// SPDX-License-Identifier: MIT
//! An engine whose allocations are known exactly, so that a profile of
//! its tests can be checked to the byte: every allocation here is one
//! block of a size fixed by its arguments (`with_capacity`, `vec![0; n]`,
//! `Box::new`), none depends on how std grows a collection.

use std::collections::HashMap;

/// The most checkpoints an engine keeps: `snapshots` never grows.
pub const MAX_CHECKPOINTS: usize = 8;

pub struct Engine {
    state: Vec<u64>,
    snapshots: Vec<Vec<u64>>,
    names: HashMap<String, usize>,
}

impl Engine {
    /// An engine of `words` words of state, zeroed (calloc).
    pub fn new(words: usize) -> Engine {
        Engine {
            state: vec![0; words],
            snapshots: Vec::with_capacity(MAX_CHECKPOINTS),
            names: HashMap::with_capacity(MAX_CHECKPOINTS),
        }
    }

    pub fn set(&mut self, word: usize, value: u64) {
        self.state[word] = value;
    }

    /// Saves a copy of the state, one block of 8 bytes a word, and
    /// returns its number.
    pub fn checkpoint(&mut self) -> usize {
        assert!(self.snapshots.len() < MAX_CHECKPOINTS, "too many checkpoints");
        let mut copy = Vec::with_capacity(self.state.len());
        copy.extend_from_slice(&self.state);
        self.snapshots.push(copy);
        self.snapshots.len() - 1
    }

    /// Gives checkpoint `id` a name: the name's bytes in one block.
    pub fn name(&mut self, id: usize, name: &str) {
        self.names.insert(name.to_owned(), id);
    }

    pub fn snapshot(&self, name: &str) -> Option<&[u64]> {
        self.names.get(name).map(|&id| self.snapshots[id].as_slice())
    }
}

pub mod codec {
    use std::fmt::Write;

    /// The words in hexadecimal, 16 digits each, in one block of exactly
    /// that size.
    pub fn encode(words: &[u64]) -> String {
        let mut out = String::with_capacity(words.len() * 16);
        for w in words {
            write!(out, "{:016x}", w).unwrap();
        }
        out
    }

    /// A page of `n` bytes in a box of its own.
    pub fn page(n: u8) -> Box<[u8; 4096]> {
        Box::new([n; 4096])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Engine::new's state: 1 block of 32768 bytes, zeroed; at its line
    // in checkpoint, 3 copies of it: 3 blocks, 98304 bytes.
    #[test]
    fn checkpoints_are_copies() {
        let mut engine = Engine::new(4096);
        for i in 0..3 {
            engine.set(7, i);
            let id = engine.checkpoint();
            engine.name(id, ["first", "second", "third"][id]);
        }
        engine.set(7, 99);
        assert_eq!(engine.snapshot("second").unwrap()[7], 1);
        assert_eq!(engine.snapshot("third").unwrap()[7], 2);
        assert!(engine.snapshot("fourth").is_none());
    }

    // encode: 1 block of 1024 * 16 = 16384 bytes.
    #[test]
    fn encode_is_hex() {
        let words: Vec<u64> = (0..1024).collect();
        let hex = codec::encode(&words);
        assert_eq!(hex.len(), 16384);
        assert_eq!(&hex[16..32], "0000000000000001");
        assert_eq!(&hex[16368..], "00000000000003ff");
    }

    // page: 2 blocks of 4096 bytes.
    #[test]
    fn pages_are_filled() {
        let pages: Vec<Box<[u8; 4096]>> = (0..2).map(codec::page).collect();
        assert_eq!(pages[1][4095], 1);
    }

    // A failing test, on request, for the exit status through the runner.
    #[test]
    fn fails_when_asked() {
        assert!(std::env::var_os("ENGINE_TEST_FAIL").is_none(), "asked to fail");
    }
}
