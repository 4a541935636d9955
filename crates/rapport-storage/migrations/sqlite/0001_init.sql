-- Rapport schema, SQLite (kept line by line beside the PostgreSQL one). Kept portable for distributed engines: ids are UUIDv7 made by the
-- application, times are BIGINT milliseconds since the Unix epoch, no sequences, triggers or functions.

CREATE TABLE teams (
    id BLOB PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE sites (
    id BLOB PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    time_zone TEXT NOT NULL
);

CREATE TABLE agents (
    id BLOB PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    team_id BLOB REFERENCES teams (id),
    password_hash TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE api_tokens (
    id BLOB PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    revoked BOOLEAN NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    agent_id BLOB NOT NULL REFERENCES agents (id),
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE TABLE channels (
    id BLOB PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL UNIQUE,
    settings TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE contacts (
    id BLOB PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    created_at BIGINT NOT NULL
);

CREATE TABLE contact_identities (
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    contact_id BLOB NOT NULL REFERENCES contacts (id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (kind, value)
);
CREATE INDEX contact_identities_contact ON contact_identities (contact_id);

CREATE TABLE conversations (
    id BLOB PRIMARY KEY,
    contact_id BLOB NOT NULL REFERENCES contacts (id),
    channel_id BLOB NOT NULL REFERENCES channels (id),
    status TEXT NOT NULL,
    priority TEXT NOT NULL,
    assignee_id BLOB REFERENCES agents (id),
    team_id BLOB REFERENCES teams (id),
    site_id BLOB REFERENCES sites (id),
    subject TEXT NOT NULL,
    preview TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    first_response_at BIGINT,
    resolved_at BIGINT,
    last_customer_message_at BIGINT,
    last_agent_message_at BIGINT,
    mood REAL,
    mood_label TEXT,
    message_count BIGINT NOT NULL
);
CREATE INDEX conversations_recent ON conversations (updated_at DESC, id DESC);
CREATE INDEX conversations_status ON conversations (status, updated_at DESC, id DESC);
CREATE INDEX conversations_channel ON conversations (channel_id, status, updated_at DESC);
CREATE INDEX conversations_assignee ON conversations (assignee_id, status, updated_at DESC);
CREATE INDEX conversations_contact ON conversations (contact_id, channel_id, status);
-- One active conversation per customer and channel: concurrent first messages cannot open two.
CREATE UNIQUE INDEX conversations_one_active ON conversations (contact_id, channel_id)
    WHERE status IN ('open', 'pending', 'resolved');

CREATE TABLE messages (
    id BLOB PRIMARY KEY,
    conversation_id BLOB NOT NULL REFERENCES conversations (id),
    channel_id BLOB NOT NULL REFERENCES channels (id),
    direction TEXT NOT NULL,
    author_kind TEXT NOT NULL,
    author_id BLOB,
    text TEXT NOT NULL,
    html TEXT,
    metadata TEXT NOT NULL,
    external_id TEXT,
    sent_at BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    mood_score REAL,
    mood_label TEXT,
    analysis TEXT
);
CREATE INDEX messages_conversation ON messages (conversation_id, sent_at, id);
CREATE UNIQUE INDEX messages_external ON messages (channel_id, external_id) WHERE external_id IS NOT NULL;
