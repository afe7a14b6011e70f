//! A real Prometheus server for the tests, loaded with deterministic data.
//!
//! Used as `crate::common::prometheus`. It needs `prometheus`
//! and `promtool` on the `PATH` (Debian's `prometheus` package; `.ci/run` installs it).
//!
//! The data (all times UTC, one sample a minute, the value at a minute covering the minute
//! before it):
//!
//! | when | what |
//! |---|---|
//! | 2026-01-05 00:00–13:00 | the baseline week before: healthy traffic, normal latency |
//! | 2026-01-12 00:00–06:00 | healthy: 2,000 requests a minute, 0.05% errors, p99 in the 0.1–0.25 s bucket |
//! | 06:00–07:00 | an error breach: 0.5% errors, a production error a minute, 2 data mismatches |
//! | 07:00–09:00 | healthy |
//! | 09:00–10:00 | a gap: no sample of any series between 09:00 and 10:00 |
//! | 10:00–12:00 | healthy errors, slow: p99 in the 0.25–0.5 s bucket (+100% on the week before) |
//! | 12:00–13:00 | idle: samples, but no request (rates are 0, ratios NaN) |
//!
//! `promtool tsdb create-blocks-from openmetrics` writes the blocks once per test binary; each
//! server starts from a fresh copy of them (the server compacts its data folder), on a free
//! loopback port, and is stopped by its pid when the handle drops, also when a test fails.

use std::fmt::Write as _;
use std::io::Read as _;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// 2026-01-05T00:00:00Z: the start of the baseline data.
pub(crate) const BASELINE: i64 = 1_767_571_200;
/// 2026-01-12T00:00:00Z: the start of the day the tests evaluate.
pub(crate) const DAY: i64 = BASELINE + 7 * 86_400;
/// Hours of data written from each start.
const HOURS: i64 = 13;

/// Unix seconds of `HH:MM` on the evaluated day.
pub(crate) fn at(hh_mm: &str) -> i64 {
    let (h, m) = hh_mm.split_once(':').expect("HH:MM");
    DAY + h.parse::<i64>().expect("hours") * 3600 + m.parse::<i64>().expect("minutes") * 60
}

/// RFC 3339 of Unix seconds.
pub(crate) fn rfc3339(seconds: i64) -> String {
    jiff::Timestamp::from_second(seconds)
        .expect("in range")
        .to_string()
}

#[derive(Clone, Copy, PartialEq)]
enum State {
    Healthy,
    Breach,
    Gap,
    Slow,
    Idle,
}

/// What the minute ending at `t` was like.
fn state(t: i64) -> State {
    if t < DAY {
        return State::Healthy;
    }
    let minute = (t - DAY) / 60;
    match minute {
        361..=420 => State::Breach,
        541..=599 => State::Gap,
        601..=720 => State::Slow,
        721.. => State::Idle,
        _ => State::Healthy,
    }
}

const BUCKETS: [&str; 5] = ["0.1", "0.25", "0.5", "1", "+Inf"];

/// The data set as `OpenMetrics` text.
fn openmetrics() -> String {
    // Counters: requests by code, production errors, histogram buckets. Gauges: mismatches,
    // test failures. One series at a time, samples in time order.
    let mut ok = Vec::new();
    let mut err = Vec::new();
    let mut prod = Vec::new();
    let mut buckets: Vec<Vec<(i64, u64)>> = vec![Vec::new(); BUCKETS.len()];
    let mut mismatches = Vec::new();
    let mut tests = Vec::new();
    for start in [BASELINE, DAY] {
        let (mut n_ok, mut n_err, mut n_prod) = (0u64, 0u64, 0u64);
        let mut n_buckets = [0u64; BUCKETS.len()];
        for minute in 0..=HOURS * 60 {
            let t = start + minute * 60;
            let s = if minute == 0 { State::Idle } else { state(t) };
            if s == State::Gap {
                continue;
            }
            let (d_ok, d_err, d_prod, slow) = match s {
                State::Healthy => (1999, 1, 0, false),
                State::Breach => (1990, 10, 1, false),
                State::Slow => (1999, 1, 0, true),
                State::Idle | State::Gap => (0, 0, 0, false),
            };
            n_ok += d_ok;
            n_err += d_err;
            n_prod += d_prod;
            let total = d_ok + d_err;
            // Every request of the minute lands in one bucket: (0.1, 0.25] or, slow, (0.25, 0.5].
            let first = if slow { 2 } else { 1 };
            for (i, n) in n_buckets.iter_mut().enumerate() {
                if i >= first {
                    *n += total;
                }
            }
            ok.push((t, n_ok));
            err.push((t, n_err));
            prod.push((t, n_prod));
            for (i, b) in buckets.iter_mut().enumerate() {
                b.push((t, n_buckets[i]));
            }
            mismatches.push((t, if s == State::Breach { 2 } else { 0 }));
            tests.push((t, 0));
        }
    }
    let mut out = String::new();
    let mut series = |family: &str, kind: &str, name: &str, samples: &[(i64, u64)]| {
        if !family.is_empty() {
            let _ = writeln!(out, "# TYPE {family} {kind}");
        }
        for (t, v) in samples {
            let _ = writeln!(out, "{name} {v} {t}");
        }
    };
    series(
        "entity_requests",
        "counter",
        "entity_requests_total{code=\"200\"}",
        &ok,
    );
    series("", "", "entity_requests_total{code=\"500\"}", &err);
    series(
        "entity_production_errors",
        "counter",
        "entity_production_errors_total",
        &prod,
    );
    series("entity_request_duration_seconds", "histogram", "", &[]);
    for (i, le) in BUCKETS.iter().enumerate() {
        series(
            "",
            "",
            &format!("entity_request_duration_seconds_bucket{{le=\"{le}\"}}"),
            &buckets[i],
        );
    }
    series(
        "entity_relationship_mismatches",
        "gauge",
        "entity_relationship_mismatches",
        &mismatches,
    );
    series(
        "entity_test_failures",
        "gauge",
        "entity_test_failures",
        &tests,
    );
    out.push_str("# EOF\n");
    out
}

