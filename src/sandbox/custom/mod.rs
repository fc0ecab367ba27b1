//! User custom attributes in the sandbox: the attribute types every server has, the dense
//! value rows (one per user and user configuration, holding the configuration's default until
//! a value is set), the check of a value against its type, and configurations and values in
//! snapshot files.
//!
//! Rows are made by the store itself (see [`rows`]), when a user or a user configuration is
//! created, so that a seed and the API keep the same invariant. Clients change values with
//! an `update` of `UserCustomAttributeValue` keyed `[configuration_id, user_id]`; creating or
//! deleting one is refused, as ftrack's Python client expects of a dense type.
//!
//! Where ftrack's behaviour is not documented, the sandbox makes these choices: a row keeps
//! the default its configuration had when the row was made; a configuration's `key` and
//! `entity_type` cannot change; a user configuration cannot name a project or object type.

mod builtin;
mod rows;
mod snapshot;

pub use builtin::{built_in_types, type_row};
pub use rows::{VALUE, after_write, check_write, refused};
pub use snapshot::{CustomSeed, configurations_of, user_values};
