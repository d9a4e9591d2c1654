//! I/O workloads, the pure part: what a download task requests, the built-in latency endpoint's
//! deterministic body, the hash every download is checked with, and the file a `fetch_write`
//! task writes. The browser side (fetch, files) lives in `threadlab-io`.

use crate::Checkpoint;
use serde::{Deserialize, Serialize};

pub const DEFAULT_DELAY_MS: u32 = 200;
pub const DEFAULT_BYTES: u32 = 10 * 1024;
pub const DEFAULT_TIMEOUT_MS: u32 = 10_000;

/// Path of the built-in latency endpoint, relative to the page (answered by www/sw.js).
pub const ENDPOINT_PATH: &str = "io/delay";
/// Header the endpoint sets, so a response from anywhere else is never mistaken for it.
pub const ENDPOINT_HEADER: &str = "x-threadlab-endpoint";
/// Largest delay and body the endpoint serves (the spec's limits are the same).
pub const ENDPOINT_MAX_DELAY_MS: u32 = 60_000;
pub const ENDPOINT_MAX_BYTES: u32 = 4 * 1024 * 1024;

/// Parameters of `fetch` and `fetch_write` (`{url?, delay_ms?, bytes?, timeout_ms?}`). Without
/// `url`, tasks download from the built-in endpoint, whose body and checksum are known.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Download {
    /// A CORS-enabled http(s) URL; `{letter}` and `{i}` are replaced per task.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_ms: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<u32>,
}

/// One task's I/O, fully resolved: what to download and, for `fetch_write`, where to write it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DownloadTask {
    pub url: String,
    /// True for the built-in endpoint (its header must be present).
    pub from_endpoint: bool,
    pub timeout_ms: u32,
    /// `{letter}.txt` in the Origin Private File System, for `fetch_write`.
    pub file: Option<String>,
}

impl Download {
    pub fn delay_ms(&self) -> u32 {
        self.delay_ms.unwrap_or(DEFAULT_DELAY_MS)
    }

    pub fn bytes(&self) -> u32 {
        self.bytes.unwrap_or(DEFAULT_BYTES)
    }

    pub fn timeout_ms(&self) -> u32 {
        self.timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS)
    }

    /// Task `index`'s request. `endpoint` is the absolute URL of the built-in endpoint as seen
    /// from the page (workers live at other paths, so relative URLs would resolve elsewhere).
    pub fn task(&self, index: u32, endpoint: &str, write: bool) -> DownloadTask {
        let url = match &self.url {
            Some(template) => expand_url(template, index),
            None => endpoint_url(endpoint, self.delay_ms(), self.bytes(), u64::from(index)),
        };
        DownloadTask {
            url,
            from_endpoint: self.url.is_none(),
            timeout_ms: self.timeout_ms(),
            file: write.then(|| file_name(index)),
        }
    }

    /// The checksum task `index` must return, when the content is known in advance.
    pub fn expected_checksum(&self, index: u32) -> Option<u64> {
        self.url
            .is_none()
            .then(|| body_checksum(&endpoint_body(self.bytes(), u64::from(index)), &mut crate::NoCheckpoint))
    }
}

/// Letter of task `index`: a..z, then around again.
pub fn letter(index: u32) -> char {
    char::from(b'a' + (index % 26) as u8)
}

/// `a.txt` .. `z.txt` for the first 26 tasks (the article's files), then `a2.txt`...
pub fn file_name(index: u32) -> String {
    match index / 26 {
        0 => format!("{}.txt", letter(index)),
        round => format!("{}{}.txt", letter(index), round + 1),
    }
}

pub fn expand_url(template: &str, index: u32) -> String {
    template.replace("{letter}", &letter(index).to_string()).replace("{i}", &index.to_string())
}

pub fn endpoint_url(endpoint: &str, delay_ms: u32, bytes: u32, seed: u64) -> String {
    format!("{endpoint}?ms={delay_ms}&bytes={bytes}&seed={seed}")
}

