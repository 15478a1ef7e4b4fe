//! The chat conversation: a pure state machine, the same for every chat channel.
//!
//! `advance(conversation, said, situation)` returns the next state, the bot's replies and the
//! facts learned (language, answers, how to contact back). It does no I/O and reads no clock;
//! `intake::channel_message` stores the state with the person's channel identity and stores
//! the effects in the same transaction as the message. Whatever the person writes is recorded
//! on the case by the caller before this runs, so someone who writes once and vanishes still
//! reaches a counselor; the machine only decides what the bot says next.
//!
//! The script, one file per part:
//! - `language_and_safety`: the language, a safety notice, "is it safe to write now?" (and, if
//!   not, a way and a time to reach them later, then a gentle goodbye), the stop word;
//! - `telling`: an open "tell us what is happening";
//! - `quick_questions`: optional buttons (under 18? free to leave? documents taken? which
//!   country, which province?);
//! - `contact_back`: how and when the hotline may contact them back;
//! - `hand_off`: what happens next, and when a counselor will answer.
//!
//! In surge (`situation.surge_wait`), the script keeps only the essentials: after the notice it
//! says honestly how long an answer may take, asks "are you safe right now?" (an "in danger"
//! answer brings the emergency numbers and puts the case first), where the person is, and how
//! to reach them safely; the open question and the quick yes/no questions are skipped (the
//! person can still write anything at any time, and it is kept).
//!
//! Safety rules built in: a stop word or the Stop button ends the bot at any step; danger words
//! (detected by triage, passed in `situation.danger`) bring the emergency numbers at once; a
//! person already talking to a counselor never hears from the bot again; no question is
//! required, and none asks for details of harm.

mod contact_back;
mod hand_off;
mod language_and_safety;
mod person;
mod quick_questions;
mod surge;
mod telling;
#[cfg(test)]
mod tests;

use std::time::Duration;

use hotline_contract::Choice;
use serde::{Deserialize, Serialize};

use super::conversation_texts::{ConversationTexts, LanguagePack};
use super::language::{CHAT_LANGUAGES, detect_script_language};

/// Where one chat's conversation stands. Stored as JSON with the chat's identity.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conversation {
    #[serde(default)]
    pub step: Step,
    #[serde(default)]
    pub language: Option<String>,
    /// The person has told us something in their own words (so the open question is skipped).
    #[serde(default)]
    pub told: bool,
    /// The emergency numbers were shown because of danger words.
    #[serde(default)]
    pub danger_shown: bool,
    /// The person said it is not safe to write now: after the safe time, say goodbye instead
    /// of handing off.
    #[serde(default)]
    pub not_safe_now: bool,
    /// The emergency numbers were shown (in the notice or on danger words): the notice does
    /// not repeat them; only danger words bring them again.
    #[serde(default)]
    pub numbers_shown: bool,
    /// The person asked never to be contacted first: the hand-off promises only an answer when
    /// they write.
    #[serde(default)]
    pub never_first: bool,
    /// The person speaks of themselves: the quick questions say "you".
    #[serde(default)]
    pub about_self: bool,
    /// In surge, the honest wait was told at the start (it is told again at the hand-off).
    #[serde(default)]
    pub surge_told: bool,
    /// The person asked to be forgotten and the bot asked them to confirm
    /// (`crate::retention::chat`); anything but the confirmation backs out.
    #[serde(default)]
    pub forget_asked: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    #[default]
    New,
    ChoosingLanguage,
    AskedSafeToTalk,
    AskedSafeContactLater,
    /// Not safe to talk now; the bot said goodbye. The next message starts again gently.
    Paused,
    AskedWhatHappened,
    AskedMinor,
    AskedCanLeave,
    AskedDocuments,
    AskedCountry,
    AskedArea,
    AskedContact,
    AskedPhone,
    AskedSafeHours,
    /// The bot is done; a counselor answers here.
    HandedOff,
    /// A counselor has written on this chat: the bot stays silent.
    WithCounselor,
    /// The person asked the bot to stop.
    Stopped,
}

impl Step {
    pub fn as_str(self) -> &'static str {
        match self {
            Step::New => "new",
            Step::ChoosingLanguage => "choosing_language",
            Step::AskedSafeToTalk => "asked_safe_to_talk",
            Step::AskedSafeContactLater => "asked_safe_contact_later",
            Step::Paused => "paused",
            Step::AskedWhatHappened => "asked_what_happened",
            Step::AskedMinor => "asked_minor",
            Step::AskedCanLeave => "asked_can_leave",
            Step::AskedDocuments => "asked_documents",
            Step::AskedCountry => "asked_country",
            Step::AskedArea => "asked_area",
            Step::AskedContact => "asked_contact",
            Step::AskedPhone => "asked_phone",
            Step::AskedSafeHours => "asked_safe_hours",
            Step::HandedOff => "handed_off",
            Step::WithCounselor => "with_counselor",
            Step::Stopped => "stopped",
        }
    }
}

