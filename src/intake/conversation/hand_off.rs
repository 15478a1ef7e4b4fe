//! The hand-off: what happens next and when a counselor will answer. After it the bot only
//! greets a person who comes back.

use super::{Said, Step, Turn};

impl Turn<'_> {
    pub(super) fn on_handed_off(&mut self, said: Said<'_>) {
        if matches!(said, Said::Start) {
            let text = self.pack().texts.welcome_back.clone();
            self.say(text);
        }
    }

    pub(super) fn hand_off(&mut self) {
        if self.next.not_safe_now {
            self.say_goodbye();
            return;
        }
        let pack = self.pack();
        // Someone who asked never to be contacted first is promised only what the rules allow:
        // an answer here when they write.
        if self.next.never_first {
            let text = pack.texts.handoff_never_first.clone();
            self.say(text);
            self.next.step = Step::HandedOff;
            return;
        }
        if let Some(wait) = self.situation.surge_wait {
            self.surge_hand_off(wait);
            return;
        }
        let minutes = self.situation.expected_wait.as_secs().div_ceil(60).max(1);
        let wait = if minutes < 120 {
            pack.texts.wait_minutes.replace("{n}", &minutes.to_string())
        } else {
            pack.texts
                .wait_hours
                .replace("{n}", &minutes.div_ceil(60).to_string())
        };
        let text = pack.texts.handoff.replace("{wait}", &wait);
        self.say(text);
        self.next.step = Step::HandedOff;
    }
}
