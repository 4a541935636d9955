use rapport_domain::{Site, SiteId, Team, TeamId};
use uuid::Uuid;

use crate::Db;
use crate::error::{Result, StorageError};
use crate::ports::OrgStore;

#[derive(sqlx::FromRow)]
struct TeamRow {
    id: Uuid,
    name: String,
}

#[derive(sqlx::FromRow)]
struct SiteRow {
    id: Uuid,
    name: String,
    time_zone: String,
}

impl OrgStore for Db {
    #[tracing::instrument(skip_all)]
    async fn ensure_team(&self, name: &str) -> Result<Team> {
        let row: TeamRow = write_tx!(self, |tx| {
            sqlx::query("INSERT INTO teams (id, name) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
                .bind(Uuid::now_v7())
                .bind(name)
                .execute(&mut *tx)
                .await?;
            sqlx::query_as("SELECT id, name FROM teams WHERE name = $1")
                .bind(name)
                .fetch_one(&mut *tx)
                .await
                .map_err(StorageError::from)
        })?;
        Ok(Team { id: TeamId::from_uuid(row.id), name: row.name })
    }

    #[tracing::instrument(skip_all)]
    async fn ensure_site(&self, name: &str, time_zone: &str) -> Result<Site> {
        let row: SiteRow = write_tx!(self, |tx| {
            sqlx::query("INSERT INTO sites (id, name, time_zone) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING")
                .bind(Uuid::now_v7())
                .bind(name)
                .bind(time_zone)
                .execute(&mut *tx)
                .await?;
            sqlx::query_as("SELECT id, name, time_zone FROM sites WHERE name = $1")
                .bind(name)
                .fetch_one(&mut *tx)
                .await
                .map_err(StorageError::from)
        })?;
        Ok(Site { id: SiteId::from_uuid(row.id), name: row.name, time_zone: row.time_zone })
    }

    #[tracing::instrument(skip_all)]
    async fn list_teams(&self) -> Result<Vec<Team>> {
        let rows: Vec<TeamRow> =
            dispatch!(self, |pool| sqlx::query_as("SELECT id, name FROM teams ORDER BY name").fetch_all(pool).await?);
        Ok(rows.into_iter().map(|r| Team { id: TeamId::from_uuid(r.id), name: r.name }).collect())
    }

    #[tracing::instrument(skip_all)]
    async fn list_sites(&self) -> Result<Vec<Site>> {
        let rows: Vec<SiteRow> = dispatch!(self, |pool| {
            sqlx::query_as("SELECT id, name, time_zone FROM sites ORDER BY name").fetch_all(pool).await?
        });
        Ok(rows
            .into_iter()
            .map(|r| Site { id: SiteId::from_uuid(r.id), name: r.name, time_zone: r.time_zone })
            .collect())
    }
}
