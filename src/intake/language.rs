//! Guessing a chat's language from the script of what the person wrote, so the bot can skip
//! the language question when the answer is plain.
//!
//! Only scripts that name one of the hotline's languages count: Thai, Lao, Khmer and Burmese
//! each have their own script, Han characters mean Chinese, and Latin letters with Vietnamese
//! tone marks or ơ/ư/ă/đ mean Vietnamese. Plain ASCII could be English, romanized Thai or
//! Vietnamese typed without marks, so it is not "clear" and the bot asks.

/// The language codes the conversation speaks, in the order the language buttons show them.
pub const CHAT_LANGUAGES: &[&str] = &["th", "my", "km", "lo", "vi", "zh", "en"];

/// The language a text is clearly written in, if any: the script of most of its letters, when
/// at least half of the letters are in it.
pub fn detect_script_language(text: &str) -> Option<&'static str> {
    let mut counts = [0usize; 6];
    let mut letters = 0usize;
    for c in text.chars() {
        if !crate::chars::is_alphabetic(c) && !is_combining_mark(c) {
            continue;
        }
        letters += 1;
        let slot = match c {
            '\u{0E00}'..='\u{0E7F}' => 0,                           // Thai
            '\u{0E80}'..='\u{0EFF}' => 1,                           // Lao
            '\u{1780}'..='\u{17FF}' | '\u{19E0}'..='\u{19FF}' => 2, // Khmer
            '\u{1000}'..='\u{109F}' | '\u{AA60}'..='\u{AA7F}' => 3, // Myanmar
            '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' => 4, // Han
            c if is_vietnamese_letter(c) => 5,
            _ => continue,
        };
        counts[slot] += 1;
    }
    if letters == 0 {
        return None;
    }
    // Vietnamese words mix marked and plain Latin letters; count the whole text as Vietnamese
    // when marked letters are a fair share of it.
    let (slot, &n) = counts.iter().enumerate().max_by_key(|(_, n)| **n)?;
    let enough = if slot == 5 {
        n * 6 >= letters
    } else {
        n * 2 >= letters
    };
    if n == 0 || !enough {
        return None;
    }
    Some(["th", "lo", "km", "my", "zh", "vi"][slot])
}

fn is_combining_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}')
        || matches!(c, '\u{0E31}' | '\u{0E34}'..='\u{0E3A}' | '\u{0E47}'..='\u{0E4E}')
        || matches!(c, '\u{0EB1}' | '\u{0EB4}'..='\u{0EBC}' | '\u{0EC8}'..='\u{0ECD}')
        || matches!(c, '\u{17B4}'..='\u{17D3}')
        || matches!(c, '\u{102B}'..='\u{103E}')
}

fn is_vietnamese_letter(c: char) -> bool {
    matches!(
        c,
        'ă' | 'Ă' | 'â' | 'Â' | 'đ' | 'Đ' | 'ê' | 'Ê' | 'ô' | 'Ô' | 'ơ' | 'Ơ' | 'ư' | 'Ư'
    ) || matches!(c, '\u{1EA0}'..='\u{1EF9}')
        || matches!(
            c,
            'à' | 'á' | 'ã' | 'è' | 'é' | 'ì' | 'í' | 'ò' | 'ó' | 'õ' | 'ù' | 'ú' | 'ý'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_script_names_its_language() {
        assert_eq!(detect_script_language("ช่วยด้วย ฉันออกไปไม่ได้"), Some("th"));
        assert_eq!(detect_script_language("ຊ່ວຍແດ່ ຂ້ອຍອອກໄປບໍ່ໄດ້"), Some("lo"));
        assert_eq!(detect_script_language("សូមជួយខ្ញុំផង"), Some("km"));
        assert_eq!(detect_script_language("ကျွန်မကို ကူညီပါ"), Some("my"));
        assert_eq!(detect_script_language("请帮帮我，我出不去"), Some("zh"));
        assert_eq!(
            detect_script_language("Tôi cần giúp đỡ, họ giữ hộ chiếu của tôi"),
            Some("vi")
        );
    }

    #[test]
    fn plain_latin_letters_are_not_clear() {
        assert_eq!(detect_script_language("hello I need help"), None);
        assert_eq!(detect_script_language("chuay duay"), None);
        assert_eq!(detect_script_language("12345 !!"), None);
    }
}