/// Reads `?ms=&bytes=&seed=` of an endpoint URL (all optional, defaults as the spec's).
pub fn parse_endpoint_query(url: &str) -> Result<(u32, u32, u64), String> {
    let query = url.split_once('?').map_or("", |(_, q)| q);
    let query = query.split('#').next().unwrap_or("");
    let (mut ms, mut bytes, mut seed) = (DEFAULT_DELAY_MS, DEFAULT_BYTES, 0u64);
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let number = |max: u64| -> Result<u64, String> {
            value
                .parse::<u64>()
                .ok()
                .filter(|v| *v <= max)
                .ok_or_else(|| format!("{key} must be an integer from 0 to {max}, got {value:?}"))
        };
        match key {
            "ms" => ms = number(u64::from(ENDPOINT_MAX_DELAY_MS))? as u32,
            "bytes" => bytes = number(u64::from(ENDPOINT_MAX_BYTES))? as u32,
            "seed" => seed = number(u64::MAX)?,
            _ => return Err(format!("unknown parameter {key:?} (expected ms, bytes, seed)")),
        }
    }
    Ok((ms, bytes, seed))
}

/// The endpoint's body: `bytes` bytes of readable text (lines of 63 letters and digits), a
/// different text for every seed, so the same download is the same text everywhere.
pub fn endpoint_body(bytes: u32, seed: u64) -> Vec<u8> {
    const ALPHABET: &[u8; 36] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut state = seed ^ 0x7468_7265_6164_6c61; // "threadla"
    (0..bytes as usize)
        .map(|i| {
            if i % 64 == 63 {
                return b'\n';
            }
            // splitmix64
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            ALPHABET[((z ^ (z >> 31)) % 36) as usize]
        })
        .collect()
}

/// FNV-1a over the body: the compute part of a download task (under the GIL in threads-gil).
pub fn body_checksum(body: &[u8], cp: &mut impl Checkpoint) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    for chunk in body.chunks(4096) {
        for &b in chunk {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
        cp.tick();
    }
    hash
}

/// Why a URL may not be fetched, checked before anything runs: only absolute http(s) URLs with
/// a host.
pub fn check_url(url: &str) -> Result<(), String> {
    let lower = url.to_ascii_lowercase();
    let rest = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://"));
    let Some(rest) = rest else {
        return Err("only http:// and https:// URLs can be fetched".into());
    };
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("the URL contains spaces or control characters".into());
    }
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit('@').next().unwrap_or("");
    if host.is_empty() || host.starts_with(':') {
        return Err("the URL has no host".into());
    }
    Ok(())
}

/// The scheme ("https:") of the page a context belongs to, from its `location.href`: a process
/// worker runs from a blob: URL of the page ("blob:https://host/uuid"), whose own scheme is blob:.
pub fn page_protocol(location_href: &str) -> &str {
    let href = location_href.strip_prefix("blob:").unwrap_or(location_href);
    href.find(':').map_or("", |colon| &href[..=colon])
}

