//! Whether the person speaks of themselves ("I am locked in") or of someone else ("my sister
//! cannot leave"), so the quick questions ask "can you leave?" rather than "can the person
//! leave?". A few words per language; when unsure (no first-person word, or a relative or
//! friend named) the questions stay about "the person", which fits both.

/// First-person words, matched as substrings of the lower-cased text (padded with spaces for
/// the Latin-script ones, so "i" does not match inside words).
const SELF: &[&str] = &[
    " i ",
    " i'm ",
    " im ",
    " me ",
    " my ",
    " myself ",
    "ฉัน",
    "ผม",
    "หนู",
    "ดิฉัน",
    "ຂ້ອຍ",
    "ຂ້າພະເຈົ້າ",
    "ខ្ញុំ",
    "ကျွန်မ",
    "ကျွန်တော်",
    " tôi ",
    " mình ",
    "我",
];

/// Words naming someone else: then the story is (also) about them.
const OTHERS: &[&str] = &[
    "sister",
    "brother",
    "friend",
    "daughter",
    "son ",
    "mother",
    "father",
    "wife",
    "husband",
    "cousin",
    "niece",
    "nephew",
    "aunt",
    "uncle",
    "neighbo",
    "colleague",
    "co-worker",
    "child",
    "พี่สาว",
    "น้องสาว",
    "พี่ชาย",
    "น้องชาย",
    "เพื่อน",
    "ลูก",
    "แม่",
    "พ่อ",
    "สามี",
    "ภรรยา",
    "แฟน",
    "ญาติ",
    "ເອື້ອຍ",
    "ນ້ອງສາວ",
    "ອ້າຍ",
    "ນ້ອງຊາຍ",
    "ໝູ່",
    "ລູກ",
    "ແມ່",
    "ພໍ່",
    "បងស្រី",
    "ប្អូនស្រី",
    "បងប្រុស",
    "ប្អូនប្រុស",
    "មិត្ត",
    "កូន",
    "ម្ដាយ",
    "ឪពុក",
    "အစ်မ",
    "ညီမ",
    "အစ်ကို",
    "သူငယ်ချင်း",
    "သမီး",
    "သား",
    "အမေ",
    "အဖေ",
    " chị ",
    "anh trai",
    "em gái",
    " bạn ",
    " con ",
    " mẹ ",
    " bố ",
    " vợ ",
    " chồng ",
    "姐姐",
    "妹妹",
    "哥哥",
    "弟弟",
    "朋友",
    "女儿",
    "儿子",
    "妈妈",
    "爸爸",
    "丈夫",
    "妻子",
    "老公",
    "老婆",
    "孩子",
];

pub fn speaks_of_self(text: &str) -> bool {
    let t = format!(
        " {} ",
        text.to_lowercase().replace(
            |c: char| c.is_ascii_punctuation() && c != '\'' && c != '-',
            " "
        )
    );
    SELF.iter().any(|w| t.contains(w)) && !OTHERS.iter().any(|w| t.contains(w))
}

#[cfg(test)]
mod tests {
    use super::speaks_of_self;

    #[test]
    fn i_am_locked_in_is_about_oneself_and_my_sister_is_not() {
        assert!(speaks_of_self("I am locked in, they took my passport."));
        assert!(speaks_of_self("ฉันออกไปไหนไม่ได้"));
        assert!(speaks_of_self("我的护照被老板拿走了"));
        assert!(!speaks_of_self("My sister cannot leave the factory"));
        assert!(!speaks_of_self("พี่สาวของฉันทำงานที่โรงงาน"));
        assert!(!speaks_of_self("They keep people locked in"));
    }
}
