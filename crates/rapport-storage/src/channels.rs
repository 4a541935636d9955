use rapport_domain::{Channel, ChannelId, ChannelKind};
use uuid::Uuid;

use crate::error::{Result, StorageError};
use crate::ports::ChannelStore;
use crate::rows::ChannelRow;
use crate::{Db, time};

impl ChannelStore for Db {
    #[tracing::instrument(skip_all)]
    async fn ensure_channel(&self, kind: ChannelKind, name: &str) -> Result<Channel> {
        let now = time::to_db(jiff::Timestamp::now());
        write_tx!(self, |tx| {
            sqlx::query(
                "INSERT INTO channels (id, kind, name, settings, created_at) VALUES ($1, $2, $3, '{}', $4) \
                 ON CONFLICT (name) DO NOTHING",
            )
            .bind(Uuid::now_v7())
            .bind(kind.as_str())
            .bind(name)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map(|_| ())
            .map_err(StorageError::from)
        })?;
        self.channel_by_name(name).await?.ok_or(StorageError::NotFound("channel"))
    }

    #[tracing::instrument(skip_all)]
    async fn channel_by_name(&self, name: &str) -> Result<Option<Channel>> {
        let row: Option<ChannelRow> = dispatch!(self, |pool| {
            sqlx::query_as(concat!(channel_select!(), " WHERE name = $1")).bind(name).fetch_optional(pool).await?
        });
        row.map(Channel::try_from).transpose()
    }

    #[tracing::instrument(skip_all)]
    async fn channel(&self, id: ChannelId) -> Result<Channel> {
        let row: Option<ChannelRow> = dispatch!(self, |pool| {
            sqlx::query_as(concat!(channel_select!(), " WHERE id = $1")).bind(id.as_uuid()).fetch_optional(pool).await?
        });
        row.ok_or(StorageError::NotFound("channel")).and_then(Channel::try_from)
    }

    #[tracing::instrument(skip_all)]
    async fn list_channels(&self) -> Result<Vec<Channel>> {
        let rows: Vec<ChannelRow> =
            dispatch!(self, |pool| sqlx::query_as(concat!(channel_select!(), " ORDER BY name"))
                .fetch_all(pool)
                .await?);
        rows.into_iter().map(Channel::try_from).collect()
    }
}
