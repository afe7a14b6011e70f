//! The one HTTP layer for the servers rollplan reads (Prometheus now; flag systems later): a
//! blocking GET with timeouts, a bearer token that cannot be printed, and every failure as an
//! [`HttpError`] that the CLI prints as a usage error (exit 2), never as a verdict.
//!
//! Blocking `ureq` with rustls: a CLI makes a handful of sequential requests, so an async
//! runtime would be weight without use, and rustls needs no system OpenSSL.
//!
//! Owns: connections, timeouts, status codes, reading the body as JSON. Must not know what any
//! one service's answers mean (that is [`crate::prometheus`]'s job).

use std::fmt;
use std::time::Duration;

/// A credential. `Debug` and `Display` print `***`, so no message, log line or panic can show
/// it; only [`Client`] reads the value, to build the `Authorization` header.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The secret from an environment variable; `None` when it is unset or empty.
    pub fn from_env(name: &str) -> Option<Secret> {
        std::env::var(name)
            .ok()
            .filter(|v| !v.is_empty())
            .map(Secret)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Why a request gave no usable answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpErrorKind {
    /// No connection: refused, unknown host, a bad URL.
    Unreachable,
    /// The server took longer than the timeout.
    Timeout,
    /// The server answered with a status that is not 2xx.
    Status(u16),
    /// The answer is not what the service sends (not JSON, or not of its shape).
    Malformed,
}

/// A failed request, with a message that names the URL (without credentials) and the cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpError {
    pub kind: HttpErrorKind,
    pub message: String,
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// The methods that send a body (and `DELETE`), for [`Client::send_json`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Post,
    Put,
    Delete,
}

/// How long one request may take, connecting included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Answers larger than this are refused (a misdirected URL serving a large file).
const MAX_BODY: u64 = 64 * 1024 * 1024;

/// A blocking HTTP client for one server.
pub struct Client {
    agent: ureq::Agent,
    token: Option<Secret>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("token", &self.token)
            .finish_non_exhaustive()
    }
}

impl Client {
    pub fn new(token: Option<Secret>, timeout: Duration) -> Client {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            // A redirect could carry the token to another host: none of our servers redirects.
            .max_redirects(0)
            .user_agent(concat!("rollplan/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Client { agent, token }
    }

    /// GETs `url` with the query parameters and reads the answer as JSON. Any status but 2xx is
    /// an error; its message quotes the start of the body (servers explain errors there).
    pub fn get_json(
        &self,
        url: &str,
        query: &[(&str, &str)],
    ) -> Result<serde_json::Value, HttpError> {
        let shown = without_credentials(url);
        let mut request = self.agent.get(url);
        for (key, value) in query {
            request = request.query(*key, *value);
        }
        if let Some(token) = &self.token {
            request = request.header("Authorization", format!("Bearer {}", token.0));
        }
        let response = request.call().map_err(|e| self.failed(&shown, &e))?;
        self.answer(&shown, response)
    }

    /// Sends a JSON body (`Content-Type: application/json`) with `method` and reads the answer
    /// as JSON; an empty answer is `null`. `DELETE` sends no body.
    pub fn send_json(
        &self,
        method: Method,
        url: &str,
        body: &serde_json::Value,
    ) -> Result<serde_json::Value, HttpError> {
        let shown = without_credentials(url);
        let bearer = self
            .token
            .as_ref()
            .map(|token| format!("Bearer {}", token.0));
        let text = body.to_string();
        let response = match method {
            Method::Delete => {
                let mut request = self.agent.delete(url);
                if let Some(b) = &bearer {
                    request = request.header("Authorization", b);
                }
                request.call()
            }
            Method::Post | Method::Put => {
                let mut request = if method == Method::Post {
                    self.agent.post(url)
                } else {
                    self.agent.put(url)
                };
                if let Some(b) = &bearer {
                    request = request.header("Authorization", b);
                }
                request
                    .header("Content-Type", "application/json")
                    .send(text.as_str())
            }
        }
        .map_err(|e| self.failed(&shown, &e))?;
        self.answer(&shown, response)
    }

    /// The body of a response as JSON, or the error its status says.
    fn answer(
        &self,
        shown: &str,
        mut response: ureq::http::Response<ureq::Body>,
    ) -> Result<serde_json::Value, HttpError> {
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_BODY)
            .read_to_string()
            .map_err(|e| self.failed(shown, &e))?;
        if !(200..300).contains(&status) {
            return Err(HttpError {
                kind: HttpErrorKind::Status(status),
                message: self.scrub(format!(
                    "`{shown}` answered HTTP {status}{}",
                    excerpt(&body)
                )),
            });
        }
        if body.trim().is_empty() {
            return Ok(serde_json::Value::Null);
        }
        serde_json::from_str(&body).map_err(|e| HttpError {
            kind: HttpErrorKind::Malformed,
            message: self.scrub(format!(
                "`{shown}` did not answer JSON ({e}){}",
                excerpt(&body)
            )),
        })
    }

    fn failed(&self, shown: &str, e: &ureq::Error) -> HttpError {
        let (kind, what) = match e {
            ureq::Error::Timeout(_) => (HttpErrorKind::Timeout, "timed out".to_owned()),
            ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => {
                (HttpErrorKind::Timeout, "timed out".to_owned())
            }
            ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
                (HttpErrorKind::Unreachable, "connection refused".to_owned())
            }
            ureq::Error::Io(_) | ureq::Error::Protocol(_) | ureq::Error::BodyStalled => (
                HttpErrorKind::Unreachable,
                format!("the connection failed ({e})"),
            ),
            ureq::Error::HostNotFound => (HttpErrorKind::Unreachable, "host not found".to_owned()),
            ureq::Error::ConnectionFailed => (
                HttpErrorKind::Unreachable,
                "the connection failed".to_owned(),
            ),
            ureq::Error::BadUri(_) | ureq::Error::Http(_) => (
                HttpErrorKind::Unreachable,
                "is not a usable URL (write it as `http://HOST:PORT`)".to_owned(),
            ),
            ureq::Error::BodyExceedsLimit(_) => (
                HttpErrorKind::Malformed,
                format!("answered more than {} MiB", MAX_BODY / 1024 / 1024),
            ),
            other => (HttpErrorKind::Unreachable, format!("failed ({other})")),
        };
        HttpError {
            kind,
            message: self.scrub(format!("`{shown}` {what}")),
        }
    }

