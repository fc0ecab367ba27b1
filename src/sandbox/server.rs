//! The sandbox's HTTP side: `POST /api` with ftrack's request and response shapes.
//!
//! Every request is authenticated by the `ftrack-user` and `ftrack-api-key` headers, and the
//! user they name must be an active `User` (created at start when the store has none).
//! The `/sandbox/*` control endpoints take the same headers and answer 401 without them.
//! Errors replace the whole response with one `{"exception", "content", "error_code"}` object, sent
//! with HTTP 200 unless the client asked for `ftrack-strict-api: true` (then 4xx/5xx). A
//! request's operations run in order, each seeing the earlier ones, and a failure undoes them
//! all. Requests that only read run side by side; one that writes has the store alone.
//! Responses are normalised (each entity in full once) unless `ftrack-api-options` asks for
//! `denormalize`.

use super::dispatch::{execute, execute_reads};
use super::faults::{FaultPlan, Faults, Verdict};
use super::normalise::Form;
use super::request::decode;
use super::seed::{ensure_api_user, snapshot_of};
use super::store::{Store, StoreError};
use super::traffic::{Traffic, summary};
use crate::ftrack::wire::ErrorBody;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{Extensions, HeaderMap, HeaderValue, StatusCode, Version, header};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::Value;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock, RwLockReadGuard, RwLockWriteGuard};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tower_http::compression::CompressionLayer;

pub use super::dispatch::SERVER_VERSION;

/// The API user and key the sandbox accepts.
#[derive(Clone)]
pub struct Credentials {
    /// Value of the `ftrack-user` header.
    pub api_user: String,
    /// Value of the `ftrack-api-key` header.
    pub api_key: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("api_user", &self.api_user)
            .field("api_key", &"********")
            .finish()
    }
}

#[derive(Clone)]
struct Shared {
    store: Arc<RwLock<Store>>,
    credentials: Arc<Credentials>,
    control: Arc<Mutex<Control>>,
    /// Whether answers are compressed for clients that accept gzip ([`Faults::gzip`]).
    gzip: Arc<AtomicBool>,
}

/// Fault plan and counters, shared by all requests.
struct Control {
    plan: FaultPlan,
    stats: Stats,
    traffic: Traffic,
}

/// An API request in flight: it leaves the traffic when dropped, even if the client went
/// away first.
struct InFlight {
    control: Arc<Mutex<Control>>,
    arrived: u64,
    operations: Vec<String>,
}

impl InFlight {
    fn arrive(control: &Arc<Mutex<Control>>) -> Self {
        let arrived = lock(control).traffic.arrive();
        Self {
            control: Arc::clone(control),
            arrived,
            operations: Vec::new(),
        }
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        let operations = std::mem::take(&mut self.operations);
        lock(&self.control).traffic.leave(self.arrived, operations);
    }
}

/// Counters served at `GET /sandbox/stats`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Stats {
    /// `POST /api` requests received.
    pub requests: u64,
    /// Operations received, by action.
    pub operations: BTreeMap<String, u64>,
    /// Requests answered with an injected fault.
    pub errors_injected: u64,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The store for reading, shared with other readers (recovered if a request panicked).
fn read_store(store: &RwLock<Store>) -> RwLockReadGuard<'_, Store> {
    store
        .read()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The store for writing, alone (recovered if a request panicked).
fn write_store(store: &RwLock<Store>) -> RwLockWriteGuard<'_, Store> {
    store
        .write()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A sandbox serving on a local port until stopped.
pub struct RunningSandbox {
    /// The server URL to give ftrack clients, e.g. `http://127.0.0.1:41234`.
    pub url: String,
    store: Arc<RwLock<Store>>,
    shutdown: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

impl RunningSandbox {
    /// A copy of the current entities.
    pub fn store(&self) -> Store {
        read_store(&self.store).clone()
    }

