//! Asterisk Manager Interface (AMI): a line protocol over TCP. Each message is `Key: Value`
//! lines ended by an empty line. hotline logs in, reads queue and channel events, and turns the
//! ones that end a call into [`CallEvent`]s, keyed by the call's `Linkedid` (shared by the
//! caller's channel and every agent channel it reached), falling back to `Uniqueid`.
//!
//! - `QueueCallerJoin`: a caller waits in a queue (their number is remembered);
//! - `AgentConnect`: a counselor answered → `answered`, with the hold time;
//! - `QueueCallerAbandon`: the caller hung up while waiting → `abandoned`, with the hold time;
//! - `QueueCallerLeave`: the caller left the queue (answered or timed out; what follows says);
//! - `Hangup` of the caller's own channel with nobody having answered → `no_answer`.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::sync::mpsc;

use crate::{CallEvent, Outcome};

/// One AMI message: its lines in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Message(pub Vec<(String, String)>);

impl Message {
    /// A field by name (AMI names are case-insensitive).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
    }

    pub fn event(&self) -> Option<&str> {
        self.get("Event")
    }
}

/// Collects lines into messages.
#[derive(Debug, Default)]
pub struct Parser {
    current: Vec<(String, String)>,
}

impl Parser {
    /// Feeds one line (without its line ending). Returns a message when the line ends one.
    pub fn push_line(&mut self, line: &str) -> Option<Message> {
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            if self.current.is_empty() {
                return None;
            }
            return Some(Message(std::mem::take(&mut self.current)));
        }
        // A line without ": " (the greeting, or a command's free text) is kept under "".
        match line.split_once(':') {
            Some((k, v)) => self
                .current
                .push((k.trim().to_owned(), v.trim_start().to_owned())),
            None => self.current.push((String::new(), line.to_owned())),
        }
        None
    }
}

#[derive(Debug, Default, Clone)]
struct Call {
    caller: Option<String>,
    dialed: Option<String>,
    answered: bool,
    ended: bool,
}

/// Turns AMI events into call events, remembering each call by its `Linkedid`.
#[derive(Debug)]
pub struct Mapper {
    pbx: String,
    calls: HashMap<String, Call>,
}

impl Mapper {
    pub fn new(pbx: &str) -> Mapper {
        Mapper {
            pbx: pbx.to_owned(),
            calls: HashMap::new(),
        }
    }

    /// Calls being followed now.
    pub fn open_calls(&self) -> usize {
        self.calls.len()
    }

    /// The call event a message ends a call with, if any. `now` is used when the event has no
    /// `Timestamp` (AMI sends one with `timestampevents = yes`).
    pub fn map(&mut self, m: &Message, now: DateTime<Utc>) -> Option<CallEvent> {
        let event = m.event()?;
        let uniqueid = m.get("Uniqueid");
        let key = m.get("Linkedid").or(uniqueid)?.to_owned();
        let at = m
            .get("Timestamp")
            .and_then(|t| t.split('.').next())
            .and_then(|s| s.parse::<i64>().ok())
            .and_then(|s| DateTime::from_timestamp(s, 0))
            .unwrap_or(now);
        let hold = m.get("HoldTime").and_then(|h| h.parse().ok());
        let caller = m
            .get("CallerIDNum")
            .filter(|n| !n.is_empty() && *n != "<unknown>")
            .map(str::to_owned);
        match event {
            "QueueCallerJoin" | "Newchannel" => {
                let call = self.calls.entry(key).or_default();
                if call.caller.is_none() {
                    call.caller = caller;
                }
                if call.dialed.is_none() {
                    call.dialed = m.get("Exten").or(m.get("Queue")).map(str::to_owned);
                }
                None
            }
            "AgentConnect" => {
                let call = self.calls.entry(key.clone()).or_default();
                if call.answered || call.ended {
                    return None;
                }
                call.answered = true;
                let caller = call.caller.clone().or(caller)?;
                Some(self.event(&key, caller, Outcome::Answered, hold, at))
            }
            "QueueCallerAbandon" => {
                let call = self.calls.entry(key.clone()).or_default();
                if call.answered || call.ended {
                    return None;
                }
                call.ended = true;
                let caller = call.caller.clone().or(caller)?;
                Some(self.event(&key, caller, Outcome::Abandoned, hold, at))
            }
            "Hangup" => {
                // Only the caller's own channel ends the call; agent channels share the Linkedid.
                if uniqueid.is_some_and(|u| u != key) {
                    return None;
                }
                let call = self.calls.remove(&key)?;
                if call.answered || call.ended {
                    return None;
                }
                let caller = call.caller.or(caller)?;
                let mut e = self.event(&key, caller, Outcome::NoAnswer, hold, at);
                e.dialed = call.dialed;
                Some(e)
            }
            _ => None,
        }
    }

