//! The ftrack operations the engine needs, as a trait object so the engine does not care
//! whether it talks to a server over HTTP or to something else that speaks the same way.

use crate::custom::CustomAttribute;
use crate::ftrack::access::{Access, read_access_of};
use crate::ftrack::batch::{OnDuplicate, OperationOutcome};
use crate::ftrack::client::FtrackClient;
use crate::ftrack::custom::read_configurations;
use crate::ftrack::error::FtrackError;
use crate::ftrack::read::{LiveUser, read_groups, read_users_where};
use crate::ftrack::removal::write_with_removal_name;
use crate::ftrack::wire::Operation;
use crate::ids::FtrackId;
use crate::model::FtrackGroup;
use std::future::Future;
use std::pin::Pin;

/// A boxed future, so that the trait stays object-safe.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What applying a plan asks of ftrack.
pub trait FtrackApi: Send + Sync {
    /// The users whose `field` (`id` or `username`) is among `values`, as they are now.
    fn users_where<'a>(
        &'a self,
        field: &'a str,
        values: &'a [String],
    ) -> BoxFuture<'a, Result<Vec<LiveUser>, FtrackError>>;

    /// Every group.
    fn groups(&self) -> BoxFuture<'_, Result<Vec<FtrackGroup>, FtrackError>>;

    /// The security roles and projects, and these users' roles, as they are now.
    fn access<'a>(&'a self, users: &'a [FtrackId]) -> BoxFuture<'a, Result<Access, FtrackError>>;

    /// The user custom attribute configurations, as they are now.
    fn custom_attributes(&self) -> BoxFuture<'_, Result<Vec<CustomAttribute>, FtrackError>>;

    /// Sends one batch; one outcome per operation (a refused batch is split to find the
    /// culprits, except as `on_duplicate` says).
    fn write<'a>(
        &'a self,
        operations: &'a [Operation],
        on_duplicate: OnDuplicate,
    ) -> BoxFuture<'a, Vec<OperationOutcome>>;

    /// HTTP requests sent so far.
    fn requests(&self) -> usize;

    /// Answers so far that said ftrack is overloaded (429 or 503), retried or not: the
    /// engine sends fewer batches at once when this grows.
    fn throttled(&self) -> usize;
}

impl FtrackApi for FtrackClient {
    fn users_where<'a>(
        &'a self,
        field: &'a str,
        values: &'a [String],
    ) -> BoxFuture<'a, Result<Vec<LiveUser>, FtrackError>> {
        Box::pin(read_users_where(self, field, values))
    }

    fn groups(&self) -> BoxFuture<'_, Result<Vec<FtrackGroup>, FtrackError>> {
        Box::pin(read_groups(self))
    }

    fn access<'a>(&'a self, users: &'a [FtrackId]) -> BoxFuture<'a, Result<Access, FtrackError>> {
        Box::pin(read_access_of(self, users))
    }

    fn custom_attributes(&self) -> BoxFuture<'_, Result<Vec<CustomAttribute>, FtrackError>> {
        Box::pin(read_configurations(self))
    }

    fn write<'a>(
        &'a self,
        operations: &'a [Operation],
        on_duplicate: OnDuplicate,
    ) -> BoxFuture<'a, Vec<OperationOutcome>> {
        Box::pin(write_with_removal_name(
            self,
            operations,
            operations.len().max(1),
            on_duplicate,
        ))
    }

    fn requests(&self) -> usize {
        FtrackClient::requests(self)
    }

    fn throttled(&self) -> usize {
        FtrackClient::throttled(self)
    }
}
