//! The learned safety net: small linear models over hashed character n-grams that say how much
//! a message reads like the reports of the tuning corpus at each level.
//!
//! Three heads, one per level above low (ordinal: "critical", "high or above", "medium or
//! above"), each a logistic regression with its own threshold. A message *reads as* the highest
//! level whose head scores at or above its threshold. It only ever lifts: where a message reads
//! as a level above the one the rules set, the level goes up one step (see `assess_readings`),
//! with the reason "the wording resembles critical (high, medium) reports" and the ids of the
//! closest training examples at that level or above (ids only, never their words). It never
//! lowers a level the rules set.
//!
//! Hand-written rather than a crate (see docs/decisions.md): logistic regression by plain SGD
//! is ~100 lines, and the maintained crates (linfa-logistic) bring ndarray, argmin and their
//! trees into a build shared by seven engineers on two cores.
//!
//! Features: the text as triage reads it (Zawgyi converted, folded: `normalize::prepare`),
//! every run of 2, 3, 4 and 5 characters (whitespace collapsed), every word and pair of
//! neighbouring words, hashed (FNV-1a) into `DIMS` buckets, present or not, scaled to unit
//! length. Character n-grams need no word splitting,
//! which Thai, Lao, Khmer, Burmese and Chinese lack. Training is deterministic: a fixed seed
//! shuffles the examples, and the arithmetic runs in one order.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use serde::{Deserialize, Serialize};

use super::normalize::prepare;
use crate::domain::Level;

/// Hash buckets (2^16). Collisions cost little for a linear model on ~700 reports.
pub const DIMS: usize = 1 << 16;
const NGRAMS: [usize; 4] = [2, 3, 4, 5];
/// Told apart from the n-grams in the hash (an n-gram's tag is its length).
const WORD_TAG: u32 = 100;
const PAIR_TAG: u32 = 101;
/// MinHash functions for "the closest training examples".
const MINHASHES: usize = 32;
/// How many closest examples an explanation names.
pub const CLOSEST: usize = 3;

/// One labelled training example: its id, its text and the rubric's level.
pub struct Example<'a> {
    pub id: &'a str,
    pub text: &'a str,
    pub level: Level,
}

/// The levels the heads stand for, highest first: each head predicts "this level or above".
pub const HEAD_LEVELS: [Level; 3] = [Level::Critical, Level::High, Level::Medium];

/// How the model is trained (the defaults are what ships).
#[derive(Debug, Clone, Copy)]
pub struct Training {
    pub seed: u64,
    pub epochs: usize,
    pub learning_rate: f32,
    pub l2: f32,
    /// Scores at or above which each head lifts, in `HEAD_LEVELS` order (critical, high or
    /// above, medium or above), chosen by cross-validation on the tuning part. Above 1 a head
    /// never lifts.
    pub thresholds: [f32; 3],
}

impl Default for Training {
    fn default() -> Training {
        Training {
            seed: 20261206,
            // Chosen by 5-fold cross-validation on the tuning part (docs/triage.md).
            epochs: 40,
            learning_rate: 4.0,
            l2: 1e-5,
            // The shipped net's thresholds (critical 0.30, high or above 0.64; docs/triage.md),
            // so `hotline triage train` with no thresholds rebuilds the shipped file.
            thresholds: [0.30, 0.64, 2.0],
        }
    }
}

/// A training example above low, kept as a MinHash signature of its n-grams: enough to say
/// which examples a message is closest to, not enough to read back the text.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Landmark {
    pub id: String,
    /// The example's level (a lift names examples at the level it lifts to, or above).
    #[serde(default = "critical")]
    pub level: Level,
    /// `MINHASHES` u32 values, little-endian, base64.
    pub minhash: String,
}

fn critical() -> Level {
    Level::Critical
}

/// One head: the probability that a message is a report at `level` or above.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Head {
    pub level: Level,
    /// Score at or above which the message reads as this level.
    pub threshold: f32,
    pub bias: f32,
    /// Weights are stored as i16 times `scale`.
    pub scale: f32,
    /// `DIMS` i16 values, little-endian, base64.
    pub weights: String,
    #[serde(skip)]
    decoded: Vec<f32>,
}

/// The model as shipped in `config/triage/safety_net.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SafetyNet {
    /// Names the weights; part of the stored readings' version, so a retrained net reads again.
    pub version: String,
    /// How the file was made (for people; not read).
    pub trained_on: String,
    pub seed: u64,
    /// In `HEAD_LEVELS` order: critical, high or above, medium or above.
    pub heads: Vec<Head>,
    pub landmarks: Vec<Landmark>,
    #[serde(skip)]
    decoded_landmarks: Vec<(String, Level, [u32; MINHASHES])>,
}