    fn event(
        &self,
        key: &str,
        caller: String,
        outcome: Outcome,
        hold: Option<i32>,
        at: DateTime<Utc>,
    ) -> CallEvent {
        CallEvent {
            pbx: self.pbx.clone(),
            call_id: key.to_owned(),
            caller,
            dialed: self.calls.get(key).and_then(|c| c.dialed.clone()),
            outcome,
            hold_seconds: hold,
            at,
        }
    }
}

/// Where and how to log in.
#[derive(Clone)]
pub struct AmiConfig {
    pub address: String,
    pub username: String,
    pub secret: String,
    /// The name call events carry as `pbx`.
    pub pbx: String,
}

impl std::fmt::Debug for AmiConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AmiConfig")
            .field("address", &self.address)
            .field("pbx", &self.pbx)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AmiError {
    #[error("cannot reach the AMI server: {0}")]
    Io(#[from] std::io::Error),
    #[error("the AMI server refused the login")]
    LoginRefused,
    #[error("the AMI server closed the connection")]
    Closed,
}

/// One session: connect, log in, and send every call event to `events` until the connection
/// ends. Returns why it ended.
pub async fn run_session(
    config: &AmiConfig,
    events: &mpsc::Sender<CallEvent>,
    now: &(dyn Fn() -> DateTime<Utc> + Send + Sync),
) -> AmiError {
    let stream = match TcpStream::connect(&config.address).await {
        Ok(s) => s,
        Err(e) => return e.into(),
    };
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    // The greeting: "Asterisk Call Manager/5.0.1".
    match lines.next_line().await {
        Ok(Some(_)) => {}
        Ok(None) => return AmiError::Closed,
        Err(e) => return e.into(),
    }
    let login = format!(
        "Action: Login\r\nActionID: hotline-login\r\nUsername: {}\r\nSecret: {}\r\nEvents: call,agent\r\n\r\n",
        config.username, config.secret
    );
    if let Err(e) = write.write_all(login.as_bytes()).await {
        return e.into();
    }
    let mut parser = Parser::default();
    let mut mapper = Mapper::new(&config.pbx);
    let mut logged_in = false;
    loop {
        let line = match lines.next_line().await {
            Ok(Some(line)) => line,
            Ok(None) => return AmiError::Closed,
            Err(e) => return e.into(),
        };
        let Some(message) = parser.push_line(&line) else {
            continue;
        };
        if !logged_in {
            match message.get("Response") {
                Some("Success") => logged_in = true,
                Some(_) => return AmiError::LoginRefused,
                None => {}
            }
            continue;
        }
        if let Some(event) = mapper.map(&message, now())
            && events.send(event).await.is_err()
        {
            return AmiError::Closed;
        }
    }
}

/// Runs sessions for ever, reconnecting after a growing pause (1 s doubling to 60 s; a session
/// that lasted a minute starts the pause again at 1 s). Ends when `events` is closed.
pub async fn run(
    config: AmiConfig,
    events: mpsc::Sender<CallEvent>,
    now: impl Fn() -> DateTime<Utc> + Send + Sync + 'static,
    mut on_error: impl FnMut(&AmiError) + Send,
) {
    let mut pause = Duration::from_secs(1);
    loop {
        let started = tokio::time::Instant::now();
        let why = run_session(&config, &events, &now).await;
        if events.is_closed() {
            return;
        }
        on_error(&why);
        if started.elapsed() > Duration::from_secs(60) {
            pause = Duration::from_secs(1);
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_secs(60));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(text: &str) -> Vec<Message> {
        let mut p = Parser::default();
        text.split('\n').filter_map(|l| p.push_line(l)).collect()
    }

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_795_000_000, 0).unwrap_or_default()
    }

    #[test]
    fn lines_make_messages_at_each_empty_line() {
        let m = messages(
            "Asterisk Call Manager/5.0.1\r\n\r\nEvent: Hangup\r\nUniqueid: 1.1\r\nCause-txt: Normal\r\n\r\n",
        );
        assert_eq!(m.len(), 2);
        assert_eq!(m[1].event(), Some("Hangup"));
        assert_eq!(m[1].get("cause-txt"), Some("Normal"));
    }

    #[test]
    fn a_caller_who_hangs_up_in_the_queue_is_abandoned_once() {
        let text = "Event: QueueCallerJoin\nUniqueid: 100.1\nLinkedid: 100.1\nCallerIDNum: 0812345678\nQueue: hotline\n\n\
Event: QueueCallerAbandon\nUniqueid: 100.1\nLinkedid: 100.1\nHoldTime: 42\nQueue: hotline\n\n\
Event: Hangup\nUniqueid: 100.1\nLinkedid: 100.1\nCallerIDNum: 0812345678\n\n";
        let mut mapper = Mapper::new("asterisk-1");
        let events: Vec<CallEvent> = messages(text)
            .iter()
            .filter_map(|m| mapper.map(m, now()))
            .collect();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].outcome, Outcome::Abandoned);
        assert_eq!(events[0].caller, "0812345678");
        assert_eq!(events[0].call_id, "100.1");
        assert_eq!(events[0].hold_seconds, Some(42));
        assert_eq!(events[0].dialed.as_deref(), Some("hotline"));
        assert_eq!(mapper.open_calls(), 0);
    }

    #[test]
    fn an_answered_call_is_answered_and_its_agent_hangup_is_no_event() {
        let text = "Event: QueueCallerJoin\nUniqueid: 7.1\nLinkedid: 7.1\nCallerIDNum: 0812345678\nQueue: q\n\n\
Event: AgentConnect\nUniqueid: 7.2\nLinkedid: 7.1\nHoldTime: 5\n\n\
Event: Hangup\nUniqueid: 7.2\nLinkedid: 7.1\n\n\
Event: Hangup\nUniqueid: 7.1\nLinkedid: 7.1\n\n";
        let mut mapper = Mapper::new("a");
        let outcomes: Vec<Outcome> = messages(text)
            .iter()
            .filter_map(|m| mapper.map(m, now()))
            .map(|e| e.outcome)
            .collect();
        assert_eq!(outcomes, vec![Outcome::Answered]);
    }

    #[test]
    fn a_call_that_ends_unanswered_after_leaving_the_queue_is_no_answer() {
        let text = "Event: QueueCallerJoin\nUniqueid: 9.1\nLinkedid: 9.1\nCallerIDNum: 0899999999\nQueue: q\n\n\
Event: QueueCallerLeave\nUniqueid: 9.1\nLinkedid: 9.1\n\n\
Event: Hangup\nUniqueid: 9.1\nLinkedid: 9.1\nTimestamp: 1795000100.25\n\n";
        let mut mapper = Mapper::new("a");
        let events: Vec<CallEvent> = messages(text)
            .iter()
            .filter_map(|m| mapper.map(m, now()))
            .collect();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].outcome, Outcome::NoAnswer);
        assert_eq!(events[0].at.timestamp(), 1_795_000_100);
    }
}

