//! A stand-in for Asterisk's Manager Interface on loopback: it greets like Asterisk, accepts a
//! login with the configured username and secret (refuses any other), and then plays the
//! scripted events to the client, in AMI's line protocol. It records the logins it saw.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;

pub struct AmiStandIn {
    address: String,
    logins: Arc<Mutex<Vec<String>>>,
}

impl AmiStandIn {
    /// Listens on a free loopback port; every client that logs in with `username` and `secret`
    /// receives `events` (each a block of `Key: Value` lines), then the connection stays open.
    pub fn start(username: &str, secret: &str, events: Vec<String>) -> std::io::Result<AmiStandIn> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let address = listener.local_addr()?.to_string();
        let logins = Arc::new(Mutex::new(Vec::new()));
        let seen = logins.clone();
        let (user, pass) = (username.to_owned(), secret.to_owned());
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (user, pass, events, seen) =
                    (user.clone(), pass.clone(), events.clone(), seen.clone());
                thread::spawn(move || {
                    let _ = serve(stream, &user, &pass, &events, &seen);
                });
            }
        });
        Ok(AmiStandIn { address, logins })
    }

    /// host:port to connect to.
    pub fn address(&self) -> String {
        self.address.clone()
    }

    /// The usernames that logged in successfully.
    pub fn logins(&self) -> Vec<String> {
        self.logins.lock().map(|l| l.clone()).unwrap_or_default()
    }
}

fn serve(
    mut stream: TcpStream,
    user: &str,
    pass: &str,
    events: &[String],
    seen: &Mutex<Vec<String>>,
) -> std::io::Result<()> {
    stream.write_all(b"Asterisk Call Manager/5.0.1\r\n")?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut fields: Vec<(String, String)> = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let line = line.trim_end();
        if !line.is_empty() {
            if let Some((k, v)) = line.split_once(':') {
                fields.push((k.trim().to_ascii_lowercase(), v.trim().to_owned()));
            }
            continue;
        }
        let get = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        if get("action").is_some_and(|a| a.eq_ignore_ascii_case("login")) {
            if get("username") == Some(user) && get("secret") == Some(pass) {
                if let Ok(mut s) = seen.lock() {
                    s.push(user.to_owned());
                }
                stream.write_all(b"Response: Success\r\nActionID: hotline-login\r\nMessage: Authentication accepted\r\n\r\n")?;
                for event in events {
                    let block = event.trim().replace('\n', "\r\n");
                    stream.write_all(format!("{block}\r\n\r\n").as_bytes())?;
                }
            } else {
                stream.write_all(b"Response: Error\r\nMessage: Authentication failed\r\n\r\n")?;
                return Ok(());
            }
        }
        fields.clear();
    }
}
