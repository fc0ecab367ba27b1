//! First-run setup (`ldap2ftrack init`), the pure part: recognise the directory server from
//! its root DSE and schema, propose settings for its kind, and render the commented config.
//! `commands::init` asks the questions, talks to the servers and writes the files.

pub mod detect;
pub mod propose;
pub mod render;