/// Hostile input (issue 18): whatever arrives, the parser answers `Ok` or `Err`, never a panic.
/// The bounded `cargo fuzz` targets in `fuzz/` search further (docs/reliability.md).
#[cfg(test)]
mod never_panics {
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn on_arbitrary_lines(lines in proptest::collection::vec("\\PC{0,80}", 0..60)) {
            let mut parser = super::Parser::default();
            let mut mapper = super::Mapper::new("pbx");
            let now = chrono::DateTime::<chrono::Utc>::from_timestamp(1_795_000_000, 0).unwrap_or_default();
            for line in &lines {
                if let Some(message) = parser.push_line(line) {
                    let _ = mapper.map(&message, now);
                }
            }
        }

        #[test]
        fn on_event_shaped_lines(event in "[A-Za-z]{0,12}", id in "\\PC{0,20}", number in "\\PC{0,20}") {
            let mut parser = super::Parser::default();
            let mut mapper = super::Mapper::new("pbx");
            let now = chrono::DateTime::<chrono::Utc>::from_timestamp(1_795_000_000, 0).unwrap_or_default();
            for line in [format!("Event: {event}"), format!("Linkedid: {id}"), format!("CallerIDNum: {number}"), String::new()] {
                if let Some(message) = parser.push_line(&line) {
                    let _ = mapper.map(&message, now);
                }
            }
        }
    }
}
