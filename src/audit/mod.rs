//! The audit log's integrity and its reads: the keyed-hash chain that makes it tamper-evident
//! (`chain`, `hotline audit verify`), the read audit (`reads`: who saw which personal data,
//! when, why) and the supervisors' search (`search`).

pub mod chain;
pub mod reads;
pub mod search;