/// True when an https page would have the browser block `url` as mixed content. Browsers
/// treat loopback hosts as potentially trustworthy and allow them.
pub fn is_mixed_content(page_protocol: &str, url: &str) -> bool {
    if page_protocol != "https:" || !url.to_ascii_lowercase().starts_with("http://") {
        return false;
    }
    let host = url[7..].split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit('@').next().unwrap_or("");
    let name = if host.starts_with('[') {
        host.split(']').next().unwrap_or("").trim_start_matches('[')
    } else {
        host.split(':').next().unwrap_or("")
    };
    let loopback = name == "localhost" || name.ends_with(".localhost") || name.starts_with("127.") || name == "::1";
    !loopback
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NoCheckpoint;

    #[test]
    fn endpoint_bodies_are_deterministic_text_of_the_asked_size() {
        let a = endpoint_body(1000, 7);
        assert_eq!(a.len(), 1000);
        assert_eq!(a, endpoint_body(1000, 7));
        assert_ne!(a, endpoint_body(1000, 8));
        assert!(a.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'\n'));
        assert_eq!(a[63], b'\n');
        assert!(endpoint_body(0, 1).is_empty());
    }

    #[test]
    fn the_checksum_sees_every_byte_and_their_order() {
        let body = endpoint_body(10_000, 3);
        let sum = body_checksum(&body, &mut NoCheckpoint);
        let mut swapped = body.clone();
        swapped.swap(10, 9_990);
        assert_ne!(sum, body_checksum(&swapped, &mut NoCheckpoint));
        assert_ne!(sum, body_checksum(&body[..9_999], &mut NoCheckpoint));
        assert_eq!(body_checksum(b"", &mut NoCheckpoint), 0xcbf2_9ce4_8422_2325);
    }

    #[test]
    fn tasks_resolve_to_endpoint_urls_or_expanded_templates() {
        let builtin = Download { delay_ms: Some(50), ..Default::default() };
        let t = builtin.task(3, "http://h/io/delay", true);
        assert_eq!(t.url, "http://h/io/delay?ms=50&bytes=10240&seed=3");
        assert!(t.from_endpoint);
        assert_eq!(t.file.as_deref(), Some("d.txt"));
        assert_eq!(t.timeout_ms, DEFAULT_TIMEOUT_MS);
        assert_eq!(parse_endpoint_query(&t.url), Ok((50, 10_240, 3)));
        assert!(builtin.expected_checksum(3).is_some());

        let user = Download { url: Some("https://example.org/{letter}/{i}".into()), ..Default::default() };
        let t = user.task(27, "unused", false);
        assert_eq!(t.url, "https://example.org/b/27");
        assert!(!t.from_endpoint && t.file.is_none());
        assert_eq!(user.expected_checksum(0), None);
    }

    #[test]
    fn files_are_named_by_letter_and_never_collide() {
        assert_eq!(file_name(0), "a.txt");
        assert_eq!(file_name(25), "z.txt");
        assert_eq!(file_name(26), "a2.txt");
        let names: std::collections::HashSet<_> = (0..256).map(file_name).collect();
        assert_eq!(names.len(), 256);
    }

    #[test]
    fn endpoint_queries_are_checked() {
        assert_eq!(parse_endpoint_query("/io/delay"), Ok((DEFAULT_DELAY_MS, DEFAULT_BYTES, 0)));
        assert!(parse_endpoint_query("/io/delay?ms=-1").unwrap_err().contains("ms"));
        assert!(parse_endpoint_query("/io/delay?bytes=99999999").unwrap_err().contains("bytes"));
        assert!(parse_endpoint_query("/io/delay?x=1").unwrap_err().contains("unknown"));
    }

    #[test]
    fn the_page_protocol_of_a_blob_worker_is_its_page_s() {
        assert_eq!(page_protocol("blob:https://h.example/0b2c-11"), "https:");
        assert_eq!(page_protocol("https://h.example:8443/www/x.js"), "https:");
        assert_eq!(page_protocol("http://127.0.0.1:8080/"), "http:");
        assert_eq!(page_protocol(""), "");
        assert!(is_mixed_content(page_protocol("blob:https://h.example/0b2c"), "http://example.com/a"));
    }

    #[test]
    fn only_http_urls_with_a_host_pass() {
        assert!(check_url("https://example.org/a").is_ok());
        assert!(check_url("HTTP://127.0.0.1:8080").is_ok());
        for bad in [
            "ftp://x/",
            "javascript:alert(1)",
            "data:text/plain,x",
            "http://",
            "https:///path",
            "http://a b/",
            "/relative",
            "http://:80/",
        ] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn mixed_content_is_http_from_https_except_loopback() {
        assert!(is_mixed_content("https:", "http://example.org/"));
        assert!(!is_mixed_content("https:", "https://example.org/"));
        assert!(!is_mixed_content("http:", "http://example.org/"));
        assert!(!is_mixed_content("https:", "http://127.0.0.1:9/x"));
        assert!(!is_mixed_content("https:", "http://localhost:9/x"));
        assert!(!is_mixed_content("https:", "http://[::1]:9/x"));
    }
}
