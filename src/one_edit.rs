//! Test bodies one edit away from a seed, for checks that a fast reader and the reader it
//! stands in for agree on every nearly-right input (`mcp::direct`, `halo::records::wire`).

/// Every prefix of `seed`, `seed` with one byte left out, and `seed` with one of `inserted`
/// put in at each position.
pub fn variants(seed: &[u8], inserted: &[u8]) -> Vec<Vec<u8>> {
    let mut bodies = Vec::new();
    for at in 0..=seed.len() {
        bodies.push(seed[..at].to_vec());
        if at < seed.len() {
            let mut left_out = seed.to_vec();
            left_out.remove(at);
            bodies.push(left_out);
        }
        for &byte in inserted {
            let mut put_in = seed.to_vec();
            put_in.insert(at, byte);
            bodies.push(put_in);
        }
    }
    bodies
}