    /// Stops serving and waits for the server task to end.
    pub async fn stop(self) {
        let _ = self.shutdown.send(());
        let _ = self.task.await;
    }
}

/// Starts serving `store` on `listen` (port 0 picks a free port), adding the API user to the
/// store when it has no user of that name.
pub async fn start(
    listen: SocketAddr,
    credentials: Credentials,
    mut store: Store,
    faults: Faults,
) -> std::io::Result<RunningSandbox> {
    ensure_api_user(&mut store, &credentials.api_user).map_err(|e| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("cannot add the API user {:?}: {e}", credentials.api_user),
        )
    })?;
    let listener = TcpListener::bind(listen).await?;
    let address = listener.local_addr()?;
    let store = Arc::new(RwLock::new(store));
    let gzip = Arc::new(AtomicBool::new(faults.gzip));
    let control = Control {
        plan: FaultPlan::new(faults),
        stats: Stats::default(),
        traffic: Traffic::default(),
    };
    let shared = Shared {
        store: Arc::clone(&store),
        credentials: Arc::new(credentials),
        control: Arc::new(Mutex::new(control)),
        gzip: Arc::clone(&gzip),
    };
    let control = Router::new()
        .route("/sandbox/state", get(state))
        .route("/sandbox/stats", get(stats))
        .route("/sandbox/traffic", get(traffic))
        .route("/sandbox/faults", post(set_faults))
        .route_layer(from_fn_with_state(shared.clone(), require_key));
    let app = Router::new()
        .route("/api", post(handle))
        .route("//api", post(handle))
        .merge(control)
        .with_state(shared)
        .layer(CompressionLayer::new().compress_when(
            move |_: StatusCode, _: Version, _: &HeaderMap, _: &Extensions| {
                gzip.load(Ordering::Relaxed)
            },
        ));
    let (shutdown, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let server = axum::serve(listener, app).with_graceful_shutdown(async {
            let _ = stopped.await;
        });
        if let Err(error) = server.await {
            eprintln!("ftrack sandbox stopped: {error}");
        }
    });
    Ok(RunningSandbox {
        url: format!("http://{address}"),
        store,
        shutdown,
        task,
    })
}

async fn handle(State(shared): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let mut in_flight = InFlight::arrive(&shared.control);
    let (verdict, latency) = {
        let mut control = lock(&shared.control);
        control.stats.requests += 1;
        let verdict = control.plan.decide();
        if verdict != Verdict::Serve {
            control.stats.errors_injected += 1;
        }
        (verdict, control.plan.latency())
    };
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    match verdict {
        Verdict::Serve => {}
        Verdict::Reject(status, retry_after) => return rejected(status, retry_after),
        Verdict::Fail => {
            let error = StoreError {
                exception: "ServerError",
                message: "injected failure: the sandbox was told to fail this request".to_string(),
            };
            let mut response = error_response(&error, true);
            *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
            return response;
        }
        Verdict::Drop => return dropped(),
    }
    // Off the async workers, as a real server runs requests side by side: a request waiting
    // for the store's lock, or running a long query, must not hold up accepting, reading and
    // the latency timers of the requests behind it. Measured with 50 ms latency and 8 pages of
    // 1000 users at once on two workers, the inline version let the waits add up.
    let operations = std::mem::take(&mut in_flight.operations);
    let served = tokio::task::spawn_blocking(move || {
        let mut operations = operations;
        let response = serve(&shared, &headers, &body, &mut operations);
        (response, operations)
    })
    .await;
    match served {
        Ok((response, operations)) => {
            in_flight.operations = operations;
            response
        }
        Err(error) => std::panic::resume_unwind(error.into_panic()),
    }
}

/// Runs the request's operations, noting them in short in `ran` once decoded.
fn serve(shared: &Shared, headers: &HeaderMap, body: &Bytes, ran: &mut Vec<String>) -> Response {
    let strict = header_is(headers, "ftrack-strict-api", "true");
    if !presents_credentials(&shared.credentials, headers) || !api_user_is_active(shared) {
        return error_response(&invalid_credentials(), strict);
    }
    let removal = read_store(&shared.store).removal_action();
    let operations = match decode(body, removal) {
        Ok(operations) => operations,
        Err(error) => return error_response(&error, strict),
    };
    ran.extend(operations.iter().map(summary));
    {
        let mut control = lock(&shared.control);
        for operation in &operations {
            *control
                .stats
                .operations
                .entry(operation.action().to_string())
                .or_default() += 1;
        }
    }
    let form = answer_form(headers);
    // Reads run side by side, as on a real server; a request that writes has the store alone.
    let read = {
        let store = read_store(&shared.store);
        execute_reads(&store, &operations, form)
    };
    let outcome = read.unwrap_or_else(|| {
        let mut results = execute(&mut write_store(&shared.store), &operations)?;
        form.apply(&mut results);
        Ok(results)
    });
    match outcome {
        Ok(results) => json_response(StatusCode::OK, &Value::Array(results)),
        Err(error) => error_response(&error, strict),
    }
}

/// The form the client asked its answer in: normalised unless `ftrack-api-options` names
/// `denormalize`.
fn answer_form(headers: &HeaderMap) -> Form {
    let denormalize = headers
        .get("ftrack-api-options")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("denormalize"));
    if denormalize {
        Form::Denormalised
    } else {
        Form::Normalised
    }
}

