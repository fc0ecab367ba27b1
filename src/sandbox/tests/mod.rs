//! Tests of the sandbox: query evaluation, the served schema, the HTTP server and the store.

mod evaluate;
mod schema;
mod server;
mod store;
