//! Dispatch macros: one body, expanded once per backend, so the two implementations cannot drift.

/// Expand `$body` once per backend with `$pool` bound to that backend's reading pool.
macro_rules! dispatch {
    ($db:expr, |$pool:ident| $body:expr) => {
        match &*$db.backend {
            $crate::backend::Backend::Sqlite(s) => {
                let $pool = &s.readers;
                $body
            }
            $crate::backend::Backend::Postgres(p) => {
                let $pool = p;
                $body
            }
        }
    };
}

/// Expand `$body` once per backend inside a write transaction `$tx` (retried on transient errors).
/// `$body` evaluates to `Result<T>`; the transaction commits when it is `Ok`.
macro_rules! write_tx {
    ($db:expr, |$tx:ident| $body:expr) => {
        match &*$db.backend {
            $crate::backend::Backend::Sqlite(s) => {
                $crate::backend::retry(|| async {
                    let mut $tx = s.writer.begin_with("BEGIN IMMEDIATE").await?;
                    let out = $body?;
                    $tx.commit().await?;
                    Ok(out)
                })
                .await
            }
            $crate::backend::Backend::Postgres(p) => {
                $crate::backend::retry(|| async {
                    let mut $tx = p.begin().await?;
                    let out = $body?;
                    $tx.commit().await?;
                    Ok(out)
                })
                .await
            }
        }
    };
}

// SQL fragments as macros so `concat!` can build `&'static str` queries (sqlx only takes static SQL).

macro_rules! contact_columns {
    () => {
        "id, name, email, phone, created_at"
    };
}

macro_rules! summary_select {
    () => {
        "SELECT c.id, c.contact_id, c.channel_id, c.status, c.priority, \
    c.assignee_id, c.team_id, c.site_id, c.subject, c.preview, c.created_at, c.updated_at, c.first_response_at, \
    c.resolved_at, c.last_customer_message_at, c.last_agent_message_at, c.mood, c.message_count, \
    ct.name AS contact_name, ch.name AS channel_name, ch.kind AS channel_kind, a.name AS assignee_name \
    FROM conversations c \
    JOIN contacts ct ON ct.id = c.contact_id \
    JOIN channels ch ON ch.id = c.channel_id \
    LEFT JOIN agents a ON a.id = c.assignee_id"
    };
}

macro_rules! message_columns {
    () => {
        "id, conversation_id, direction, author_kind, author_id, text, html, \
    metadata, external_id, sent_at, received_at, mood_score, mood_label, analysis"
    };
}

macro_rules! agent_columns {
    () => {
        "id, name, email, role, team_id, active, created_at"
    };
}

macro_rules! channel_select {
    () => {
        "SELECT id, kind, name, settings FROM channels"
    };
}
