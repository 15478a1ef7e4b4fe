//! What every request and job can reach: pools, keys, rules, settings and the clock.

use std::sync::Arc;

use sqlx::PgPool;

use crate::channels::Channels;
use crate::clock::Clock;
use crate::crypto::KeyRing;
use crate::intake::ConversationTexts;
use crate::redis_store::RedisStore;
use crate::settings::Settings;
use crate::triage::{RulesCell, TriageRules};

#[derive(Clone)]
pub struct AppContext {
    /// The system of record.
    pub db: PgPool,
    /// Sessions and rate limits; may be down without stopping intake or the queue.
    pub redis: RedisStore,
    pub keys: Arc<KeyRing>,
    /// The triage rules in force (reloadable); `rules()` gives the current ones.
    pub rules_cell: Arc<RulesCell>,
    pub settings: Arc<Settings>,
    pub clock: Arc<dyn Clock>,
    /// The bot's words in every language, and the emergency numbers.
    pub conversation: Arc<ConversationTexts>,
    /// Clients of the enabled channels.
    pub channels: Arc<Channels>,
    /// Live updates for open console pages (Redis pub/sub to server-sent events).
    pub live: Arc<crate::live::Live>,
    /// The surge wait the bot last told, per level, for ten seconds (`surge::WaitCache`).
    pub surge_waits: Arc<crate::surge::WaitCache>,
    /// Webhook turns and what this node knows of the webhook inbox (`channels::inbox`).
    pub turns: Arc<crate::channels::IntakeTurns>,
}

impl AppContext {
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// The triage rules in force now.
    pub fn rules(&self) -> Arc<TriageRules> {
        self.rules_cell.current()
    }
}
