// SPDX-License-Identifier: MIT
// tests/cli/t0235-long-names.sh builds this with rustc (v0 symbol
// mangling, which keeps generic arguments) and profiles it: a generic
// method instantiated on the prelude's types and a closure, whose name is
// longer than a report shows whole, and a trait's method implemented for
// one of the prelude's types.

pub mod inventory {
    pub mod storage {
        pub struct Registry<K, V> {
            pub items: Vec<(K, V)>,
        }

        impl<K, V> Registry<K, V> {
            #[inline(never)]
            pub fn insert_with<F: FnOnce() -> V>(&mut self, k: K, f: F) {
                let v = f();
                self.items.reserve_exact(4); /* site: insert_with */
                self.items.push((k, v));
            }
        }
    }

    #[inline(never)]
    pub fn fill(r: &mut storage::Registry<String, Option<Vec<String>>>) {
        for i in 0..3 {
            r.insert_with(format!("key {}", i), || None);
        }
    }
}

pub trait Summary {
    fn summary(&self) -> String;
}

impl Summary for Option<Vec<String>> {
    #[inline(never)]
    fn summary(&self) -> String {
        let mut s = String::with_capacity(700); /* site: summary */
        for x in self.iter().flatten() {
            s.push_str(x);
        }
        s
    }
}

fn main() {
    let mut r = inventory::storage::Registry { items: Vec::new() };
    inventory::fill(&mut r);
    let v = Some(vec![String::from("a"), String::from("b")]);
    println!("{} {}", r.items.len(), v.summary().len());
}
