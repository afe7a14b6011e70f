//! What `apply` and `status --target unleash` share: the connection options, the token from
//! the environment, reading every flag of the plan, and Admin API failures as usage errors
//! (exit 2) with a code that says what went wrong.

use super::input::UsageError;
use crate::Compiled;
use crate::diagnostic::UsageCode;
use crate::http::{HttpError, HttpErrorKind, Secret};
use crate::live::{LiveSetting, Shape, decode};
use crate::unleash::{LiveFlag, TOKEN_VARIABLE, Unleash};

/// The one flag system `apply` and `status` drive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LiveTarget {
    Unleash,
}

/// `--url`, `--project`, `--environment`, `--timeout`.
#[derive(Debug, Clone, clap::Args)]
pub struct Connection {
    /// The Unleash server's base URL, like `http://127.0.0.1:4242` (the admin token is read
    /// from `UNLEASH_API_TOKEN`)
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// The Unleash project holding the plan's flags
    #[arg(long, value_name = "P", default_value = "default")]
    pub project: String,
    /// The Unleash environment to read and change
    #[arg(long, value_name = "E", default_value = "development")]
    pub environment: String,
}

/// The server, with the token from `UNLEASH_API_TOKEN`.
pub fn connect(connection: &Connection, timeout: f64) -> Result<Unleash, UsageError> {
    let Some(url) = connection.url.as_deref() else {
        return Err(UsageError {
            code: UsageCode::InvalidArgument,
            message: "--target unleash needs the server's --url".to_owned(),
            help: "give --url with the server's base URL, like `--url http://127.0.0.1:4242`"
                .to_owned(),
        });
    };
    let timeout = super::metrics::request_timeout(timeout)?;
    let token = Secret::from_env(TOKEN_VARIABLE).ok_or_else(|| UsageError {
        code: UsageCode::UnleashNoToken,
        message: format!("{TOKEN_VARIABLE} is not set"),
        help: format!("set {TOKEN_VARIABLE} to an Unleash admin API token (it is never printed)"),
    })?;
    Ok(Unleash::new(
        url,
        token,
        &connection.project,
        &connection.environment,
        timeout,
    ))
}

/// A failed request: exit 2 with a code that says what went wrong.
pub fn request_failed(server: &Unleash, e: HttpError) -> UsageError {
    let (code, help) = match e.kind {
        HttpErrorKind::Unreachable => (
            UsageCode::UnleashUnreachable,
            "check that the Unleash server runs and that `--url` is its base URL, like `http://127.0.0.1:4242`".to_owned(),
        ),
        HttpErrorKind::Timeout => (
            UsageCode::UnleashTimeout,
            "check the server's load, or allow more time with `--timeout SECONDS`".to_owned(),
        ),
        HttpErrorKind::Status(401 | 403) => (
            UsageCode::UnleashUnauthorized,
            format!("the server refused the token: set {TOKEN_VARIABLE} to an admin API token of this server"),
        ),
        HttpErrorKind::Status(404) => (
            UsageCode::UnleashNotFound,
            format!(
                "check that project `{}` and environment `{}` exist on the server (--project, --environment)",
                server.project, server.environment
            ),
        ),
        HttpErrorKind::Status(409) => (
            UsageCode::UnleashConflict,
            "another change got there first (or the flag is archived): read the live state with `rollplan status --target unleash` and run again".to_owned(),
        ),
        HttpErrorKind::Status(_) => (
            UsageCode::UnleashHttpError,
            "read the server's message above".to_owned(),
        ),
        HttpErrorKind::Malformed => (
            UsageCode::UnleashBadAnswer,
            "check that `--url` points at an Unleash server (its Admin API is under `/api/admin/`)".to_owned(),
        ),
    };
    UsageError {
        code,
        message: e.message,
        help,
    }
}

/// Every flag of the plan as the server has it (`None`: the project has no such flag).
pub fn read_all(
    compiled: &Compiled,
    server: &Unleash,
) -> Result<Vec<Option<LiveFlag>>, UsageError> {
    server
        .check_project()
        .map_err(|e| request_failed(server, e))?;
    compiled
        .plan
        .flags
        .iter()
        .map(|f| server.read(&f.name).map_err(|e| request_failed(server, e)))
        .collect()
}

/// The shapes of the flags read, and their settings in the plan's terms.
pub fn settings(compiled: &Compiled, live: &[Option<LiveFlag>]) -> (Vec<Shape>, Vec<LiveSetting>) {
    let shapes: Vec<Shape> = live
        .iter()
        .map(|f| f.as_ref().and_then(LiveFlag::shape))
        .collect();
    let settings = decode(compiled, &shapes);
    (shapes, settings)
}

/// A live setting as a plan writes it, or `a configuration the plan does not have`.
pub fn describe(plan: &crate::model::Plan, live: &LiveSetting) -> String {
    match live {
        LiveSetting::Known(s) => crate::plan_text::setting(plan, s),
        LiveSetting::Unknown => "a configuration the plan does not have".to_owned(),
    }
}
