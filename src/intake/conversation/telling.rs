//! The person tells what is happening, in their own words. One open question, never a demand
//! for details of harm; writing anything counts as an answer.

use super::{Said, Step, Turn};

impl Turn<'_> {
    pub(super) fn on_what_happened(&mut self, said: Said<'_>) {
        if said.is_content() {
            self.thank_and_ask_first_question();
        } else {
            self.repeat_step();
        }
    }

    pub(super) fn ask_what_happened(&mut self) {
        let text = self.pack().texts.ask_what_happened.clone();
        self.say(text);
    }

    pub(super) fn after_safe_to_talk(&mut self) {
        if self.in_surge() {
            // The essentials first; what happened can be written at any time and is kept.
            self.ask(Step::AskedCountry);
            return;
        }
        if self.next.told {
            self.thank_and_ask_first_question();
        } else {
            self.ask_what_happened();
            self.next.step = Step::AskedWhatHappened;
        }
    }

    fn thank_and_ask_first_question(&mut self) {
        let pack = self.pack();
        let text = format!(
            "{}\n{}",
            pack.texts.thanks_for_telling, pack.texts.quick_questions_intro
        );
        self.say(text);
        self.ask(Step::AskedMinor);
    }
}
