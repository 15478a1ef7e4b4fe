//! Reading a multi-host `DATABASE_URL` the way libpq does
//! (`postgres://user@primary:5432,standby:5432/hotline?target_session_attrs=read-write`):
//! sqlx takes one host only, so the list is split here into one single-host URL per host, in
//! order, and `target_session_attrs` is taken out and kept as the rule for choosing among them.
//! Pure: no connection is made here.

/// Which server a session may use (libpq's `target_session_attrs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionAttrs {
    /// `any` (libpq's default): the first host that answers.
    Any,
    /// `read-write` or `primary`: the first host that accepts writes (not a standby, not
    /// `default_transaction_read_only`).
    ReadWrite,
}

/// The hosts of a database URL, each as a single-host URL, in the order given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseHosts {
    pub urls: Vec<String>,
    pub attrs: SessionAttrs,
}

impl DatabaseHosts {
    pub fn is_multi_host(&self) -> bool {
        self.urls.len() > 1
    }
}

/// Splits `scheme://[userinfo@]host[:port][,host[:port]...][/db][?query]`. A single-host URL
/// comes back as itself (without `target_session_attrs`). The error names the problem, never
/// the URL (it may carry a password).
pub fn split_hosts(url: &str) -> Result<DatabaseHosts, String> {
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| "database.url is not a URL (postgres://...)".to_owned())?;
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let (userinfo, host_list) = match authority.rfind('@') {
        Some(at) => (&authority[..=at], &authority[at + 1..]),
        None => ("", authority),
    };
    let (path, query) = match tail.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (tail, None),
    };
    let mut attrs = SessionAttrs::Any;
    let mut kept = Vec::new();
    for pair in query.into_iter().flat_map(|q| q.split('&')) {
        match pair.split_once('=') {
            Some(("target_session_attrs", value)) => {
                attrs = match value {
                    "any" => SessionAttrs::Any,
                    "read-write" | "primary" => SessionAttrs::ReadWrite,
                    _ => {
                        return Err(
                            "database.url: target_session_attrs must be any, read-write or primary"
                                .to_owned(),
                        );
                    }
                }
            }
            _ if pair.is_empty() => {}
            _ => kept.push(pair),
        }
    }
    let query = if kept.is_empty() {
        String::new()
    } else {
        format!("?{}", kept.join("&"))
    };
    let hosts: Vec<&str> = host_list.split(',').collect();
    if hosts.len() > 1 && hosts.iter().any(|h| h.is_empty()) {
        return Err("database.url: an empty host in the host list".to_owned());
    }
    Ok(DatabaseHosts {
        urls: hosts
            .iter()
            .map(|host| format!("{scheme}://{userinfo}{host}{path}{query}"))
            .collect(),
        attrs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_single_host_url_is_itself() {
        let hosts = split_hosts("postgres://u:p@db:5432/hotline?sslmode=require").unwrap();
        assert_eq!(
            hosts.urls,
            ["postgres://u:p@db:5432/hotline?sslmode=require"]
        );
        assert_eq!(hosts.attrs, SessionAttrs::Any);
        assert!(!hosts.is_multi_host());
    }

    #[test]
    fn a_host_list_becomes_one_url_per_host_in_order_with_the_same_user_database_and_options() {
        let hosts = split_hosts(
            "postgresql://hot%40line:p%2Cw@10.0.0.1:5432,10.0.0.2:5433/hotline?sslmode=require&target_session_attrs=read-write",
        )
        .unwrap();
        assert_eq!(
            hosts.urls,
            [
                "postgresql://hot%40line:p%2Cw@10.0.0.1:5432/hotline?sslmode=require",
                "postgresql://hot%40line:p%2Cw@10.0.0.2:5433/hotline?sslmode=require",
            ]
        );
        assert_eq!(hosts.attrs, SessionAttrs::ReadWrite);
        assert!(hosts.is_multi_host());
    }

    #[test]
    fn primary_means_read_write_and_any_is_the_default() {
        let primary = split_hosts("postgres://a,b/h?target_session_attrs=primary").unwrap();
        assert_eq!(primary.attrs, SessionAttrs::ReadWrite);
        assert_eq!(primary.urls, ["postgres://a/h", "postgres://b/h"]);
        let any = split_hosts("postgres://a,b?target_session_attrs=any").unwrap();
        assert_eq!(any.attrs, SessionAttrs::Any);
        assert_eq!(any.urls, ["postgres://a", "postgres://b"]);
    }

    #[test]
    fn an_unknown_session_attribute_or_an_empty_host_is_refused_without_echoing_the_url() {
        let err =
            split_hosts("postgres://u:secret@a,b/h?target_session_attrs=standby").unwrap_err();
        assert!(!err.contains("secret"));
        assert!(split_hosts("postgres://u:secret@a,,b/h").is_err());
        assert!(split_hosts("not a url").is_err());
    }
}