/// What the person sent, reduced to what the conversation needs.
#[derive(Debug, Clone, Copy)]
pub enum Said<'a> {
    /// Opened the bot (`/start`, a LINE follow).
    Start,
    Text(&'a str),
    /// Pressed a button; the button's data.
    Choice(&'a str),
    /// Shared a phone contact.
    Contact {
        phone: &'a str,
    },
    /// A photo, voice message, location or edit: content for the counselor, no answer for the
    /// bot.
    OtherContent,
    /// A kind of message the channel cannot handle.
    Unsupported,
}

/// What the machine needs to know besides the message.
pub struct Situation<'a> {
    pub texts: &'a ConversationTexts,
    /// The platform's idea of the person's language (their app setting); a hint only.
    pub language_hint: Option<&'a str>,
    /// The country the person said they are in, for emergency numbers.
    pub country: Option<&'a str>,
    /// This message says someone is in danger now (triage found a critical flag in it).
    pub danger: bool,
    /// The answer target for the case's urgency level, to tell the person how long to expect.
    pub expected_wait: Duration,
    /// Indicators the case already has (from the person's words or earlier answers): the quick
    /// question about one is not asked again.
    pub known_flags: &'a [String],
    /// Surge mode is on (`crate::surge`), with how long an answer may really take: the bot asks
    /// only the essentials (safe now? where? how to reach you safely?) and says that wait.
    pub surge_wait: Option<Duration>,
}

/// One message for the bot to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub text: String,
    pub choices: Vec<Vec<Choice>>,
    /// Label of a "share my phone number" button, if one is offered.
    pub request_contact: Option<String>,
}

/// How the person said we may contact them back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactPreference {
    /// Only answer on this chat.
    ThisChatOnly,
    /// A phone call is fine (the number comes separately).
    Phone,
    /// Never contact first: only answer when they write.
    NeverFirst,
}

/// A fact the conversation learned, for the caller to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Language(String),
    /// A quick answer: the phone form's question key and `yes`/`no`/`unknown`.
    Answer {
        question: &'static str,
        value: &'static str,
    },
    Country(String),
    Area(String),
    Contact(ContactPreference),
    Phone(String),
    SafeHours(String),
    Stopped,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Advance {
    pub next: Conversation,
    pub replies: Vec<Reply>,
    pub effects: Vec<Effect>,
}

/// Countries offered as buttons; others are typed or skipped.
const COUNTRY_BUTTONS: &[&str] = &["TH", "MM", "KH", "LA", "VN", "CN", "MY"];
/// Longest free-text answer kept for an area or safe hours.
const SHORT_ANSWER_CHARS: usize = 100;

impl Conversation {
    /// A returning person whose earlier case was closed starts a new round of the script.
    pub fn start_new_round(&mut self) {
        if matches!(self.step, Step::WithCounselor | Step::HandedOff) {
            self.step = Step::Paused;
            self.told = false;
            self.danger_shown = false;
            self.numbers_shown = false;
            self.about_self = false;
        }
    }
}

/// Moves the conversation one message forward.
pub fn advance(conversation: &Conversation, said: Said<'_>, situation: &Situation<'_>) -> Advance {
    let mut turn = Turn {
        next: conversation.clone(),
        replies: Vec::new(),
        effects: Vec::new(),
        situation,
    };
    turn.run(said);
    Advance {
        next: turn.next,
        replies: turn.replies,
        effects: turn.effects,
    }
}

/// One message's worth of the script: the state it moves to, what the bot says, what it learned.
struct Turn<'a> {
    next: Conversation,
    replies: Vec<Reply>,
    effects: Vec<Effect>,
    situation: &'a Situation<'a>,
}

