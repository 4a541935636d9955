use rapport_domain::{Contact, ContactId, Identity};
use uuid::Uuid;

use crate::Db;
use crate::error::{Result, StorageError};
use crate::ports::ContactStore;
use crate::rows::{ContactRow, IdentityRow};

impl Db {
    async fn with_identities(&self, row: ContactRow) -> Result<Contact> {
        let identities: Vec<IdentityRow> = dispatch!(self, |pool| {
            sqlx::query_as("SELECT kind, value FROM contact_identities WHERE contact_id = $1 ORDER BY kind, value")
                .bind(row.id)
                .fetch_all(pool)
                .await?
        });
        row.into_contact(identities)
    }
}

impl ContactStore for Db {
    #[tracing::instrument(skip_all)]
    async fn contact(&self, id: ContactId) -> Result<Contact> {
        let row: Option<ContactRow> = dispatch!(self, |pool| {
            sqlx::query_as(concat!("SELECT ", contact_columns!(), " FROM contacts WHERE id = $1"))
                .bind(id.as_uuid())
                .fetch_optional(pool)
                .await?
        });
        self.with_identities(row.ok_or(StorageError::NotFound("contact"))?).await
    }

    #[tracing::instrument(skip_all)]
    async fn search_contacts(&self, query: &str, limit: u32) -> Result<Vec<Contact>> {
        let escaped = query.trim().to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        let pattern = format!("%{escaped}%");
        let rows: Vec<ContactRow> = dispatch!(self, |pool| {
            sqlx::query_as(concat!(
                "SELECT ",
                contact_columns!(),
                " FROM contacts WHERE lower(name) LIKE $1 ESCAPE '\\' OR email LIKE $1 ESCAPE '\\' \
                 OR phone LIKE $1 ESCAPE '\\' ORDER BY name, id LIMIT $2"
            ))
            .bind(&pattern)
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await?
        });
        let mut contacts = Vec::with_capacity(rows.len());
        for row in rows {
            contacts.push(self.with_identities(row).await?);
        }
        Ok(contacts)
    }

    #[tracing::instrument(skip_all)]
    async fn contact_by_identity(&self, identity: &Identity) -> Result<Option<Contact>> {
        let id: Option<Uuid> = dispatch!(self, |pool| {
            sqlx::query_scalar("SELECT contact_id FROM contact_identities WHERE kind = $1 AND value = $2")
                .bind(identity.kind.as_str())
                .bind(&identity.value)
                .fetch_optional(pool)
                .await?
        });
        match id {
            Some(id) => self.contact(ContactId::from_uuid(id)).await.map(Some),
            None => Ok(None),
        }
    }
}
