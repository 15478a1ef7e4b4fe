//! Running an actix-web app on a thread of its own.
//!
//! Tests start stand-ins from inside their own runtime (`#[tokio::test]`, `#[actix_web::test]`).
//! An actix server spawned onto that runtime would stop with the test's runtime and, on a
//! current-thread runtime, would not be served while the test blocks. A dedicated thread with
//! its own actix System avoids both, whatever runtime the caller uses.

use actix_web::dev::ServerHandle;
use actix_web::{App, HttpServer, web};
use std::io;
use std::net::{SocketAddr, TcpListener};
use std::sync::mpsc;
use std::thread::JoinHandle;

/// A server on its own thread; stopped (and its thread joined) when dropped.
pub(crate) struct BackgroundServer {
    address: SocketAddr,
    handle: ServerHandle,
    thread: Option<JoinHandle<()>>,
}

impl BackgroundServer {
    /// Serves `configure`'s routes on an already bound listener, so the caller learns bind
    /// errors and the port before the thread starts.
    pub(crate) fn start<F>(listener: TcpListener, name: &str, configure: F) -> io::Result<Self>
    where
        F: Fn(&mut web::ServiceConfig) + Send + Clone + 'static,
    {
        let address = listener.local_addr()?;
        let (started_tx, started_rx) = mpsc::channel::<io::Result<ServerHandle>>();
        let thread = std::thread::Builder::new()
            .name(name.to_owned())
            .spawn(move || {
                let system = actix_web::rt::System::new();
                system.block_on(async move {
                    let server = HttpServer::new(move || App::new().configure(configure.clone()))
                        // One worker is plenty for tests, and keeps a 2-core machine free.
                        .workers(1)
                        // The stand-in belongs to its owner, not to the process's Ctrl-C.
                        .disable_signals()
                        .shutdown_timeout(1)
                        .listen(listener);
                    let server = match server {
                        Ok(server) => server.run(),
                        Err(e) => {
                            let _ = started_tx.send(Err(e));
                            return;
                        }
                    };
                    let _ = started_tx.send(Ok(server.handle()));
                    let _ = server.await;
                });
            })?;
        let handle = started_rx
            .recv()
            .map_err(|_| io::Error::other("the server thread ended before it started serving"))??;
        Ok(Self {
            address,
            handle,
            thread: Some(thread),
        })
    }

    pub(crate) fn address(&self) -> SocketAddr {
        self.address
    }
}

impl Drop for BackgroundServer {
    fn drop(&mut self) {
        // `stop` sends the command at once; its future only waits for completion, which the
        // join below does instead (a Drop cannot await).
        drop(self.handle.stop(false));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