/// The folder holding the blocks, written once per test binary.
fn blocks() -> &'static Path {
    static BLOCKS: OnceLock<PathBuf> = OnceLock::new();
    BLOCKS.get_or_init(|| {
        // Under the target folder, one per test process; folders of processes that have
        // ended are removed (statics are never dropped, so a process cannot clean its own).
        let root = Path::new(env!("CARGO_TARGET_TMPDIR"));
        for entry in std::fs::read_dir(root).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(pid) = name.strip_prefix("prom-blocks-")
                && !Path::new("/proc").join(pid).exists()
            {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
        let dir = root.join(format!("prom-blocks-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("blocks folder");
        let input = dir.join("data.om");
        std::fs::write(&input, openmetrics()).expect("write OpenMetrics");
        let data = dir.join("data");
        let out = Command::new("promtool")
            .args(["tsdb", "create-blocks-from", "openmetrics", "--quiet"])
            .arg(&input)
            .arg(&data)
            .output()
            .expect("promtool runs (install Debian's `prometheus` package)");
        assert!(
            out.status.success(),
            "promtool failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        check_loaded_range(&data);
        data
    })
}

/// promtool reads millisecond timestamps as seconds and drops out-of-order samples silently:
/// the blocks must span exactly the data written.
fn check_loaded_range(data: &Path) {
    let out = Command::new("promtool")
        .args(["tsdb", "list"])
        .arg(data)
        .output()
        .expect("promtool tsdb list");
    let text = String::from_utf8_lossy(&out.stdout);
    let (mut min, mut max, mut samples) = (i64::MAX, i64::MIN, 0u64);
    for line in text.lines().skip(1) {
        let cols: Vec<&str> = line.split_whitespace().collect();
        if cols.len() < 5 {
            continue;
        }
        min = min.min(cols[1].parse().expect("min time"));
        max = max.max(cols[2].parse().expect("max time"));
        samples += cols[4].parse::<u64>().expect("samples");
    }
    assert_eq!(min, BASELINE * 1000, "first sample\n{text}");
    // A block's max time is exclusive: one millisecond past the last sample.
    assert_eq!(max, (DAY + HOURS * 3600) * 1000 + 1, "last sample\n{text}");
    // Ten series: 781 samples on each day, 59 fewer on the day with the gap.
    assert_eq!(samples, 10 * (781 + 781 - 59), "samples\n{text}");
}

/// A running server; stopped (by its pid) when dropped.
pub(crate) struct Server {
    child: Child,
    pub(crate) url: String,
    dir: PathBuf,
}

impl Server {
    /// Starts a server on a fresh copy of the blocks and waits until it is ready.
    pub(crate) fn start() -> Server {
        let source = blocks();
        let port = free_port();
        let dir = std::env::temp_dir().join(format!("rollplan-prom-{}-{port}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        copy_dir(source, &dir.join("data"));
        let config = dir.join("prometheus.yml");
        std::fs::write(&config, "global:\n  scrape_interval: 1h\n").expect("config");
        let child = Command::new("prometheus")
            .arg(format!("--config.file={}", config.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .arg("--storage.tsdb.retention.time=100y")
            .stdout(Stdio::null())
            .stderr(Stdio::from(
                std::fs::File::create(dir.join("prometheus.log")).expect("log"),
            ))
            .spawn()
            .expect("prometheus runs (install Debian's `prometheus` package)");
        let server = Server {
            child,
            url: format!("http://127.0.0.1:{port}"),
            dir,
        };
        server.wait_ready();
        server
    }

    fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        let addr = self.url.trim_start_matches("http://").to_owned();
        while Instant::now() < deadline {
            if let Ok(mut s) = TcpStream::connect(&addr) {
                use std::io::Write as _;
                let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
                let _ = write!(s, "GET /-/ready HTTP/1.0\r\nHost: {addr}\r\n\r\n");
                let mut answer = String::new();
                let _ = s.read_to_string(&mut answer);
                if answer.starts_with("HTTP/1.0 200") || answer.starts_with("HTTP/1.1 200") {
                    return;
                }
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let log = std::fs::read_to_string(self.dir.join("prometheus.log")).unwrap_or_default();
        panic!("prometheus did not get ready in 30 s:\n{log}");
    }

    /// Stops the server now (the tests of a server that dies mid-run).
    pub(crate) fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A port nothing listens on right now.
pub(crate) fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create");
    for entry in std::fs::read_dir(from).expect("read blocks") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Runs rollplan from the repository root, with `token` (or none) as the Prometheus token and
/// colours off.
pub(crate) fn rollplan(args: &[&str], token: Option<&str>) -> std::process::Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_rollplan"));
    command
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env_remove("ROLLPLAN_PROMETHEUS_TOKEN");
    if let Some(token) = token {
        command.env("ROLLPLAN_PROMETHEUS_TOKEN", token);
    }
    command.output().expect("rollplan runs")
}