    /// A message with the token blanked, should any library ever echo it.
    fn scrub(&self, message: String) -> String {
        match &self.token {
            Some(token) if !token.0.is_empty() => message.replace(&token.0, "***"),
            _ => message,
        }
    }
}

/// The URL with any `user:password@` left out, for messages.
pub fn without_credentials(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let host_end = rest.find('/').unwrap_or(rest.len());
    match rest[..host_end].rfind('@') {
        Some(at) => format!("{scheme}://***@{}", &rest[at + 1..]),
        None => url.to_owned(),
    }
}

/// `: <the first 200 characters of the body>`, or nothing for an empty body.
fn excerpt(body: &str) -> String {
    let body = body.trim();
    if body.is_empty() {
        return String::new();
    }
    let cut: String = body.chars().take(200).collect();
    let more = if cut.len() < body.len() { "…" } else { "" };
    format!(": {cut}{more}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_never_prints() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s} {s:?}"), "*** ***");
        let client = Client::new(Some(s), DEFAULT_TIMEOUT);
        assert!(!format!("{client:?}").contains("hunter2"));
        assert_eq!(
            client.scrub("token hunter2 echoed".to_owned()),
            "token *** echoed"
        );
    }

    #[test]
    fn credentials_in_a_url_are_not_shown() {
        assert_eq!(
            without_credentials("http://me:pw@127.0.0.1:9090/api/v1/query"),
            "http://***@127.0.0.1:9090/api/v1/query"
        );
        assert_eq!(
            without_credentials("http://127.0.0.1:9090/a@b"),
            "http://127.0.0.1:9090/a@b"
        );
    }

    #[test]
    fn an_unreachable_server_is_an_error_not_a_panic() {
        // Port 1 on loopback: nothing listens there on any sane machine.
        let client = Client::new(None, Duration::from_secs(2));
        let e = client
            .get_json("http://127.0.0.1:1/api/v1/query", &[("query", "up")])
            .expect_err("nothing listens on port 1");
        assert_eq!(e.kind, HttpErrorKind::Unreachable, "{e}");
        assert!(
            e.message.starts_with("`http://127.0.0.1:1/api/v1/query` "),
            "{e}"
        );
        let e = client.get_json("not a url", &[]).expect_err("no scheme");
        assert_eq!(e.kind, HttpErrorKind::Unreachable, "{e}");
    }

    #[test]
    fn a_json_body_is_sent_as_json_with_the_token_and_an_empty_answer_is_null() {
        use std::io::{BufRead as _, BufReader, Read as _, Write as _};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}/api/x", listener.local_addr().expect("addr"));
        // Reads one request and answers 204 with no body; hands back the head and the body.
        let server = std::thread::spawn(move || {
            let (stream, _) = listener.accept().expect("accept");
            let mut reader = BufReader::new(stream);
            let mut head = String::new();
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).expect("line");
                if line.trim().is_empty() {
                    break;
                }
                head.push_str(&line.to_ascii_lowercase());
            }
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length: "))
                .and_then(|n| n.trim().parse().ok())
                .unwrap_or(0);
            let mut body = vec![0; length];
            reader.read_exact(&mut body).expect("body");
            let mut stream = reader.into_inner();
            stream
                .write_all(b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")
                .expect("answer");
            (head, String::from_utf8(body).expect("utf-8"))
        });
        let client = Client::new(Some(Secret::new("tok")), Duration::from_secs(5));
        let answer = client
            .send_json(Method::Post, &url, &serde_json::json!({"a": 1}))
            .expect("204 is a success");
        assert_eq!(answer, serde_json::Value::Null);
        let (head, body) = server.join().expect("server");
        assert!(head.starts_with("post /api/x "), "{head}");
        assert!(
            head.contains("content-type: application/json\r\n"),
            "{head}"
        );
        assert!(head.contains("authorization: bearer tok\r\n"), "{head}");
        assert_eq!(body, r#"{"a":1}"#);
    }

    #[test]
    fn a_server_that_never_answers_times_out() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!(
            "http://{}/api/v1/query",
            listener.local_addr().expect("addr")
        );
        // Accept the connection and keep it open without a word until the client gives up.
        let server = std::thread::spawn(move || {
            let (stream, _) = listener.accept().expect("accept");
            std::thread::sleep(Duration::from_millis(1500));
            drop(stream);
        });
        let client = Client::new(None, Duration::from_millis(300));
        let e = client.get_json(&url, &[]).expect_err("times out");
        assert_eq!(e.kind, HttpErrorKind::Timeout, "{e}");
        assert_eq!(e.message, format!("`{url}` timed out"));
        server.join().expect("server");
    }
}