/// What the net made of one message: its critical score, the highest level it reads as, and,
/// when it reads as some level, the closest training examples at that level or above.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resemblance {
    /// The critical head's score.
    pub score: f32,
    /// The highest level whose head scores at or above its threshold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reads_as: Option<Level>,
    /// Ids of the closest training examples at `reads_as` or above.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub closest: Vec<String>,
}

// A score is a sigmoid of finite weights: never NaN, so equality is total.
impl Eq for Resemblance {}

fn fnv(bytes: impl IntoIterator<Item = u32>) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The hashed n-grams of a text (full 64-bit hashes, sorted, deduplicated).
pub fn ngram_hashes(text: &str) -> Vec<u64> {
    ngram_hashes_folded(&prepare(text).folded)
}

/// The hashed n-grams of a text already folded by `normalize::prepare` (triage reads each
/// message once, and the net reads the same folded characters).
pub fn ngram_hashes_folded(folded: &[char]) -> Vec<u64> {
    let mut chars: Vec<char> = Vec::with_capacity(folded.len() + 2);
    chars.push(' ');
    for &c in folded {
        let c = if c.is_whitespace() { ' ' } else { c };
        if !(c == ' ' && chars.last() == Some(&' ')) {
            chars.push(c);
        }
    }
    if chars.last() != Some(&' ') {
        chars.push(' ');
    }
    let mut out = Vec::new();
    for n in NGRAMS {
        for window in chars.windows(n) {
            if window.iter().all(|c| *c == ' ') {
                continue;
            }
            out.push(fnv(window.iter().map(|c| *c as u32).chain([n as u32])));
        }
    }
    // Whole words and pairs of words, where the script has spaces ("let me go", "not let");
    // in unspaced scripts a "word" is a run between spaces and punctuation, hashed all the same.
    let text: String = chars.iter().collect();
    let words: Vec<&str> = text
        .split(|c: char| !crate::chars::is_alphanumeric(c))
        .filter(|w| !w.is_empty())
        .collect();
    for w in &words {
        out.push(fnv(w.chars().map(|c| c as u32).chain([WORD_TAG])));
    }
    for pair in words.windows(2) {
        out.push(fnv(pair[0]
            .chars()
            .chain([' '])
            .chain(pair[1].chars())
            .map(|c| c as u32)
            .chain([PAIR_TAG])));
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Sparse unit-length feature vector: bucket indices (sorted, deduplicated) and one value.
fn features(hashes: &[u64]) -> (Vec<usize>, f32) {
    let mut idx: Vec<usize> = hashes.iter().map(|h| (*h % DIMS as u64) as usize).collect();
    idx.sort_unstable();
    idx.dedup();
    let value = if idx.is_empty() {
        0.0
    } else {
        1.0 / (idx.len() as f32).sqrt()
    };
    (idx, value)
}

fn minhash(hashes: &[u64]) -> [u32; MINHASHES] {
    let mut sig = [u32::MAX; MINHASHES];
    for h in hashes {
        for (i, slot) in sig.iter_mut().enumerate() {
            let v = splitmix(*h ^ (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)) as u32;
            *slot = (*slot).min(v);
        }
    }
    sig
}

fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

/// Trains one head: logistic regression by SGD on "level or above", the examples shuffled
/// each epoch with a fixed seed.
fn train_head(
    data: &[((Vec<usize>, f32), Level)],
    level: Level,
    threshold: f32,
    training: &Training,
) -> Head {
    let mut weights = vec![0f32; DIMS];
    let mut bias = 0f32;
    let mut order: Vec<usize> = (0..data.len()).collect();
    let mut state = training.seed;
    let mut step = 0usize;
    for _ in 0..training.epochs {
        // Fisher-Yates with splitmix: the same seed, the same order.
        for i in (1..order.len()).rev() {
            state = splitmix(state);
            order.swap(i, (state % (i as u64 + 1)) as usize);
        }
        for &i in &order {
            let ((idx, value), example_level) = &data[i];
            let label = if *example_level >= level { 1.0 } else { 0.0 };
            let z = bias + idx.iter().map(|j| weights[*j]).sum::<f32>() * value;
            let lr = training.learning_rate / (1.0 + step as f32 * 1e-3);
            step += 1;
            let g = sigmoid(z) - label;
            bias -= lr * g;
            for j in idx {
                weights[*j] -= lr * (g * value + training.l2 * weights[*j]);
            }
        }
    }
    let max = weights.iter().fold(0f32, |m, w| m.max(w.abs()));
    let scale = if max > 0.0 { max / 32767.0 } else { 1.0 };
    let quantized: Vec<u8> = weights
        .iter()
        .flat_map(|w| ((w / scale).round() as i16).to_le_bytes())
        .collect();
    let decoded = quantized
        .chunks_exact(2)
        .map(|b| f32::from(i16::from_le_bytes([b[0], b[1]])) * scale)
        .collect();
    Head {
        level,
        threshold,
        bias,
        scale,
        weights: B64.encode(&quantized),
        decoded,
    }
}

impl Head {
    fn score(&self, idx: &[usize], value: f32) -> f32 {
        let z = self.bias
            + idx
                .iter()
                .map(|j| self.decoded.get(*j).copied().unwrap_or(0.0))
                .sum::<f32>()
                * value;
        sigmoid(z)
    }
}

impl SafetyNet {
    /// Trains on the examples: one logistic regression by SGD per head, the examples shuffled
    /// each epoch with a fixed seed, so the same examples always give the same file.
    pub fn train(examples: &[Example<'_>], training: Training, trained_on: &str) -> SafetyNet {
        let data: Vec<((Vec<usize>, f32), Level)> = examples
            .iter()
            .map(|e| (features(&ngram_hashes(e.text)), e.level))
            .collect();
        // A head that never lifts (threshold above 1) is not shipped; the critical head always is.
        let heads: Vec<Head> = HEAD_LEVELS
            .iter()
            .zip(training.thresholds)
            .filter(|(level, threshold)| **level == Level::Critical || *threshold <= 1.0)
            .map(|(level, threshold)| train_head(&data, *level, threshold, &training))
            .collect();
        let landmarks: Vec<Landmark> = examples
            .iter()
            .filter(|e| e.level > Level::Low)
            .map(|e| Landmark {
                id: e.id.to_owned(),
                level: e.level,
                minhash: B64.encode(
                    minhash(&ngram_hashes(e.text))
                        .iter()
                        .flat_map(|v| v.to_le_bytes())
                        .collect::<Vec<u8>>(),
                ),
            })
            .collect();
        let version = format!(
            "net-{:016x}",
            fnv(heads.iter().flat_map(|h| {
                h.weights
                    .bytes()
                    .map(u32::from)
                    .chain(h.bias.to_bits().to_le_bytes().map(u32::from))
                    // A stored reading records what the message reads as, which the
                    // thresholds decide: other thresholds, another version.
                    .chain(h.threshold.to_bits().to_le_bytes().map(u32::from))
                    .collect::<Vec<u32>>()
            }))
        );
        let mut net = SafetyNet {
            version,
            trained_on: trained_on.to_owned(),
            seed: training.seed,
            heads,
            landmarks,
            decoded_landmarks: Vec::new(),
        };
        // What was just encoded decodes; the model then scores exactly as the shipped file.
        net.decode().unwrap_or_default();
        net
    }

    /// Reads a shipped model, checking that its weights and landmarks decode.
    pub fn from_json(json: &str) -> Result<SafetyNet, String> {
        let mut net: SafetyNet = serde_json::from_str(json).map_err(|e| e.to_string())?;
        net.decode()?;
        Ok(net)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    fn decode(&mut self) -> Result<(), String> {
        if self.heads.first().map(|h| h.level) != Some(Level::Critical) {
            return Err("heads: the first head must be the critical one".to_owned());
        }
        for head in &mut self.heads {
            let bytes = B64
                .decode(&head.weights)
                .map_err(|e| format!("weights ({}): {e}", head.level.as_str()))?;
            if bytes.len() != DIMS * 2 {
                return Err(format!(
                    "weights ({}): {} values, expected {DIMS}",
                    head.level.as_str(),
                    bytes.len() / 2
                ));
            }
            head.decoded = bytes
                .chunks_exact(2)
                .map(|b| f32::from(i16::from_le_bytes([b[0], b[1]])) * head.scale)
                .collect();
        }
        self.decoded_landmarks = self
            .landmarks
            .iter()
            .map(|l| {
                let bytes = B64
                    .decode(&l.minhash)
                    .map_err(|e| format!("landmark {}: {e}", l.id))?;
                let mut sig = [0u32; MINHASHES];
                if bytes.len() != MINHASHES * 4 {
                    return Err(format!("landmark {}: wrong length", l.id));
                }
                for (slot, b) in sig.iter_mut().zip(bytes.chunks_exact(4)) {
                    *slot = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
                }
                Ok((l.id.clone(), l.level, sig))
            })
            .collect::<Result<_, String>>()?;
        // In id order (stable: equal ids keep the file's order), so `closest` breaks ties by
        // position instead of comparing ids.
        self.decoded_landmarks.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(())
    }

    /// The critical head's threshold.
    pub fn threshold(&self) -> f32 {
        self.heads.first().map_or(f32::INFINITY, |h| h.threshold)
    }

    /// The probability the model gives that the text is a critical report.
    pub fn score(&self, text: &str) -> f32 {
        self.scores(text)[0]
    }

    /// Every head's score for the text, in `HEAD_LEVELS` order.
    pub fn scores(&self, text: &str) -> Vec<f32> {
        let (idx, value) = features(&ngram_hashes(text));
        self.heads.iter().map(|h| h.score(&idx, value)).collect()
    }

    /// Reads one message: its score, and the closest critical examples when it lifts.
    pub fn read(&self, text: &str) -> Resemblance {
        self.read_folded(&prepare(text).folded)
    }

    /// `read` on a text already folded by `normalize::prepare`.
    pub fn read_folded(&self, folded: &[char]) -> Resemblance {
        let hashes = ngram_hashes_folded(folded);
        let (idx, value) = features(&hashes);
        let scores: Vec<f32> = self.heads.iter().map(|h| h.score(&idx, value)).collect();
        // Heads run from critical down: the first that fires is the highest level.
        let reads_as = self
            .heads
            .iter()
            .zip(&scores)
            .find(|(h, s)| **s >= h.threshold)
            .map(|(h, _)| h.level);
        let closest = match reads_as {
            Some(level) => self.closest(&hashes, level),
            None => Vec::new(),
        };
        Resemblance {
            score: scores.first().copied().unwrap_or(0.0),
            reads_as,
            closest,
        }
    }

    /// The ids of the training examples at `level` or above whose n-grams overlap most
    /// (MinHash): most overlap first, ties by id, so the explanation is stable.
    ///
    /// One pass keeping the best `CLOSEST` (issue 18: sorting every landmark was about a fifth
    /// of a phone report's instructions). The landmarks are in id order (`decode`), so a later
    /// one goes before a kept one only with strictly more overlap: the same ids, in the same
    /// order, as sorting all of them by (overlap descending, id) and taking the first.
    fn closest(&self, hashes: &[u64], level: Level) -> Vec<String> {
        let sig = minhash(hashes);
        let mut best: Vec<(usize, &str)> = Vec::with_capacity(CLOSEST + 1);
        for (id, l, other) in &self.decoded_landmarks {
            if *l < level {
                continue;
            }
            let overlap = sig.iter().zip(other).filter(|(a, b)| a == b).count();
            if best.len() == CLOSEST && best.last().is_some_and(|(o, _)| overlap <= *o) {
                continue;
            }
            let at = best.partition_point(|(o, _)| *o >= overlap);
            best.insert(at, (overlap, id.as_str()));
            best.truncate(CLOSEST);
        }
        best.into_iter().map(|(_, id)| id.to_owned()).collect()
    }

    /// `closest` as it was written first (a sort of every landmark), for the test that the
    /// one-pass selection names the same examples.
    #[cfg(test)]
    fn closest_by_sorting(&self, hashes: &[u64], level: Level) -> Vec<String> {
        let sig = minhash(hashes);
        let mut ranked: Vec<(usize, &str)> = self
            .decoded_landmarks
            .iter()
            .filter(|(_, l, _)| *l >= level)
            .map(|(id, _, other)| {
                (
                    sig.iter().zip(other).filter(|(a, b)| a == b).count(),
                    id.as_str(),
                )
            })
            .collect();
        ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
        ranked
            .into_iter()
            .take(CLOSEST)
            .map(|(_, id)| id.to_owned())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn examples() -> Vec<Example<'static>> {
        vec![
            Example {
                id: "c-1",
                text: "they beat me and locked me in the room, please help",
                level: Level::Critical,
            },
            Example {
                id: "c-2",
                text: "he has a knife and says he will kill my sister tonight",
                level: Level::Critical,
            },
            Example {
                id: "c-3",
                text: "locked in, they beat us every night, help",
                level: Level::Critical,
            },
            Example {
                id: "n-1",
                text: "is a border pass ok for working in mae sot?",
                level: Level::Low,
            },
            Example {
                id: "n-2",
                text: "my loan from the bank is too high, what can I do",
                level: Level::Low,
            },
            Example {
                id: "n-3",
                text: "hello, this is a test message",
                level: Level::Low,
            },
        ]
    }

    #[test]
    fn training_twice_on_the_same_examples_gives_the_same_file() {
        let a = SafetyNet::train(&examples(), Training::default(), "test");
        let b = SafetyNet::train(&examples(), Training::default(), "test");
        assert_eq!(a.to_json(), b.to_json());
        let other_seed = Training {
            seed: 7,
            ..Training::default()
        };
        // The seed is recorded, so a file says how to make it again.
        assert_eq!(SafetyNet::train(&examples(), other_seed, "test").seed, 7);
    }

    #[test]
    fn the_shipped_file_scores_as_the_trained_model_and_names_critical_examples_only() {
        let net = SafetyNet::train(&examples(), Training::default(), "test");
        let loaded = SafetyNet::from_json(&net.to_json()).unwrap();
        let text = "they beat me, locked in the room";
        assert_eq!(net.score(text), loaded.score(text));
        assert!(loaded.score(text) > loaded.score("hello, is this a test?"));
        let read = loaded.read(text);
        assert!(read.score >= loaded.threshold());
        assert_eq!(read.reads_as, Some(Level::Critical));
        assert!(!read.closest.is_empty() && read.closest.len() <= CLOSEST);
        assert!(read.closest.iter().all(|id| id.starts_with("c-")));
    }

    #[test]
    fn the_shipped_net_loads_and_names_its_training_examples_by_id() {
        let text = std::fs::read_to_string("config/triage/safety_net.json").unwrap();
        let net = SafetyNet::from_json(&text).unwrap();
        assert!(net.threshold() > 0.0 && net.threshold() < 1.0);
        // The critical head first, then any lower heads that lift, highest first.
        assert_eq!(net.heads[0].level, Level::Critical);
        assert!(net.heads.windows(2).all(|w| w[0].level > w[1].level));
        assert!(!net.landmarks.is_empty());
        // Ids of the tuning corpus ("th-017"), never words of a report.
        assert!(
            net.landmarks
                .iter()
                .all(|l| l.id.len() <= 12 && !l.id.contains(' '))
        );
    }

    #[test]
    fn a_message_reads_as_the_highest_level_whose_head_fires_and_names_examples_at_that_level() {
        let mut examples = examples();
        examples.extend([
            Example {
                id: "h-1",
                text: "the agency keeps my passport and my salary is not paid",
                level: Level::High,
            },
            Example {
                id: "h-2",
                text: "boss keeps our passports, no salary for three months",
                level: Level::High,
            },
        ]);
        // Critical never fires (above 1); "high or above" always does (0).
        let net = SafetyNet::train(
            &examples,
            Training {
                thresholds: [1.5, 0.0, 2.0],
                ..Training::default()
            },
            "test",
        );
        assert_eq!(net.heads.len(), 2, "a head that never lifts is not shipped");
        let read = net.read("they keep my passport, salary not paid");
        assert_eq!(read.reads_as, Some(Level::High));
        // Examples at high or above: the high ones and the critical ones, never a low one.
        assert!(!read.closest.is_empty());
        assert!(
            read.closest.iter().all(|id| !id.starts_with("n-")),
            "{:?}",
            read.closest
        );
    }

    #[test]
    fn the_one_pass_choice_of_closest_examples_names_what_sorting_them_all_named() {
        let text = std::fs::read_to_string("config/triage/safety_net.json").unwrap();
        let net = SafetyNet::from_json(&text).unwrap();
        let mut texts: Vec<String> = vec![
            "Benchmark report: my sister works at a factory and they keep her ID card.".into(),
            "help".into(),
            String::new(),
        ];
        for file in ["dev", "en", "th", "my", "zh"] {
            let lines = std::fs::read_to_string(format!("tests/triage/{file}.jsonl")).unwrap();
            for line in lines.lines().take(25) {
                let v: serde_json::Value = serde_json::from_str(line).unwrap();
                texts.push(v["text"].as_str().unwrap_or_default().to_owned());
            }
        }
        for text in &texts {
            let hashes = ngram_hashes(text);
            for level in [Level::Critical, Level::High, Level::Medium, Level::Low] {
                assert_eq!(
                    net.closest(&hashes, level),
                    net.closest_by_sorting(&hashes, level),
                    "{level:?}"
                );
            }
        }
    }

    #[test]
    fn a_broken_file_is_refused_with_the_reason() {
        let mut net = SafetyNet::train(&examples(), Training::default(), "test");
        net.heads[1].weights = B64.encode([0u8; 10]);
        let err = SafetyNet::from_json(&net.to_json()).unwrap_err();
        assert!(err.contains("weights"), "{err}");
    }
}
