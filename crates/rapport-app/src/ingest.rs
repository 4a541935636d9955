//! A customer message arrives: parse it, analyse it, store it durably.

use jiff::Timestamp;
use rapport_analysis::MessageAnalysis;
use rapport_domain::channel::parse_channel_name;
use rapport_domain::contact::parse_person_name;
use rapport_domain::message::parse_message_text;
use rapport_domain::{ContactId, ConversationId, Identity, MessageId, MessageMood, MoodLabel};
use rapport_storage::{ChannelStore, InboundRecord, IngestStore, MessageStore};

use crate::{Actor, App, AppError, Permission};

/// Longest external id a sender may give.
const MAX_EXTERNAL_ID: usize = 256;

#[derive(Debug, Clone, Default)]
pub struct InboundContact {
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub handle: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct InboundMessage {
    pub channel: String,
    pub contact: InboundContact,
    pub text: String,
    pub subject: Option<String>,
    pub external_id: Option<String>,
    pub sent_at: Option<Timestamp>,
    pub metadata: Option<serde_json::Value>,
}

#[derive(Debug, Clone)]
pub struct Ingested {
    pub conversation_id: ConversationId,
    pub message_id: MessageId,
    pub contact_id: ContactId,
    /// False when the same external id was seen before; the ids are the first message's.
    pub created: bool,
    pub analysis: MessageAnalysis,
}

fn identities(contact: &InboundContact) -> Result<Vec<Identity>, AppError> {
    let mut out = Vec::new();
    if let Some(email) = contact.email.as_deref().filter(|s| !s.trim().is_empty()) {
        out.push(Identity::email(email)?);
    }
    if let Some(phone) = contact.phone.as_deref().filter(|s| !s.trim().is_empty()) {
        out.push(Identity::phone(phone)?);
    }
    if let Some(handle) = contact.handle.as_deref().filter(|s| !s.trim().is_empty()) {
        out.push(Identity::handle(handle)?);
    }
    Ok(out)
}

pub fn mood_of(analysis: &MessageAnalysis) -> MessageMood {
    let label = match analysis.sentiment.label {
        rapport_analysis::SentimentLabel::Negative => MoodLabel::Negative,
        rapport_analysis::SentimentLabel::Neutral => MoodLabel::Neutral,
        rapport_analysis::SentimentLabel::Positive => MoodLabel::Positive,
    };
    MessageMood { label, score: analysis.sentiment.score }
}

impl App {
    #[tracing::instrument(skip_all, fields(channel = %message.channel))]
    pub async fn ingest(&self, actor: &Actor, message: InboundMessage) -> Result<Ingested, AppError> {
        actor.require(Permission::Ingest)?;
        let now = Timestamp::now();
        let channel_name =
            parse_channel_name(&message.channel).map_err(|_| AppError::UnknownChannel(message.channel.clone()))?;
        let channel = match self.channels.get(&channel_name) {
            Some(channel) => channel,
            None => {
                let channel = self
                    .db
                    .channel_by_name(&channel_name)
                    .await?
                    .ok_or_else(|| AppError::UnknownChannel(channel_name.clone()))?;
                self.channels.insert(channel_name, channel.clone());
                channel
            }
        };
        let text = parse_message_text(&message.text)?;
        let contact_name = parse_person_name(&message.contact.name)?;
        let identities = identities(&message.contact)?;
        if let Some(id) = &message.external_id
            && (id.is_empty() || id.len() > MAX_EXTERNAL_ID)
        {
            return Err(AppError::Validation(format!("external_id must have 1 to {MAX_EXTERNAL_ID} bytes")));
        }
        let subject =
            message.subject.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(|s| s.chars().take(200).collect());
        // A sender's clock may run ahead; a message is never dated after it arrived.
        let sent_at = message.sent_at.map_or(now, |t| t.min(now));
        let analysis = self.engine.analyze_customer(&text);
        let record = InboundRecord {
            channel_id: channel.id,
            contact_name,
            identities,
            text,
            html: None,
            metadata: message.metadata.unwrap_or_else(|| serde_json::json!({})),
            external_id: message.external_id,
            subject,
            sent_at,
            received_at: now,
            mood: Some(mood_of(&analysis)),
            analysis: Some(serde_json::to_string(&analysis).map_err(|e| AppError::Internal(e.to_string()))?),
        };
        let outcome = self.db.ingest(record).await?;
        let analysis = if outcome.created {
            analysis
        } else {
            let first = self.db.message(outcome.message_id).await?;
            first
                .analysis
                .and_then(|a| serde_json::from_value(a).ok())
                .unwrap_or_else(|| self.engine.analyze_customer(&first.text))
        };
        Ok(Ingested {
            conversation_id: outcome.conversation_id,
            message_id: outcome.message_id,
            contact_id: outcome.contact_id,
            created: outcome.created,
            analysis,
        })
    }
}
