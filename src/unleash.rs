//! The Unleash Admin API, for `rollplan apply` and `status --target unleash`: read a flag's
//! configuration in one environment, create a flag, and change its strategies so that clients
//! see one change. Over [`crate::http`]; the token is an admin token from `UNLEASH_API_TOKEN`.
//!
//! One visible change per flag: strategies are written while the environment is off and the
//! environment is switched on last; a flag goes off by switching its environment off (its
//! strategies are deleted after, which clients cannot see); a flag with one strategy before and
//! after is changed by updating that strategy in place. Only a change between two sets of
//! several strategies each takes several visible steps (documented in `docs/live.md`).
//!
//! Owns: URLs and request bodies of the Admin API. Must not decide what to change.

use std::fmt::Write as _;
use std::time::Duration;

use serde_json::{Value as Json, json};

use crate::http::{Client, HttpError, HttpErrorKind, Method, Secret};
use crate::live::{Shape, normalise};

/// The environment variable holding the admin token.
pub const TOKEN_VARIABLE: &str = "UNLEASH_API_TOKEN";

/// One strategy as the server holds it.
#[derive(Debug, Clone)]
pub struct Strategy {
    pub id: String,
    pub body: Json,
}

/// A flag in one environment.
#[derive(Debug, Clone)]
pub struct LiveFlag {
    pub enabled: bool,
    /// The strategies that take part in evaluation (a disabled strategy does not).
    pub strategies: Vec<Strategy>,
}

impl LiveFlag {
    /// Its shape: `None` when the environment is off.
    pub fn shape(&self) -> Shape {
        if !self.enabled {
            return None;
        }
        let mut shapes: Vec<String> = self.strategies.iter().map(|s| normalise(&s.body)).collect();
        shapes.sort();
        Some(shapes)
    }
}

/// A project and environment of one Unleash server.
#[derive(Debug)]
pub struct Unleash {
    client: Client,
    base: String,
    pub project: String,
    pub environment: String,
}

/// A path segment, percent-encoded (flag names may hold characters a URL reserves).
fn segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

impl Unleash {
    pub fn new(
        url: &str,
        token: Secret,
        project: &str,
        environment: &str,
        timeout: Duration,
    ) -> Unleash {
        Unleash {
            client: Client::new(Some(token), timeout),
            base: url.trim_end_matches('/').to_owned(),
            project: project.to_owned(),
            environment: environment.to_owned(),
        }
    }

    fn project_url(&self) -> String {
        format!(
            "{}/api/admin/projects/{}",
            self.base,
            segment(&self.project)
        )
    }

    fn feature_url(&self, flag: &str) -> String {
        format!("{}/features/{}", self.project_url(), segment(flag))
    }

    fn environment_url(&self, flag: &str) -> String {
        format!(
            "{}/environments/{}",
            self.feature_url(flag),
            segment(&self.environment)
        )
    }

    /// Checks the token and that the project exists (a 404 names the project).
    pub fn check_project(&self) -> Result<(), HttpError> {
        self.client
            .get_json(&format!("{}/overview", self.project_url()), &[])
            .map(|_| ())
    }

    /// The flag in the environment; `None` when the project has no such flag. A flag that
    /// exists without the environment is an error naming it.
    pub fn read(&self, flag: &str) -> Result<Option<LiveFlag>, HttpError> {
        let doc = match self.client.get_json(&self.feature_url(flag), &[]) {
            Ok(doc) => doc,
            Err(e) if e.kind == HttpErrorKind::Status(404) => return Ok(None),
            Err(e) => return Err(e),
        };
        let env = doc["environments"]
            .as_array()
            .and_then(|list| {
                list.iter()
                    .find(|e| e["name"].as_str() == Some(&self.environment))
            })
            .ok_or_else(|| HttpError {
                kind: HttpErrorKind::Status(404),
                message: format!(
                    "flag `{flag}` of project `{}` has no environment `{}`",
                    self.project, self.environment
                ),
            })?;
        let strategies = env["strategies"]
            .as_array()
            .map(|list| {
                list.iter()
                    .filter(|s| !s["disabled"].as_bool().unwrap_or(false))
                    .map(|s| Strategy {
                        id: s["id"].as_str().unwrap_or_default().to_owned(),
                        body: s.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(Some(LiveFlag {
            enabled: env["enabled"].as_bool().unwrap_or(false),
            strategies,
        }))
    }

    /// Creates the flag (off in every environment), with the plan's description.
    pub fn create(&self, flag: &str, description: &str) -> Result<(), HttpError> {
        let body = json!({
            "name": flag,
            "description": description,
            "type": "release",
            "impressionData": false,
        });
        self.client
            .send_json(
                Method::Post,
                &format!("{}/features", self.project_url()),
                &body,
            )
            .map(|_| ())
    }

    fn switch(&self, flag: &str, on: bool) -> Result<(), HttpError> {
        let url = format!(
            "{}/{}",
            self.environment_url(flag),
            if on { "on" } else { "off" }
        );
        self.client
            .send_json(Method::Post, &url, &json!({}))
            .map(|_| ())
    }

    fn strategies_url(&self, flag: &str) -> String {
        format!("{}/strategies", self.environment_url(flag))
    }

    fn add(&self, flag: &str, strategy: &Json) -> Result<(), HttpError> {
        self.client
            .send_json(Method::Post, &self.strategies_url(flag), strategy)
            .map(|_| ())
    }

    fn update(&self, flag: &str, id: &str, strategy: &Json) -> Result<(), HttpError> {
        let url = format!("{}/{}", self.strategies_url(flag), segment(id));
        self.client
            .send_json(Method::Put, &url, strategy)
            .map(|_| ())
    }

    fn delete(&self, flag: &str, id: &str) -> Result<(), HttpError> {
        let url = format!("{}/{}", self.strategies_url(flag), segment(id));
        self.client
            .send_json(Method::Delete, &url, &Json::Null)
            .map(|_| ())
    }

    /// Gives the flag `wanted` strategies (none: off) from its `live` configuration.
    pub fn set(&self, flag: &str, live: &LiveFlag, wanted: &[Json]) -> Result<(), HttpError> {
        if wanted.is_empty() {
            if live.enabled {
                self.switch(flag, false)?;
            }
            for s in &live.strategies {
                self.delete(flag, &s.id)?;
            }
            return Ok(());
        }
        if live.enabled && live.strategies.len() == 1 && wanted.len() == 1 {
            return self.update(flag, &live.strategies[0].id, &wanted[0]);
        }
        if live.enabled {
            // Several strategies on both sides: add the new ones, then remove the old.
            for s in wanted {
                self.add(flag, s)?;
            }
            for s in &live.strategies {
                self.delete(flag, &s.id)?;
            }
            return Ok(());
        }
        // Off: rewrite the strategies unseen, then switch on.
        for s in &live.strategies {
            self.delete(flag, &s.id)?;
        }
        for s in wanted {
            self.add(flag, s)?;
        }
        self.switch(flag, true)
    }
}
