//! Tests of the sandbox: query evaluation, the served schema, the HTTP server, the store,
//! security roles (actions, queries, seed and dump), and user custom attributes.

mod access_seed;
mod answer_bytes;
mod custom;
mod evaluate;
mod http;
mod roles;
mod roles_checks;
mod roles_fixture;
mod roles_query;
mod schema;
mod server;
mod store;