impl Turn<'_> {
    fn run(&mut self, said: Said<'_>) {
        let content = said.is_content();
        if self.next.step == Step::WithCounselor {
            // The counselor leads now; only "stop" is still honoured, so the person can end it.
            if self.is_stop(said) {
                self.stop();
            }
            return;
        }
        if self.is_stop(said) {
            self.stop();
            return;
        }
        if let Said::Text(text) = said
            && self.next.language.is_none()
            && let Some(language) = detect_script_language(text)
        {
            self.set_language(language);
        }
        if self.situation.danger && !self.next.danger_shown {
            self.next.danger_shown = true;
            self.next.numbers_shown = true;
            let pack = self.pack();
            let text = pack
                .texts
                .danger_now
                .replace("{emergency_numbers}", &self.emergency_block());
            self.say(text);
        }
        if let Said::Choice(data) = said
            && let Some(language) = data.strip_prefix("lang:")
        {
            self.language_chosen(language);
            return;
        }
        if matches!(said, Said::Unsupported) {
            let text = self.pack().texts.unsupported.clone();
            self.say(text);
            return;
        }
        if content {
            // The story's first words decide whom the questions are about.
            if let Said::Text(text) = said
                && !self.next.told
            {
                self.next.about_self = person::speaks_of_self(text);
            }
            self.next.told = true;
        }
        match self.next.step {
            Step::New | Step::ChoosingLanguage => self.on_language(said),
            Step::AskedSafeToTalk | Step::Paused | Step::Stopped => self.on_safe_to_talk(said),
            Step::AskedSafeContactLater => self.on_safe_contact_later(said),
            Step::AskedWhatHappened => self.on_what_happened(said),
            Step::AskedMinor | Step::AskedCanLeave | Step::AskedDocuments => {
                self.on_yes_no_question(said)
            }
            Step::AskedCountry => self.on_country(said),
            Step::AskedArea => self.on_area(said),
            Step::AskedContact => self.on_contact(said),
            Step::AskedPhone => self.on_phone(said),
            Step::AskedSafeHours => self.on_safe_hours(said),
            Step::HandedOff => self.on_handed_off(said),
            Step::WithCounselor => {}
        }
    }

    /// Sends the question for `step` and moves there. A quick question whose answer the
    /// conversation already has (the person wrote it) is skipped.
    fn ask(&mut self, step: Step) {
        let known = |flag: &str| self.situation.known_flags.iter().any(|f| f == flag);
        // In surge only the essentials are asked: where, then how to reach the person.
        let step = match step {
            Step::AskedMinor | Step::AskedCanLeave | Step::AskedDocuments if self.in_surge() => {
                Step::AskedCountry
            }
            s => s,
        };
        let step = match step {
            Step::AskedMinor if known("minor") => Step::AskedCanLeave,
            s => s,
        };
        let step = match step {
            Step::AskedCanLeave if known("confinement") => Step::AskedDocuments,
            s => s,
        };
        let step = match step {
            Step::AskedDocuments if known("documents_seized") => Step::AskedCountry,
            s => s,
        };
        let step = match step {
            Step::AskedCountry if self.situation.country.is_some() => Step::AskedArea,
            s => s,
        };
        let asked = match step {
            Step::AskedMinor
            | Step::AskedCanLeave
            | Step::AskedDocuments
            | Step::AskedCountry
            | Step::AskedArea => self.ask_quick_question(step),
            Step::AskedContact | Step::AskedPhone | Step::AskedSafeHours => {
                self.ask_contact_question(step)
            }
            _ => false,
        };
        if asked {
            self.next.step = step;
        }
    }

    /// Says the current step's question again (after a stray button or an unexpected message).
    fn repeat_step(&mut self) {
        match self.next.step {
            Step::New | Step::ChoosingLanguage => self.ask_language(),
            Step::AskedSafeToTalk | Step::Paused | Step::Stopped => self.ask_safe_to_talk(),
            Step::AskedSafeContactLater => self.ask_safe_contact_later(),
            Step::AskedWhatHappened => self.ask_what_happened(),
            step @ (Step::AskedMinor
            | Step::AskedCanLeave
            | Step::AskedDocuments
            | Step::AskedCountry
            | Step::AskedArea
            | Step::AskedContact
            | Step::AskedPhone
            | Step::AskedSafeHours) => self.ask(step),
            Step::HandedOff | Step::WithCounselor => {}
        }
    }

    fn in_surge(&self) -> bool {
        self.situation.surge_wait.is_some()
    }

    fn pack(&self) -> &LanguagePack {
        self.situation
            .texts
            .pack(self.next.language.as_deref().unwrap_or("en"))
    }

    /// The numbers, one per line, and the note on languages when a line may not speak theirs.
    fn emergency_block(&self) -> String {
        self.situation.texts.emergency_block(
            self.situation.country,
            self.next.language.as_deref().unwrap_or("en"),
        )
    }

    fn emergency_lines(&self) -> Vec<String> {
        self.situation.texts.emergency_lines(
            self.situation.country,
            self.next.language.as_deref().unwrap_or("en"),
        )
    }

    fn say(&mut self, text: String) {
        self.say_with(text, Vec::new(), None);
    }

    fn say_with(&mut self, text: String, mut choices: Vec<Vec<Choice>>, contact: Option<String>) {
        if !choices.is_empty() {
            // Every question can be ended with one press.
            let stop = self.pack().buttons.stop.clone();
            choices.push(vec![choice(stop, "stop")]);
        }
        self.replies.push(Reply {
            text,
            choices,
            request_contact: contact,
        });
    }
}

impl Said<'_> {
    /// The person wrote or shared something (not a button press).
    fn is_content(self) -> bool {
        matches!(
            self,
            Said::Text(_) | Said::Contact { .. } | Said::OtherContent
        )
    }
}

fn choice(label: String, data: &str) -> Choice {
    Choice {
        label,
        data: data.to_owned(),
    }
}

fn short(text: &str) -> String {
    text.trim().chars().take(SHORT_ANSWER_CHARS).collect()
}
