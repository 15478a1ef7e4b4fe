//! Letter and digit tests for the text paths that look at every character of a message
//! (language detection, triage's folding and word boundaries, the safety net's words).
//!
//! Why not `char::is_alphabetic` directly: for a character outside ASCII the standard library
//! searches a compressed table, and in this build that cost about 2,800 instructions per Thai
//! character (callgrind, docs/performance.md run 15): a fifth of a Telegram message's whole
//! request. Here each block of 256 code points in the Basic Multilingual Plane (every script
//! the hotline reads) is classified once, by the standard library itself, on first use; after
//! that a test is a bit lookup. Characters above the BMP fall back to the standard library.
//! The answers are the standard library's, for every character (tested below).

use std::sync::OnceLock;

/// Two bitsets over one block of 256 code points.
struct Block {
    alphabetic: [u64; 4],
    alphanumeric: [u64; 4],
}

const BMP_BLOCKS: usize = 0x1_0000 / 256;

static BLOCKS: [OnceLock<Block>; BMP_BLOCKS] = [const { OnceLock::new() }; BMP_BLOCKS];

fn block(c: char) -> Option<&'static Block> {
    let code = c as u32;
    let index = usize::try_from(code >> 8).ok()?;
    let cell = BLOCKS.get(index)?;
    Some(cell.get_or_init(|| {
        let mut block = Block {
            alphabetic: [0; 4],
            alphanumeric: [0; 4],
        };
        for low in 0..256u32 {
            // Surrogates are no chars: their bits stay clear, and no `char` can ask for them.
            let Some(ch) = char::from_u32(code & !0xFF | low) else {
                continue;
            };
            let (word, bit) = ((low / 64) as usize, low % 64);
            if ch.is_alphabetic() {
                block.alphabetic[word] |= 1 << bit;
            }
            if ch.is_alphanumeric() {
                block.alphanumeric[word] |= 1 << bit;
            }
        }
        block
    }))
}

fn bit(set: &[u64; 4], c: char) -> bool {
    let low = c as u32 & 0xFF;
    set[(low / 64) as usize] >> (low % 64) & 1 == 1
}

/// `char::is_alphabetic`, answered from a per-block cache.
pub fn is_alphabetic(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    match block(c) {
        Some(block) => bit(&block.alphabetic, c),
        None => c.is_alphabetic(),
    }
}

/// `char::is_alphanumeric`, answered from a per-block cache.
pub fn is_alphanumeric(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    match block(c) {
        Some(block) => bit(&block.alphanumeric, c),
        None => c.is_alphanumeric(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_character_gets_the_standard_librarys_answer() {
        for c in (0..=0x10_FFFF).filter_map(char::from_u32) {
            assert_eq!(is_alphabetic(c), c.is_alphabetic(), "{:?}", c as u32);
            assert_eq!(is_alphanumeric(c), c.is_alphanumeric(), "{:?}", c as u32);
        }
    }
}