/// An overloaded proxy's answer: not ftrack JSON, just a status and maybe `Retry-After`.
fn rejected(status: u16, retry_after: Option<u64>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    let mut response = (status, status.canonical_reason().unwrap_or("unavailable")).into_response();
    if let Some(seconds) = retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

/// A response whose body fails after the headers, so the client sees the connection break.
fn dropped() -> Response {
    let body = axum::body::Body::from_stream(BrokenBody);
    let mut response = Response::new(body);
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// A body stream that fails at once.
struct BrokenBody;

impl futures_core::Stream for BrokenBody {
    type Item = Result<Bytes, std::io::Error>;
    fn poll_next(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        std::task::Poll::Ready(Some(Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "injected drop",
        ))))
    }
}

/// `GET /sandbox/stats`: request and operation counters.
async fn stats(State(shared): State<Shared>) -> Response {
    let stats = lock(&shared.control).stats.clone();
    json_response(
        StatusCode::OK,
        &serde_json::to_value(stats).unwrap_or(Value::Null),
    )
}

/// `GET /sandbox/traffic`: the most requests in flight at once, and when each came and went.
async fn traffic(State(shared): State<Shared>) -> Response {
    let traffic = lock(&shared.control).traffic.clone();
    json_response(
        StatusCode::OK,
        &serde_json::to_value(traffic).unwrap_or(Value::Null),
    )
}

/// `POST /sandbox/faults`: replaces the fault plan (JSON object of [`Faults`]).
async fn set_faults(State(shared): State<Shared>, body: Bytes) -> Response {
    match serde_json::from_slice::<Faults>(&body) {
        Ok(faults) => {
            lock(&shared.control).plan = FaultPlan::new(faults.clone());
            shared.gzip.store(faults.gzip, Ordering::Relaxed);
            json_response(
                StatusCode::OK,
                &serde_json::to_value(faults).unwrap_or(Value::Null),
            )
        }
        Err(e) => (
            StatusCode::BAD_REQUEST,
            format!("expected a JSON fault plan: {e}"),
        )
            .into_response(),
    }
}

/// `GET /sandbox/state`: the users and groups in the snapshot format (for tests and people).
async fn state(State(shared): State<Shared>) -> Response {
    let snapshot = snapshot_of(&read_store(&shared.store));
    json_response(
        StatusCode::OK,
        &serde_json::to_value(snapshot).unwrap_or(Value::Null),
    )
}

/// Lets a control request through only with the API's user and key headers; otherwise 401
/// with the API's error object.
///
/// Only the headers are checked, not the user's account: a test whose sync deactivated the
/// API user can still read `/sandbox/state` to see how that happened.
async fn require_key(State(shared): State<Shared>, request: Request, next: Next) -> Response {
    if presents_credentials(&shared.credentials, request.headers()) {
        return next.run(request).await;
    }
    // Strict mode's status for this error is 401.
    error_response(&invalid_credentials(), true)
}

/// Whether the request carries the configured `ftrack-user` and `ftrack-api-key`.
fn presents_credentials(credentials: &Credentials, headers: &HeaderMap) -> bool {
    header_is(headers, "ftrack-user", &credentials.api_user)
        && header_is(headers, "ftrack-api-key", &credentials.api_key)
}

/// Whether the API user is a user of the store and active: a real server refuses the key of
/// a deactivated or deleted user.
fn api_user_is_active(shared: &Shared) -> bool {
    read_store(&shared.store)
        .user_by_username(&shared.credentials.api_user)
        .is_some_and(|user| user.get("is_active") == Some(&Value::Bool(true)))
}

/// The error a real server sends for a bad key or user (ftrack-protocol.md §2).
fn invalid_credentials() -> StoreError {
    StoreError {
        exception: "InvalidCredentialsError",
        message: "The supplied API key is not valid. API keys are created from Settings under the page API keys. The api key should be passed in the request header \"ftrack-api-key\".".to_string(),
    }
}

fn header_is(headers: &HeaderMap, name: &str, expected: &str) -> bool {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == expected)
}

fn error_response(error: &StoreError, strict: bool) -> Response {
    let body = ErrorBody {
        exception: error.exception.to_string(),
        content: error.message.clone(),
        error_code: None,
    };
    let status = if !strict {
        StatusCode::OK
    } else {
        match error.exception {
            "InvalidCredentialsError" => StatusCode::UNAUTHORIZED,
            "NoResultFoundError" => StatusCode::NOT_FOUND,
            "ValidationError"
            | "ParseError"
            | "ImmutableAttributeError"
            | "DuplicateEntryError" => StatusCode::BAD_REQUEST,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
    };
    json_response(status, &serde_json::to_value(body).unwrap_or(Value::Null))
}

fn json_response(status: StatusCode, body: &Value) -> Response {
    // Straight to bytes: `to_string` would go through `fmt::Display`.
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    let mut response = (status, bytes).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    response
}
