//! What a protocol message costs from one side's value to the other side's value, as JSON text
//! (what the engines send today) and as a JS value made by serde-wasm-bindgen, each over a real
//! `postMessage` (a MessageChannel inside a dedicated worker, so structured cloning is counted).
//! A measurement, not a check: it prints its figures (docs/perf-notes.md quotes them) and only
//! asserts that both routes give the message back unchanged. It compiles only optimised (a
//! debug build's figures would mislead, and it outlasts the runner's time limit), so the test
//! suite's debug run skips it:
//! `cd crates/worker && CHROMEDRIVER=/usr/bin/chromedriver cargo test --release --target
//! wasm32-unknown-unknown --test protocol_transfer -- --nocapture`.
#![cfg(all(target_arch = "wasm32", not(debug_assertions)))]

use futures::channel::mpsc;
use futures::StreamExt;
use gloo_events::EventListener;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::fmt::Debug;
use threadlab_clock::now_ms;
use threadlab_lab::protocol::{TaskOutcome, WorkerReply, WorkerRequest};
use threadlab_workloads::Workload;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{MessageChannel, MessageEvent};

wasm_bindgen_test_configure!(run_in_dedicated_worker);

/// A message channel within this worker: what is posted on one end arrives at the other.
struct Channel {
    channel: MessageChannel,
    arrived: mpsc::UnboundedReceiver<JsValue>,
    _listener: EventListener,
}

impl Channel {
    fn new() -> Channel {
        let channel = MessageChannel::new().expect("MessageChannel");
        let (tx, arrived) = mpsc::unbounded();
        let listener = EventListener::new(&channel.port2(), "message", move |e| {
            let _ = tx.unbounded_send(e.unchecked_ref::<MessageEvent>().data());
        });
        channel.port2().start();
        Channel { channel, arrived, _listener: listener }
    }

    async fn send(&mut self, value: &JsValue) -> JsValue {
        self.channel.port1().post_message(value).expect("posted");
        self.arrived.next().await.expect("arrived")
    }
}

#[derive(Clone, Copy, Debug)]
enum Route {
    Json,
    Swb,
}

fn encode<T: Serialize>(route: Route, message: &T) -> JsValue {
    match route {
        Route::Json => JsValue::from_str(&serde_json::to_string(message).expect("serializes")),
        // Checksums are u64 and may exceed 2^53: BigInts, or serde-wasm-bindgen refuses them.
        Route::Swb => message
            .serialize(&serde_wasm_bindgen::Serializer::new().serialize_large_number_types_as_bigints(true))
            .expect("serializes"),
    }
}

fn decode<T: DeserializeOwned>(route: Route, value: JsValue) -> T {
    match route {
        Route::Json => serde_json::from_str(&value.as_string().expect("text")).expect("decodes"),
        Route::Swb => serde_wasm_bindgen::from_value(value).expect("decodes"),
    }
}

/// Median and minimum microseconds per message over `rounds` rounds of `per_round` messages,
/// the two routes alternating round by round so that both see the same state of the machine.
async fn measure<T: Serialize + DeserializeOwned + Debug>(name: &str, message: &T, check: impl Fn(&T) -> bool) {
    const ROUNDS: usize = 15;
    const PER_ROUND: usize = 200;
    let mut channel = Channel::new();
    let mut figures = [Vec::new(), Vec::new()];
    let mut json_bytes = 0;
    for round in 0..ROUNDS {
        for (i, route) in [Route::Json, Route::Swb].into_iter().enumerate() {
            let route = if round % 2 == 0 { route } else { [Route::Swb, Route::Json][i] };
            let start = now_ms();
            for _ in 0..PER_ROUND {
                let value = encode(route, message);
                if let Route::Json = route {
                    json_bytes = value.as_string().map_or(0, |s| s.len());
                }
                let back: T = decode(route, channel.send(&value).await);
                assert!(check(&back), "{route:?} changed the message: {back:?}");
            }
            let us = (now_ms() - start) * 1000.0 / PER_ROUND as f64;
            figures[matches!(route, Route::Swb) as usize].push(us);
        }
    }
    // Encode + decode alone, without the post, for the split.
    let mut alone = [0.0; 2];
    for (i, route) in [Route::Json, Route::Swb].into_iter().enumerate() {
        let start = now_ms();
        for _ in 0..PER_ROUND * 5 {
            let back: T = decode(route, encode(route, message));
            assert!(check(&back));
        }
        alone[i] = (now_ms() - start) * 1000.0 / (PER_ROUND * 5) as f64;
    }
    let stats = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        (v[v.len() / 2], v[0])
    };
    let (json_median, json_min) = stats(&mut figures[0]);
    let (swb_median, swb_min) = stats(&mut figures[1]);
    console_log!(
        "{name} ({json_bytes} B of JSON): with postMessage, JSON text {json_median:.1} us (min {json_min:.1}), \
         serde-wasm-bindgen {swb_median:.1} us (min {swb_min:.1}); encode+decode alone, JSON {:.1} us, \
         serde-wasm-bindgen {:.1} us",
        alone[0],
        alone[1]
    );
}

fn outcome(task: u32) -> TaskOutcome {
    TaskOutcome {
        task,
        worker: 1,
        start: 1_765_000_000_123.456 + f64::from(task),
        end: 1_765_000_000_223.789 + f64::from(task),
        checksum: 0x9E37_79B9_7F4A_7C15 ^ u64::from(task),
        ..Default::default()
    }
}

fn done(tasks: u32) -> WorkerReply {
    WorkerReply::Done { outcomes: (0..tasks).map(outcome).collect() }
}

fn is_done(tasks: u32) -> impl Fn(&WorkerReply) -> bool {
    move |r| matches!(r, WorkerReply::Done { outcomes } if *outcomes == (0..tasks).map(outcome).collect::<Vec<_>>())
}

#[wasm_bindgen_test]
async fn a_run_request() {
    let request = WorkerRequest::Run {
        workload: Workload::Fib { n: 30 },
        tasks: 20,
        indices: vec![4, 5, 6],
        concurrent: false,
        worker: 1,
        endpoint: "http://127.0.0.1:8080/__threadlab/endpoint".into(),
    };
    measure(
        "run request (3 tasks)",
        &request,
        |r| matches!(r, WorkerRequest::Run { indices, .. } if indices == &[4, 5, 6]),
    )
    .await;
}

#[wasm_bindgen_test]
async fn a_reply_of_one_task() {
    measure("done reply, 1 outcome", &done(1), is_done(1)).await;
}

#[wasm_bindgen_test]
async fn a_reply_of_a_chunk() {
    measure("done reply, 10 outcomes", &done(10), is_done(10)).await;
}

#[wasm_bindgen_test]
async fn a_reply_of_a_whole_run() {
    measure("done reply, 100 outcomes", &done(100), is_done(100)).await;
}
