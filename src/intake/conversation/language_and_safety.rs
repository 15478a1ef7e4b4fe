//! The first part of the script: the language, a safety notice, "is it safe to write now?",
//! and, when it is not, a way and a time to reach the person later and a gentle goodbye. Also
//! the stop word, honoured at every step.

use super::{CHAT_LANGUAGES, Choice, ContactPreference, Effect, Said, Step, Turn, choice};

impl Turn<'_> {
    /// A language button was pressed.
    pub(super) fn language_chosen(&mut self, language: &str) {
        if CHAT_LANGUAGES.contains(&language) {
            self.set_language(language);
        }
        if matches!(self.next.step, Step::New | Step::ChoosingLanguage) {
            self.notice_and_ask_safe();
        } else {
            self.repeat_step();
        }
    }

    pub(super) fn on_language(&mut self, said: Said<'_>) {
        if self.next.step == Step::New {
            match said {
                Said::Text(_) if self.next.language.is_some() => self.notice_and_ask_safe(),
                _ => self.ask_language(),
            }
            return;
        }
        match said {
            Said::Start | Said::Choice(_) => self.ask_language(),
            _ => {
                // Not clear from the script: take the app's language, else English, rather
                // than ask again and again.
                if self.next.language.is_none() {
                    let fallback = self
                        .situation
                        .language_hint
                        .and_then(|h| h.split(['-', '_']).next())
                        .filter(|h| CHAT_LANGUAGES.contains(h))
                        .unwrap_or("en")
                        .to_owned();
                    self.set_language(&fallback);
                }
                self.notice_and_ask_safe();
            }
        }
    }

    pub(super) fn on_safe_to_talk(&mut self, said: Said<'_>) {
        match said {
            Said::Choice("safe:yes") => {
                self.next.not_safe_now = false;
                self.after_safe_to_talk()
            }
            Said::Choice("safe:no") => {
                self.next.not_safe_now = true;
                self.ask_safe_contact_later()
            }
            // Writing what happens answers "is it safe?" in practice.
            Said::Text(_) | Said::Contact { .. } | Said::OtherContent
                if self.next.step == Step::AskedSafeToTalk =>
            {
                self.after_safe_to_talk()
            }
            _ => {
                let welcome = self.pack().texts.welcome_back.clone();
                if self.next.step != Step::AskedSafeToTalk {
                    self.say(welcome);
                }
                self.ask_safe_to_talk();
            }
        }
    }

    pub(super) fn on_safe_contact_later(&mut self, said: Said<'_>) {
        match said {
            // A way to reach them: then a safe time, then goodbye.
            Said::Choice("contact:here") => {
                self.effects
                    .push(Effect::Contact(ContactPreference::ThisChatOnly));
                self.ask(Step::AskedSafeHours);
            }
            Said::Choice("contact:never") => {
                self.effects
                    .push(Effect::Contact(ContactPreference::NeverFirst));
                self.next.never_first = true;
                self.say_goodbye();
            }
            Said::Choice(_) | Said::Start => self.repeat_step(),
            _ => self.say_goodbye(),
        }
    }

    pub(super) fn set_language(&mut self, language: &str) {
        if self.next.language.as_deref() != Some(language) {
            self.next.language = Some(language.to_owned());
            self.effects.push(Effect::Language(language.to_owned()));
        }
    }

    pub(super) fn is_stop(&self, said: Said<'_>) -> bool {
        match said {
            Said::Choice(data) => data == "stop",
            Said::Text(text) => {
                let t = text.trim().trim_end_matches(['.', '!']).to_lowercase();
                self.situation
                    .texts
                    .packs()
                    .any(|p| p.stop_words.iter().any(|w| w.to_lowercase() == t))
            }
            _ => false,
        }
    }

    pub(super) fn stop(&mut self) {
        let text = self.pack().texts.stopped.clone();
        self.say(text);
        self.next.step = Step::Stopped;
        self.effects.push(Effect::Stopped);
    }

    pub(super) fn ask_language(&mut self) {
        let hint = self
            .situation
            .language_hint
            .and_then(|h| h.split(['-', '_']).next())
            .filter(|h| CHAT_LANGUAGES.contains(h))
            .unwrap_or("en");
        let text = self
            .situation
            .texts
            .pack(hint)
            .texts
            .choose_language
            .clone();
        let buttons: Vec<Choice> = self
            .situation
            .texts
            .packs()
            .map(|p| choice(p.language_name.clone(), &format!("lang:{}", p.language)))
            .collect();
        let rows = buttons.chunks(2).map(<[Choice]>::to_vec).collect();
        self.say_with(text, rows, None);
        self.next.step = Step::ChoosingLanguage;
    }

    fn notice_and_ask_safe(&mut self) {
        let pack = self.pack();
        let stop_word = pack.stop_words.first().cloned().unwrap_or_default();
        let notice = pack.texts.safety_notice.replace("{stop_word}", &stop_word);
        // The numbers come once: if danger words already brought them, the notice ends before
        // its "in danger now? call:" line.
        let text = if self.next.numbers_shown {
            without_numbers(&notice)
        } else {
            notice.replace("{emergency_numbers}", &self.emergency_block())
        };
        self.next.numbers_shown = true;
        self.say(text);
        self.ask_safe_to_talk();
    }

    pub(super) fn ask_safe_to_talk(&mut self) {
        let pack = self.pack();
        let text = pack.texts.ask_safe_to_talk.clone();
        let rows = vec![
            vec![choice(pack.buttons.safe_yes.clone(), "safe:yes")],
            vec![choice(pack.buttons.safe_no.clone(), "safe:no")],
        ];
        self.say_with(text, rows, None);
        self.next.step = Step::AskedSafeToTalk;
    }

    pub(super) fn ask_safe_contact_later(&mut self) {
        let pack = self.pack();
        let text = pack.texts.ask_safe_contact_later.clone();
        let rows = vec![
            vec![choice(pack.buttons.contact_here.clone(), "contact:here")],
            vec![choice(
                pack.buttons.contact_never_first.clone(),
                "contact:never",
            )],
        ];
        self.say_with(text, rows, None);
        self.next.step = Step::AskedSafeContactLater;
    }

    /// Ends gently when it is not safe to talk: the chat can be deleted, and the numbers to call.
    pub(super) fn say_goodbye(&mut self) {
        let inline = self.emergency_lines().join(", ");
        let text = self
            .pack()
            .texts
            .not_safe_goodbye
            .replace("{emergency_numbers_inline}", &inline);
        self.say(text);
        self.next.step = Step::Paused;
        self.next.not_safe_now = false;
    }
}

/// The notice without its emergency-numbers part: the placeholder and the line that introduces
/// it (every language's notice ends "… call:" then the numbers).
fn without_numbers(notice: &str) -> String {
    let Some((before, _)) = notice.split_once("{emergency_numbers}") else {
        return notice.to_owned();
    };
    let before = before.trim_end();
    match before.rsplit_once('\n') {
        Some((kept, _)) => kept.trim_end().to_owned(),
        None => before.to_owned(),
    }
}
