//! Prometheus' HTTP API, read-only: an instant query (`/api/v1/query`) and a range query
//! (`/api/v1/query_range`), their answers turned into [`Series`]. What the numbers mean for a
//! gate is [`crate::gates`]' business.
//!
//! Prometheus answers `{"status":"success","data":{"resultType":…,"result":[…]}}`; a vector's
//! series carry `"value": [time, "1.5"]`, a matrix's `"values": [[time, "1.5"], …]`, and values
//! are strings that may be `"NaN"`, `"+Inf"` or `"-Inf"`. A series with no samples is left out
//! of `result`.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::Value as Json;

use crate::http::{Client, HttpError, HttpErrorKind, Secret};

/// The environment variable holding the bearer token, if the server wants one.
pub const TOKEN_VARIABLE: &str = "ROLLPLAN_PROMETHEUS_TOKEN";

/// One series of an answer: its labels and its samples, as (Unix seconds, value).
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub labels: BTreeMap<String, String>,
    pub samples: Vec<(f64, f64)>,
}

/// Where the numbers come from: a real server, or a table in a test.
pub trait MetricSource {
    /// The value of `query` at `at` (Unix seconds).
    fn instant(&mut self, query: &str, at: i64) -> Result<Vec<Series>, HttpError>;
    /// The values of `query` from `start` to `end` (Unix seconds, both included) every `step`
    /// seconds.
    fn range(
        &mut self,
        query: &str,
        start: i64,
        end: i64,
        step: i64,
    ) -> Result<Vec<Series>, HttpError>;
}

/// A Prometheus server.
#[derive(Debug)]
pub struct Prometheus {
    base: String,
    client: Client,
}

impl Prometheus {
    /// `base` is the server's URL (`http://127.0.0.1:9090`); the token, when given, is sent as
    /// a bearer token.
    pub fn new(base: &str, token: Option<Secret>, timeout: Duration) -> Prometheus {
        Prometheus {
            base: base.trim_end_matches('/').to_owned(),
            client: Client::new(token, timeout),
        }
    }

    fn get(&self, path: &str, query: &[(&str, &str)]) -> Result<Vec<Series>, HttpError> {
        let url = format!("{}{path}", self.base);
        let answer = self.client.get_json(&url, query)?;
        parse_answer(&answer).map_err(|why| HttpError {
            kind: HttpErrorKind::Malformed,
            message: format!(
                "`{}` did not answer as Prometheus does: {why}",
                crate::http::without_credentials(&url)
            ),
        })
    }
}

impl MetricSource for Prometheus {
    fn instant(&mut self, query: &str, at: i64) -> Result<Vec<Series>, HttpError> {
        let at = at.to_string();
        self.get("/api/v1/query", &[("query", query), ("time", &at)])
    }

    fn range(
        &mut self,
        query: &str,
        start: i64,
        end: i64,
        step: i64,
    ) -> Result<Vec<Series>, HttpError> {
        let (start, end, step) = (start.to_string(), end.to_string(), step.to_string());
        self.get(
            "/api/v1/query_range",
            &[
                ("query", query),
                ("start", &start),
                ("end", &end),
                ("step", &step),
            ],
        )
    }
}

/// The series of a successful answer (`vector`, `matrix` or `scalar`).
pub fn parse_answer(answer: &Json) -> Result<Vec<Series>, String> {
    let status = answer.get("status").and_then(Json::as_str);
    if status != Some("success") {
        let error = answer
            .get("error")
            .and_then(Json::as_str)
            .unwrap_or("no `status: success`");
        return Err(error.to_owned());
    }
    let data = answer.get("data").ok_or("no `data`")?;
    let kind = data
        .get("resultType")
        .and_then(Json::as_str)
        .ok_or("no `data.resultType`")?;
    let result = data.get("result").ok_or("no `data.result`")?;
    match kind {
        "scalar" => Ok(vec![Series {
            labels: BTreeMap::new(),
            samples: vec![sample(result)?],
        }]),
        "vector" | "matrix" => {
            let list = result.as_array().ok_or("`data.result` is not a list")?;
            list.iter()
                .map(|s| {
                    let labels = s
                        .get("metric")
                        .and_then(Json::as_object)
                        .map(|m| {
                            m.iter()
                                .map(|(k, v)| {
                                    (k.clone(), v.as_str().unwrap_or_default().to_owned())
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    let samples = if kind == "vector" {
                        vec![sample(s.get("value").ok_or("a series without `value`")?)?]
                    } else {
                        s.get("values")
                            .and_then(Json::as_array)
                            .ok_or("a series without `values`")?
                            .iter()
                            .map(sample)
                            .collect::<Result<_, _>>()?
                    };
                    Ok(Series { labels, samples })
                })
                .collect()
        }
        other => Err(format!("a `{other}` result, where a number was expected")),
    }
}

/// `[1700000000.5, "1.25"]` → (time, value). `"NaN"`, `"+Inf"` and `"-Inf"` are kept as such.
fn sample(pair: &Json) -> Result<(f64, f64), String> {
    let pair = pair
        .as_array()
        .filter(|p| p.len() == 2)
        .ok_or("a sample that is not `[time, \"value\"]`")?;
    let time = pair[0]
        .as_f64()
        .ok_or("a sample time that is not a number")?;
    let text = pair[1]
        .as_str()
        .ok_or("a sample value that is not a string")?;
    let value = match text {
        "NaN" => f64::NAN,
        "+Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        _ => text
            .parse::<f64>()
            .map_err(|_| format!("the sample value `{text}` is not a number"))?,
    };
    Ok((time, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors_matrices_and_special_values_are_read() {
        let answer = serde_json::json!({"status": "success", "data": {"resultType": "vector",
            "result": [{"metric": {"job": "api"}, "value": [1_700_000_000.5, "0.25"]},
                       {"metric": {}, "value": [1_700_000_000, "NaN"]}]}});
        let series = parse_answer(&answer).unwrap();
        assert_eq!(series.len(), 2);
        assert_eq!(series[0].labels["job"], "api");
        assert_eq!(series[0].samples, [(1_700_000_000.5, 0.25)]);
        assert!(series[1].samples[0].1.is_nan());

        let answer = serde_json::json!({"status": "success", "data": {"resultType": "matrix",
            "result": [{"metric": {}, "values": [[60, "+Inf"], [120, "-Inf"], [180, "1e-3"]]}]}});
        let series = parse_answer(&answer).unwrap();
        assert_eq!(
            series[0].samples,
            [
                (60.0, f64::INFINITY),
                (120.0, f64::NEG_INFINITY),
                (180.0, 0.001)
            ]
        );
        let empty = serde_json::json!({"status": "success", "data": {"resultType": "vector", "result": []}});
        assert_eq!(parse_answer(&empty).unwrap(), []);
    }

    #[test]
    fn answers_of_another_shape_are_refused_with_a_reason() {
        let cases = [
            (
                serde_json::json!({"status": "error", "error": "parse error"}),
                "parse error",
            ),
            (serde_json::json!({"status": "success"}), "no `data`"),
            (
                serde_json::json!({"status": "success", "data": {"resultType": "string", "result": [1, "x"]}}),
                "a `string` result, where a number was expected",
            ),
            (
                serde_json::json!({"status": "success", "data": {"resultType": "vector", "result": [{"value": [1, "abc"]}]}}),
                "the sample value `abc` is not a number",
            ),
            (serde_json::json!([1, 2]), "no `status: success`"),
        ];
        for (answer, why) in cases {
            assert_eq!(parse_answer(&answer).unwrap_err(), why, "{answer}");
        }
    }
}
