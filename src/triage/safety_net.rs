//! The learned safety net: a small linear model over hashed character n-grams that says how
//! much a message reads like the critical reports of the tuning corpus.
//!
//! It only ever lifts: where it scores a message at or above its threshold and the rules set a
//! level below critical, the level goes up one step (see `assess_readings`), with the reason
//! "the wording resembles critical reports" and the ids of the closest critical training
//! examples (ids only, never their words). It never lowers a level the rules set.
//!
//! Hand-written rather than a crate (see docs/decisions.md): logistic regression by plain SGD
//! is ~100 lines, and the maintained crates (linfa-logistic) bring ndarray, argmin and their
//! trees into a build shared by seven engineers on two cores.
//!
//! Features: the text as triage reads it (Zawgyi converted, folded: `normalize::prepare`),
//! every run of 2, 3 and 4 characters (whitespace collapsed), hashed (FNV-1a) into `DIMS`
//! buckets, present or not, scaled to unit length. Character n-grams need no word splitting,
//! which Thai, Lao, Khmer, Burmese and Chinese lack. Training is deterministic: a fixed seed
//! shuffles the examples, and the arithmetic runs in one order.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use serde::{Deserialize, Serialize};

use super::normalize::prepare;

/// Hash buckets (2^16). Collisions cost little for a linear model on ~700 reports.
pub const DIMS: usize = 1 << 16;
const NGRAMS: [usize; 3] = [2, 3, 4];
/// MinHash functions for "the closest training examples".
const MINHASHES: usize = 32;
/// How many closest examples an explanation names.
pub const CLOSEST: usize = 3;

/// One labelled training example: its id, its text and whether the rubric calls it critical.
pub struct Example<'a> {
    pub id: &'a str,
    pub text: &'a str,
    pub critical: bool,
}

/// How the model is trained (the defaults are what ships).
#[derive(Debug, Clone, Copy)]
pub struct Training {
    pub seed: u64,
    pub epochs: usize,
    pub learning_rate: f32,
    pub l2: f32,
    /// Score at or above which the net lifts (chosen by cross-validation on the tuning part).
    pub threshold: f32,
}

impl Default for Training {
    fn default() -> Training {
        Training {
            seed: 20261206,
            // Chosen by 5-fold cross-validation on the tuning part (docs/triage.md).
            epochs: 40,
            learning_rate: 4.0,
            l2: 1e-5,
            threshold: 0.42,
        }
    }
}

/// A critical training example, kept as a MinHash signature of its n-grams: enough to say which
/// examples a message is closest to, not enough to read back the text.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Landmark {
    pub id: String,
    /// `MINHASHES` u32 values, little-endian, base64.
    pub minhash: String,
}

/// The model as shipped in `config/triage/safety_net.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SafetyNet {
    /// Names the weights; part of the stored readings' version, so a retrained net reads again.
    pub version: String,
    /// How the file was made (for people; not read).
    pub trained_on: String,
    pub seed: u64,
    pub threshold: f32,
    pub bias: f32,
    /// Weights are stored as i16 times `scale`.
    pub scale: f32,
    /// `DIMS` i16 values, little-endian, base64.
    pub weights: String,
    pub landmarks: Vec<Landmark>,
    #[serde(skip)]
    decoded: Vec<f32>,
    #[serde(skip)]
    decoded_landmarks: Vec<(String, [u32; MINHASHES])>,
}

/// What the net made of one message: its score and, when it lifts, the closest critical
/// training examples.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resemblance {
    pub score: f32,
    /// Ids of the closest critical training examples (filled only at or above the threshold).
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

