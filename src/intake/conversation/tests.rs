//! The script, tried message by message.
use super::*;
use std::path::Path;

fn texts() -> &'static ConversationTexts {
    static TEXTS: std::sync::LazyLock<ConversationTexts> = std::sync::LazyLock::new(|| {
        ConversationTexts::load(
            Path::new("config/conversation"),
            Path::new("config/emergency_numbers.yaml"),
            "TH",
        )
        .unwrap()
    });
    &TEXTS
}

fn situation(danger: bool) -> Situation<'static> {
    Situation {
        texts: texts(),
        language_hint: None,
        country: None,
        danger,
        expected_wait: Duration::from_secs(600),
        known_flags: &[],
    }
}

/// Runs a whole exchange and returns the final state and every reply.
fn talk(said: &[Said<'_>]) -> (Conversation, Vec<Reply>, Vec<Effect>) {
    let mut state = Conversation::default();
    let (mut replies, mut effects) = (Vec::new(), Vec::new());
    for s in said {
        let a = advance(&state, *s, &situation(false));
        state = a.next;
        replies.extend(a.replies);
        effects.extend(a.effects);
    }
    (state, replies, effects)
}

#[test]
fn every_language_file_loads_with_every_key() {
    assert_eq!(texts().packs().count(), CHAT_LANGUAGES.len());
}

#[test]
fn a_clear_script_skips_the_language_question() {
    let (state, replies, effects) = talk(&[Said::Text("ช่วยด้วย")]);
    assert_eq!(state.language.as_deref(), Some("th"));
    assert_eq!(state.step, Step::AskedSafeToTalk);
    assert!(
        replies[0].text.starts_with(
            texts()
                .pack("th")
                .texts
                .safety_notice
                .split('{')
                .next()
                .unwrap()
        )
    );
    assert!(effects.contains(&Effect::Language("th".into())));
}

#[test]
fn every_question_offers_a_stop_button_and_stop_works_at_any_step() {
    let (_, replies, _) = talk(&[
        Said::Start,
        Said::Choice("lang:en"),
        Said::Choice("safe:yes"),
    ]);
    for reply in replies.iter().filter(|r| !r.choices.is_empty()) {
        assert!(reply.choices.iter().flatten().any(|c| c.data == "stop"));
    }
    for stop in ["stop", "หยุด", "STOP"] {
        let (state, replies, effects) =
            talk(&[Said::Start, Said::Choice("lang:en"), Said::Text(stop)]);
        assert_eq!(state.step, Step::Stopped, "{stop}");
        assert_eq!(
            replies.last().unwrap().text,
            texts().pack("en").texts.stopped
        );
        assert!(effects.contains(&Effect::Stopped));
    }
}

#[test]
fn danger_brings_the_emergency_numbers_once_at_any_step() {
    let first = advance(
        &Conversation::default(),
        Said::Text("help"),
        &situation(true),
    );
    assert!(first.replies[0].text.contains("191"));
    let again = advance(&first.next, Said::Text("help"), &situation(true));
    assert!(
        !again
            .replies
            .iter()
            .any(|r| r.text.contains("191") && r.text == first.replies[0].text)
    );
}

#[test]
fn the_quick_questions_record_answers_and_cannot_leave_means_confinement() {
    let (state, _, effects) = talk(&[
        Said::Text("ช่วยด้วย"),
        Said::Choice("safe:yes"),
        Said::Choice("ans:yes"),
        Said::Choice("ans:no"),
        Said::Choice("ans:skip"),
        Said::Choice("country:KH"),
        Said::Text("Poipet"),
        Said::Choice("contact:phone"),
        Said::Contact {
            phone: "+855 12 345 678",
        },
        Said::Choice("hours:morning"),
    ]);
    assert_eq!(state.step, Step::HandedOff);
    for expected in [
        Effect::Answer {
            question: "minor",
            value: "yes",
        },
        Effect::Answer {
            question: "confinement",
            value: "yes",
        },
        Effect::Country("KH".into()),
        Effect::Area("Poipet".into()),
        Effect::Phone("+85512345678".into()),
        Effect::Contact(ContactPreference::Phone),
        Effect::SafeHours("08:00-12:00".into()),
    ] {
        assert!(
            effects.contains(&expected),
            "missing {expected:?} in {effects:?}"
        );
    }
    assert!(!effects.iter().any(|e| matches!(
        e,
        Effect::Answer {
            question: "documents_seized",
            ..
        }
    )));
}

#[test]
fn not_safe_now_offers_a_way_and_a_time_then_ends_gently() {
    let (state, replies, effects) = talk(&[
        Said::Start,
        Said::Choice("lang:en"),
        Said::Choice("safe:no"),
        Said::Choice("contact:here"),
        Said::Choice("hours:evening"),
    ]);
    assert_eq!(state.step, Step::Paused);
    let en = &texts().pack("en").texts;
    assert!(
        replies
            .last()
            .unwrap()
            .text
            .starts_with(en.not_safe_goodbye.split('{').next().unwrap())
    );
    assert!(
        !replies
            .iter()
            .any(|r| r.text.starts_with(en.handoff.split('{').next().unwrap()))
    );
    assert!(effects.contains(&Effect::SafeHours("18:00-22:00".into())));
    assert!(effects.contains(&Effect::Contact(ContactPreference::ThisChatOnly)));
}

#[test]
fn a_person_talking_to_a_counselor_never_hears_the_bot() {
    let state = Conversation {
        step: Step::WithCounselor,
        language: Some("en".into()),
        ..Conversation::default()
    };
    for said in [
        Said::Text("hello"),
        Said::Start,
        Said::Choice("safe:yes"),
        Said::Unsupported,
    ] {
        let a = advance(&state, said, &situation(true));
        assert!(a.replies.is_empty(), "{said:?}");
        assert_eq!(a.next.step, Step::WithCounselor);
    }
}

#[test]
fn no_text_demands_details_of_harm() {
    // Open questions only: no text asks who did what to whom.
    for pack in texts().packs().filter(|p| p.language == "en") {
        for text in [
            &pack.texts.ask_what_happened,
            &pack.texts.thanks_for_telling,
        ] {
            for word in ["who hurt", "describe the abuse", "what did they do to"] {
                assert!(!text.to_lowercase().contains(word));
            }
        }
    }
}

/// Words that would tell whoever glances at a lock screen what this chat is about.
const REVEALING: &[&str] = &[
    "traffick",
    "exploit",
    "abuse",
    "slave",
    "ค้ามนุษย์",
    "เอาเปรียบ",
    "ຄ້າມະນຸດ",
    "ເອົາປຽບ",
    "ជួញដូរ",
    "កេងប្រវ័ញ្ច",
    "လူကုန်ကူး",
    "အမြတ်ထုတ်",
    "mua bán",
    "bóc lột",
    "拐卖",
    "剥削",
    // Naming a hotline or the police is enough to tell whoever holds the phone.
    "hotline",
    "police",
    "สายด่วน",
    "ตำรวจ",
    "ສາຍດ່ວນ",
    "ຕຳຫຼວດ",
    "ប៉ូលិស",
    "ខ្សែទូរស័ព្ទជំនួយ",
    "ဟော့လိုင်း",
    "đường dây nóng",
    "công an",
    "热线",
    "警察",
];

#[test]
fn the_first_line_of_every_greeting_is_safe_on_a_lock_screen() {
    for pack in texts().packs() {
        for text in [
            &pack.texts.choose_language,
            &pack.texts.safety_notice,
            &pack.texts.welcome_back,
            &pack.texts.handoff,
            &pack.texts.handoff_never_first,
        ] {
            let first = text.lines().next().unwrap_or("").to_lowercase();
            for word in REVEALING {
                assert!(
                    !first.contains(word),
                    "{}: {word:?} in the first line {first:?}",
                    pack.language
                );
            }
        }
    }
}

#[test]
fn the_emergency_numbers_come_once_and_again_only_on_danger_words() {
    let numbers = texts().emergency_lines(None, "th").join("\n");
    assert!(!numbers.is_empty());
    // Danger words in the first message: the numbers come at once, and the notice after it
    // does not repeat them.
    let a = advance(
        &Conversation::default(),
        Said::Text("ช่วยด้วย เขาขังฉันไว้"),
        &situation(true),
    );
    let with_numbers = a
        .replies
        .iter()
        .filter(|r| r.text.contains(&numbers))
        .count();
    assert_eq!(with_numbers, 1, "{:?}", a.replies);
    assert!(a.next.numbers_shown);
    // Without danger words: once, in the notice.
    let (_, replies, _) = talk(&[Said::Text("ช่วยด้วย"), Said::Choice("safe:yes")]);
    assert_eq!(
        replies.iter().filter(|r| r.text.contains(&numbers)).count(),
        1
    );
}

#[test]
fn the_hand_off_promises_only_an_answer_to_someone_who_asked_never_to_be_contacted_first() {
    let (state, replies, _) = talk(&[
        Said::Start,
        Said::Choice("lang:en"),
        Said::Choice("safe:yes"),
        Said::Text("they keep my passport"),
        Said::Choice("ans:skip"),
        Said::Choice("ans:skip"),
        Said::Choice("ans:skip"),
        Said::Choice("country:skip"),
        Said::Choice("area:skip"),
        Said::Choice("contact:never"),
    ]);
    assert_eq!(state.step, Step::HandedOff);
    let last = &replies.last().unwrap().text;
    assert_eq!(last, &texts().pack("en").texts.handoff_never_first);
    assert!(!last.contains("within"), "no promise of a time: {last}");
}

#[test]
fn a_question_whose_answer_the_person_already_wrote_is_not_asked() {
    let known = vec!["minor".to_owned(), "documents_seized".to_owned()];
    let s = Situation {
        known_flags: &known,
        ..situation(false)
    };
    let mut state = Conversation::default();
    for said in [
        Said::Start,
        Said::Choice("lang:en"),
        Said::Choice("safe:yes"),
        Said::Text("I am 16 and they took my passport"),
    ] {
        state = advance(&state, said, &s).next;
    }
    // Under 18 is known: the first quick question is "can you leave?".
    assert_eq!(state.step, Step::AskedCanLeave);
    let a = advance(&state, Said::Choice("ans:no"), &s);
    // Documents are known too: straight to the country.
    assert_eq!(a.next.step, Step::AskedCountry);
}

#[test]
fn someone_who_speaks_of_themselves_is_asked_about_themselves() {
    let (state, replies, _) = talk(&[
        Said::Start,
        Said::Choice("lang:en"),
        Said::Choice("safe:yes"),
        Said::Text("I am locked in a room at work"),
    ]);
    assert!(state.about_self);
    let en = &texts().pack("en").texts;
    assert!(replies.iter().any(|r| r.text == en.question_minor_self));
    let (_, replies, _) = talk(&[
        Said::Start,
        Said::Choice("lang:en"),
        Said::Choice("safe:yes"),
        Said::Text("My sister is locked in a room at work"),
    ]);
    assert!(replies.iter().any(|r| r.text == en.question_minor));
}

#[test]
fn a_burmese_speaker_in_thailand_is_told_which_languages_the_lines_speak() {
    let lines = texts().emergency_lines(Some("TH"), "my");
    let police = lines.iter().find(|l| l.contains(" 191")).unwrap();
    assert!(police.ends_with("191 (ထိုင်း)"), "{police}");
    let tourist = lines.iter().find(|l| l.contains(" 1155")).unwrap();
    assert!(tourist.ends_with("1155 (ထိုင်း, အင်္ဂလိပ်)"), "{tourist}");
    let block = texts().emergency_block(Some("TH"), "my");
    assert!(
        block.ends_with(&texts().pack("my").texts.numbers_other_languages),
        "{block}"
    );
}

#[test]
fn a_thai_speaker_in_thailand_gets_the_numbers_without_a_word_on_languages() {
    assert_eq!(texts().other_languages_note(Some("TH"), "th"), None);
    let block = texts().emergency_block(Some("TH"), "th");
    assert_eq!(block, texts().emergency_lines(Some("TH"), "th").join("\n"));
    assert!(block.contains("1300"));
}

#[test]
fn an_english_speaker_sees_only_the_tourist_police_without_a_language_mark() {
    let lines = texts().emergency_lines(Some("TH"), "en");
    let tourist = lines.iter().find(|l| l.contains(" 1155")).unwrap();
    assert!(tourist.ends_with("1155"), "{tourist}");
    assert!(
        lines.iter().any(|l| l.ends_with("1599 (Thai)")),
        "{lines:?}"
    );
}

#[test]
fn a_lao_speaker_in_laos_needs_no_language_marks() {
    assert_eq!(texts().other_languages_note(Some("LA"), "lo"), None);
    let lines = texts().emergency_lines(Some("LA"), "lo");
    assert!(lines.iter().all(|l| !l.ends_with(')')), "{lines:?}");
}
