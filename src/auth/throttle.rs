//! Sign-in throttling, pure: failures (never successes) are counted per address typed (trimmed,
//! lowercased, so " a@x" and "A@x " are one account) and per client address; past a free number
//! of failures each further attempt must wait a delay that doubles with every failure, up to a
//! cap. An attacker is slowed to a crawl; the counselor is never locked out for good, and a
//! correct password resets the account's count.

use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};

/// The key an email address is counted under.
pub fn email_key(email: &str) -> String {
    email.trim().to_lowercase()
}

/// When the next attempt may be heard, given the failures so far and the last one's time.
pub fn next_attempt_at(
    failures: u64,
    last_failure: Option<DateTime<Utc>>,
    free: u64,
    base_seconds: i64,
    max_seconds: i64,
) -> Option<DateTime<Utc>> {
    let last = last_failure?;
    if failures < free {
        return None;
    }
    let doublings = u32::try_from(failures - free).unwrap_or(u32::MAX).min(30);
    let delay = base_seconds
        .saturating_mul(1_i64 << doublings)
        .min(max_seconds);
    Some(last + Duration::seconds(delay))
}

/// One trusted proxy: an address, or a network in CIDR form (`10.0.0.0/8`, `fd00::/8`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Network {
    addr: IpAddr,
    prefix: u8,
}

impl Network {
    pub fn parse(raw: &str) -> Option<Network> {
        let (addr, prefix) = match raw.trim().split_once('/') {
            Some((a, p)) => (a.parse::<IpAddr>().ok()?, Some(p.parse::<u8>().ok()?)),
            None => (raw.trim().parse::<IpAddr>().ok()?, None),
        };
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        (prefix <= max).then_some(Network { addr, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let bits = |ip: IpAddr| -> (u128, u8) {
            match ip {
                IpAddr::V4(v4) => (u128::from(u32::from(v4)) << 96, 32),
                IpAddr::V6(v6) => (u128::from(v6), 128),
            }
        };
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        let ((a, a_len), (b, b_len)) = (bits(self.addr), bits(ip));
        if a_len != b_len {
            return false;
        }
        let mask = if self.prefix == 0 {
            0
        } else {
            u128::MAX << (128 - u32::from(self.prefix))
        };
        a & mask == b & mask
    }
}

/// The client's address: the peer, unless the peer is a trusted proxy; then the right-most
/// address in `X-Forwarded-For` that is not a trusted proxy (the left part is the client's to
/// write, so it is never believed).
pub fn client_address(
    peer: Option<IpAddr>,
    forwarded_for: Option<&str>,
    trusted: &[Network],
) -> Option<IpAddr> {
    let peer = peer?;
    let is_trusted = |ip: IpAddr| trusted.iter().any(|n| n.contains(ip));
    if !is_trusted(peer) {
        return Some(peer);
    }
    let mut chain: Vec<IpAddr> = forwarded_for
        .unwrap_or("")
        .split(',')
        .filter_map(|p| p.trim().parse::<IpAddr>().ok())
        .collect();
    while let Some(ip) = chain.pop() {
        if !is_trusted(ip) {
            return Some(ip);
        }
    }
    Some(peer)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + s, 0).unwrap()
    }

    #[test]
    fn spaces_and_capitals_do_not_make_a_new_account_to_count() {
        assert_eq!(email_key(" A@X.org "), email_key("a@x.org"));
    }

    #[test]
    fn failures_past_the_free_ones_wait_a_doubling_delay_up_to_the_cap() {
        assert_eq!(next_attempt_at(3, Some(at(0)), 5, 2, 60), None);
        assert_eq!(next_attempt_at(5, Some(at(0)), 5, 2, 60), Some(at(2)));
        assert_eq!(next_attempt_at(6, Some(at(0)), 5, 2, 60), Some(at(4)));
        assert_eq!(next_attempt_at(9, Some(at(0)), 5, 2, 60), Some(at(32)));
        assert_eq!(next_attempt_at(500, Some(at(0)), 5, 2, 60), Some(at(60)));
        assert_eq!(next_attempt_at(9, None, 5, 2, 60), None);
    }

    #[test]
    fn only_a_trusted_proxy_may_name_the_client() {
        let trusted = vec![Network::parse("10.0.0.0/8").unwrap()];
        let proxy: IpAddr = "10.1.2.3".parse().unwrap();
        let outsider: IpAddr = "203.0.113.9".parse().unwrap();
        // An untrusted peer's header is ignored.
        assert_eq!(
            client_address(Some(outsider), Some("1.1.1.1"), &trusted),
            Some(outsider)
        );
        // Behind the proxy: the right-most untrusted address; a forged left part is ignored.
        assert_eq!(
            client_address(
                Some(proxy),
                Some("1.1.1.1, 198.51.100.7, 10.0.0.5"),
                &trusted
            ),
            Some("198.51.100.7".parse().unwrap())
        );
        assert_eq!(client_address(Some(proxy), None, &trusted), Some(proxy));
        assert!(
            Network::parse("::1")
                .unwrap()
                .contains("::1".parse().unwrap())
        );
        assert!(
            !Network::parse("10.0.0.0/8")
                .unwrap()
                .contains("11.0.0.1".parse().unwrap())
        );
        assert!(Network::parse("10.0.0.0/33").is_none());
    }
}