impl SafetyNet {
    /// Trains on the examples: logistic regression by SGD, the examples shuffled each epoch
    /// with a fixed seed, so the same examples always give the same file.
    pub fn train(examples: &[Example<'_>], training: Training, trained_on: &str) -> SafetyNet {
        let data: Vec<((Vec<usize>, f32), f32)> = examples
            .iter()
            .map(|e| {
                (
                    features(&ngram_hashes(e.text)),
                    if e.critical { 1.0 } else { 0.0 },
                )
            })
            .collect();
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
                let ((idx, value), label) = &data[i];
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
        let landmarks: Vec<Landmark> = examples
            .iter()
            .filter(|e| e.critical)
            .map(|e| Landmark {
                id: e.id.to_owned(),
                minhash: B64.encode(
                    minhash(&ngram_hashes(e.text))
                        .iter()
                        .flat_map(|v| v.to_le_bytes())
                        .collect::<Vec<u8>>(),
                ),
            })
            .collect();
        let weights = B64.encode(&quantized);
        let version = format!(
            "net-{:016x}",
            fnv(weights
                .bytes()
                .map(u32::from)
                .chain(bias.to_bits().to_le_bytes().map(u32::from)))
        );
        let mut net = SafetyNet {
            version,
            trained_on: trained_on.to_owned(),
            seed: training.seed,
            threshold: training.threshold,
            bias,
            scale,
            weights,
            landmarks,
            decoded: Vec::new(),
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
        let bytes = B64
            .decode(&self.weights)
            .map_err(|e| format!("weights: {e}"))?;
        if bytes.len() != DIMS * 2 {
            return Err(format!(
                "weights: {} values, expected {DIMS}",
                bytes.len() / 2
            ));
        }
        self.decoded = bytes
            .chunks_exact(2)
            .map(|b| f32::from(i16::from_le_bytes([b[0], b[1]])) * self.scale)
            .collect();
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
                Ok((l.id.clone(), sig))
            })
            .collect::<Result<_, String>>()?;
        Ok(())
    }

    /// The probability the model gives that the text is a critical report.
    pub fn score(&self, text: &str) -> f32 {
        self.score_hashes(&ngram_hashes(text))
    }

    fn score_hashes(&self, hashes: &[u64]) -> f32 {
        let (idx, value) = features(hashes);
        let z = self.bias
            + idx
                .iter()
                .map(|j| self.decoded.get(*j).copied().unwrap_or(0.0))
                .sum::<f32>()
                * value;
        sigmoid(z)
    }

    /// Reads one message: its score, and the closest critical examples when it lifts.
    pub fn read(&self, text: &str) -> Resemblance {
        self.read_folded(&prepare(text).folded)
    }

    /// `read` on a text already folded by `normalize::prepare`.
    pub fn read_folded(&self, folded: &[char]) -> Resemblance {
        let hashes = ngram_hashes_folded(folded);
        let score = self.score_hashes(&hashes);
        let closest = if score >= self.threshold {
            self.closest(&hashes)
        } else {
            Vec::new()
        };
        Resemblance { score, closest }
    }

    /// The ids of the critical training examples whose n-grams overlap most (MinHash).
    fn closest(&self, hashes: &[u64]) -> Vec<String> {
        let sig = minhash(hashes);
        let mut ranked: Vec<(usize, &str)> = self
            .decoded_landmarks
            .iter()
            .map(|(id, other)| {
                (
                    sig.iter().zip(other).filter(|(a, b)| a == b).count(),
                    id.as_str(),
                )
            })
            .collect();
        // Most overlap first; ties by id, so the explanation is stable.
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
                critical: true,
            },
            Example {
                id: "c-2",
                text: "he has a knife and says he will kill my sister tonight",
                critical: true,
            },
            Example {
                id: "c-3",
                text: "locked in, they beat us every night, help",
                critical: true,
            },
            Example {
                id: "n-1",
                text: "is a border pass ok for working in mae sot?",
                critical: false,
            },
            Example {
                id: "n-2",
                text: "my loan from the bank is too high, what can I do",
                critical: false,
            },
            Example {
                id: "n-3",
                text: "hello, this is a test message",
                critical: false,
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
        assert!(read.score >= loaded.threshold);
        assert!(!read.closest.is_empty() && read.closest.len() <= CLOSEST);
        assert!(read.closest.iter().all(|id| id.starts_with("c-")));
    }

    #[test]
    fn the_shipped_net_loads_and_names_its_training_examples_by_id() {
        let text = std::fs::read_to_string("config/triage/safety_net.json").unwrap();
        let net = SafetyNet::from_json(&text).unwrap();
        assert!(net.threshold > 0.0 && net.threshold < 1.0);
        assert!(!net.landmarks.is_empty());
        // Ids of the tuning corpus ("th-017"), never words of a report.
        assert!(
            net.landmarks
                .iter()
                .all(|l| l.id.len() <= 12 && !l.id.contains(' '))
        );
    }

    #[test]
    fn a_broken_file_is_refused_with_the_reason() {
        let mut net = SafetyNet::train(&examples(), Training::default(), "test");
        net.weights = B64.encode([0u8; 10]);
        let err = SafetyNet::from_json(&net.to_json()).unwrap_err();
        assert!(err.contains("weights"), "{err}");
    }
}
